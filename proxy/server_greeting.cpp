#include "proxy/server_greeting.hpp"

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::proxy {

namespace {

// Bounds a hostile server's parameter list; PostgreSQL 15 reports 14.
constexpr size_t kMaxParameters = 256;

void append_message(std::string& out, char type, std::string_view body) {
  out.push_back(type);
  size_t at = out.size();
  out.append(4, '\0');
  wire::put_u32(out.data() + at, static_cast<uint32_t>(body.size() + 4));
  out.append(body);
}

}  // namespace

void ServerGreeting::on_message(const wire::Message& m) {
  if (m.type == 'S') {
    wire::ByteReader r(m.body);
    auto name = r.cstring();
    auto value = r.cstring();
    if (m.truncated() || !name || !value) {
      unusual_ = true;
      return;
    }
    return set_parameter(*name, *value);
  }
  if (ready_) return;
  switch (m.type) {
    case 'R': {
      auto code = wire::ByteReader(m.body).u32();
      if (!code) {
        unusual_ = true;
      } else if (*code == 0) {
        auth_ok_ = true;
      } else {
        challenged_ = true;
      }
      return;
    }
    case 'K':
      if (m.truncated()) unusual_ = true;
      has_backend_key_ = true;
      return;
    case 'Z':
      ready_ = true;
      if (m.body != "I") unusual_ = true;
      return;
    default:  // a notice, a protocol negotiation, an error: not replayed
      unusual_ = true;
      return;
  }
}

void ServerGreeting::set_parameter(std::string_view name, std::string_view value) {
  for (auto& [n, v] : parameters_) {
    if (n == name) {
      v.assign(value);
      return;
    }
  }
  if (parameters_.size() >= kMaxParameters) {
    unusual_ = true;
    return;
  }
  parameters_.emplace_back(name, value);
}

std::string ServerGreeting::replay(std::string_view backend_key) const {
  std::string out;
  append_message(out, 'R', std::string_view("\0\0\0\0", 4));
  std::string body;
  for (const auto& [name, value] : parameters_) {
    body.assign(name);
    body.push_back('\0');
    body.append(value);
    body.push_back('\0');
    append_message(out, 'S', body);
  }
  if (has_backend_key_) append_message(out, 'K', backend_key);
  append_message(out, 'Z', "I");
  return out;
}

}  // namespace pgsleuth::proxy
