#include "proxy/server_stream.hpp"

#include "proxy/wire/message_types.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "proxy/wire/byte_reader.hpp"
#include "proxy/wire/startup_packet.hpp"

namespace pgsleuth::proxy {

namespace {

// BackendKeyData: a 4-byte process id, then the secret (4 bytes in
// protocol 3.0, up to 256 in 3.2).
constexpr uint32_t kPidBytes = 4;

}  // namespace

ServerStream::ServerStream(NewSecret new_secret)
    : new_secret_(std::move(new_secret)), table_(wire::framing_table(wire::Direction::Backend)) {}

size_t ServerStream::pass(char* data, size_t n) {
  if (broken()) return 0;
  size_t i = 0;
  while (i < n) {
    if (body_left_ > 0) {
      size_t take = std::min<size_t>(body_left_, n - i);
      if (in_key_) pass_key_bytes(data + i, take);
      i += take;
      body_left_ -= static_cast<uint32_t>(take);
      if (body_left_ == 0 && in_key_) {
        in_key_ = false;
        new_key_ = true;
      }
      continue;
    }
    // A header began in an earlier call when part of it is held already;
    // those bytes are forwarded, so breaking on it is mid-message.
    bool starts_here = header_have_ == 0;
    size_t start = i;
    size_t take = std::min<size_t>(5 - header_have_, n - i);
    std::memcpy(header_ + header_have_, data + i, take);
    header_have_ += static_cast<uint32_t>(take);
    i += take;
    if (header_have_ < 5) break;
    header_have_ = 0;
    if (!start_message(header_[0], *wire::ByteReader(std::string_view(header_ + 1, 4)).u32())) {
      broke_on_boundary_ = starts_here;
      return starts_here ? start : 0;
    }
  }
  return n;
}

bool ServerStream::start_message(char type, uint32_t length) {
  if (!wire::header_ok(table_[static_cast<uint8_t>(type)], length)) {
    error_ = wire::header_error(wire::Direction::Backend, type, length);
    return false;
  }
  body_left_ = length - 4;
  if (type != wire::backend::kBackendKeyData) return true;
  if (body_left_ < kPidBytes + wire::kMinCancelKeyBytes || body_left_ > kPidBytes + wire::kMaxCancelKeyBytes) {
    error_ = fmt::format("BackendKeyData of invalid length {}", length);
    return false;
  }
  in_key_ = true;
  key_at_ = 0;
  backend_key_.resize(body_left_);
  client_key_.resize(body_left_);
  if (new_secret_) new_secret_(client_key_.data() + kPidBytes, body_left_ - kPidBytes);
  return true;
}

void ServerStream::pass_key_bytes(char* data, size_t n) {
  for (size_t j = 0; j < n; ++j, ++key_at_) {
    backend_key_[key_at_] = data[j];
    if (key_at_ < kPidBytes || !new_secret_) {
      client_key_[key_at_] = data[j];  // the process id is the backend's
    } else {
      data[j] = client_key_[key_at_];
    }
  }
}

}  // namespace pgsleuth::proxy
