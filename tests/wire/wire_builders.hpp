#pragma once
// Builds protocol messages as byte strings for the pure-layer tests.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace pgsleuth::testing {

inline std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
inline std::string be16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
inline std::string cstr(const std::string& s) { return s + std::string(1, '\0'); }

inline std::string msg(char type, const std::string& body) {
  return std::string(1, type) + be32(static_cast<uint32_t>(body.size() + 4)) + body;
}

inline std::string query(const std::string& sql) { return msg('Q', cstr(sql)); }
inline std::string parse(const std::string& name, const std::string& sql) {
  return msg('P', cstr(name) + cstr(sql) + be16(0));
}
// Text parameters; nullopt is NULL.
inline std::string bind(const std::string& portal, const std::string& stmt,
                        std::initializer_list<std::optional<std::string>> params, bool binary = false) {
  std::string body = cstr(portal) + cstr(stmt);
  body += binary ? be16(1) + be16(1) : be16(0);
  body += be16(static_cast<uint16_t>(params.size()));
  for (const auto& p : params) {
    if (!p) {
      body += be32(0xffffffff);
    } else {
      body += be32(static_cast<uint32_t>(p->size())) + *p;
    }
  }
  body += be16(0);
  return msg('B', body);
}
inline std::string execute(const std::string& portal, uint32_t max_rows = 0) {
  return msg('E', cstr(portal) + be32(max_rows));
}
inline std::string sync() { return msg('S', ""); }
inline std::string close_stmt(char what, const std::string& name) {
  return msg('C', std::string(1, what) + cstr(name));
}

inline std::string data_row(std::initializer_list<std::optional<std::string>> cells) {
  std::string body = be16(static_cast<uint16_t>(cells.size()));
  for (const auto& c : cells) body += c ? be32(static_cast<uint32_t>(c->size())) + *c : be32(0xffffffff);
  return msg('D', body);
}
inline std::string command_complete(const std::string& tag) { return msg('C', cstr(tag)); }
inline std::string ready(char status) { return msg('Z', std::string(1, status)); }
inline std::string error(const std::string& sqlstate) {
  return msg('E', "SERROR" + std::string(1, '\0') + "C" + cstr(sqlstate) + "Mboom" + std::string(1, '\0') +
                      std::string(1, '\0'));
}
inline std::string parse_complete() { return msg('1', ""); }
inline std::string bind_complete() { return msg('2', ""); }
inline std::string portal_suspended() { return msg('s', ""); }

}  // namespace pgsleuth::testing
