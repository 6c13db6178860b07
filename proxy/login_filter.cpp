#include "proxy/login_filter.hpp"

#include <algorithm>
#include <cstring>

#include "proxy/wire/byte_reader.hpp"
#include "proxy/wire/message_types.hpp"
#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

namespace {

constexpr uint32_t kAuthOk = 0;
constexpr uint32_t kAuthSasl = 10;
constexpr std::string_view kPlus = "SCRAM-SHA-256-PLUS";
// Enough for any login error or authentication request worth reading.
constexpr size_t kMaxCapture = 2048;

uint32_t be32(const char* p) {
  auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

bool captured(char type) { return type == wire::backend::kAuthentication || type == wire::backend::kErrorResponse; }

}  // namespace

void LoginFilter::on_message(char type, std::string_view body) {
  if (type == wire::backend::kErrorResponse) {
    error_code_ = wire::parse_error_field(body, 'C').value_or("");
    error_message_ = wire::parse_error_field(body, 'M').value_or("");
    done_ = true;
    return;
  }
  if (type != wire::backend::kAuthentication) return;
  auto code = wire::ByteReader(body).u32();
  if (code == kAuthOk) done_ = true;
  if (code == kAuthSasl) saw_sasl_ = true;
}

size_t LoginFilter::whole_message(char* data, size_t at, size_t& n) {
  const char type = data[at];
  const uint32_t length = be32(data + at + 1);
  std::string_view body(data + at + 5, length - 4);
  on_message(type, body);
  if (!strip_plus_ || type != wire::backend::kAuthentication || body.size() < 4 || be32(body.data()) != kAuthSasl) {
    return 1 + length;
  }
  // The mechanisms, each NUL-terminated, then an empty one.
  std::string kept;
  wire::ByteReader r(body.substr(4));
  bool found = false;
  while (auto name = r.cstring()) {
    if (name->empty()) break;
    if (*name == kPlus) {
      found = true;
      continue;
    }
    kept.append(*name);
    kept.push_back('\0');
  }
  if (!found) return 1 + length;
  kept.push_back('\0');
  const uint32_t new_length = static_cast<uint32_t>(4 + 4 + kept.size());
  char* msg = data + at;
  const size_t end = at + 1 + length;
  wire::put_u32(msg + 1, new_length);
  std::memcpy(msg + 9, kept.data(), kept.size());
  std::memmove(msg + 1 + new_length, data + end, n - end);
  n -= length - new_length;
  stripped_ = true;
  return 1 + new_length;
}

size_t LoginFilter::server_bytes(char* data, size_t n) {
  size_t at = 0;
  while (at < n && !done_) {
    if (body_left_ > 0) {
      size_t take = std::min<size_t>(body_left_, n - at);
      if (captured(type_) && capture_.size() < kMaxCapture) {
        capture_.append(data + at, std::min(take, kMaxCapture - capture_.size()));
      }
      body_left_ -= static_cast<uint32_t>(take);
      at += take;
      if (body_left_ == 0) on_message(type_, capture_);
      continue;
    }
    if (header_have_ == 0 && n - at >= 5) {
      uint32_t length = be32(data + at + 1);
      if (length < 4) return n;  // not the protocol: ServerStream ends it
      if (n - at >= 1 + size_t{length}) {
        at += whole_message(data, at, n);
        continue;
      }
      std::memcpy(header_, data + at, 5);
      header_have_ = 5;
      at += 5;
    } else {
      header_[header_have_++] = data[at++];
      if (header_have_ < 5) continue;
    }
    // A message split across chunks: followed, never rewritten.
    header_have_ = 0;
    type_ = header_[0];
    body_left_ = be32(header_ + 1) - 4;
    capture_.clear();
    if (strip_plus_ && type_ == wire::backend::kAuthentication) missed_ = true;
    if (body_left_ == 0) on_message(type_, capture_);
  }
  return n;
}

bool LoginFilter::client_bytes(std::string_view data) {
  if (!stripped_ || sasl_answered_ || data.empty() || data[0] != wire::frontend::kPassword) return true;
  sasl_answered_ = true;
  // SASLInitialResponse: mechanism, the response's length, then its GS2
  // header: 'n' (no binding), 'y' (could bind), 'p=...' (binds).
  wire::ByteReader r(data.substr(std::min<size_t>(5, data.size())));
  auto mechanism = r.cstring();
  auto length = r.i32();
  auto flag = r.u8();
  if (!mechanism || !length || !flag) return true;  // split: the server judges alone
  return *mechanism != kPlus && *flag == 'n';
}

}  // namespace pgsleuth::proxy
