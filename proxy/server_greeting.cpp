#include "proxy/server_greeting.hpp"

#include "proxy/wire/messages.hpp"

#include "proxy/wire/message_types.hpp"
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
  if (m.type == wire::backend::kParameterStatus) {
    auto p = wire::parse_parameter_status(m.body);
    if (m.truncated() || !p) {
      unusual_ = true;
      return;
    }
    return set_parameter(p->name, p->value);
  }
  if (ready_) return;
  switch (m.type) {
    case wire::backend::kAuthentication: {
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
    case wire::backend::kBackendKeyData:
      if (m.truncated()) unusual_ = true;
      has_backend_key_ = true;
      return;
    case wire::backend::kReadyForQuery:
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
  append_message(out, wire::backend::kAuthentication, std::string_view("\0\0\0\0", 4));
  std::string body;
  for (const auto& [name, value] : parameters_) {
    body.assign(name);
    body.push_back('\0');
    body.append(value);
    body.push_back('\0');
    append_message(out, wire::backend::kParameterStatus, body);
  }
  if (has_backend_key_) append_message(out, wire::backend::kBackendKeyData, backend_key);
  append_message(out, wire::backend::kReadyForQuery, "I");
  return out;
}

}  // namespace pgsleuth::proxy
