#include "proxy/wire/startup_packet.hpp"

#include <fmt/format.h>

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::wire {

std::string_view StartupMessage::get(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

uint32_t startup_packet_length(std::string_view first4) {
  ByteReader r(first4);
  auto len = r.u32();
  if (!len || *len < 8 || *len > kMaxStartupPacketLength) return 0;
  return *len;
}

StartupPacket parse_startup_packet(std::string_view packet) {
  ByteReader r(packet);
  auto len = r.u32();
  auto code = r.u32();
  if (!len || !code || *len != packet.size()) {
    return StartupError{"startup packet length does not match its contents"};
  }
  if (*code == kSslRequestCode || *code == kGssEncRequestCode) {
    if (!r.at_end()) return StartupError{"encryption request with trailing bytes"};
    if (*code == kSslRequestCode) return SslRequest{};
    return GssEncRequest{};
  }
  if (*code == kCancelRequestCode) {
    auto pid = r.u32();
    size_t key_len = r.remaining();
    if (!pid || key_len < kMinCancelKeyBytes || key_len > kMaxCancelKeyBytes) {
      return StartupError{fmt::format("cancel request with a {}-byte key", key_len)};
    }
    return CancelRequest{*pid, std::string(r.rest())};
  }
  StartupMessage msg;
  msg.major = static_cast<uint16_t>(*code >> 16);
  msg.minor = static_cast<uint16_t>(*code & 0xffff);
  if (msg.major != 3) {
    return StartupError{fmt::format("unsupported protocol version {}.{}", msg.major, msg.minor)};
  }
  // Name/value pairs, ended by an empty name.
  while (true) {
    auto name = r.cstring();
    if (!name) return StartupError{"startup packet parameters are not terminated"};
    if (name->empty()) break;
    auto value = r.cstring();
    if (!value) return StartupError{fmt::format("startup parameter '{}' has no value", *name)};
    msg.params.emplace_back(std::string(*name), std::string(*value));
  }
  if (!r.at_end()) return StartupError{"trailing bytes after startup parameters"};
  return msg;
}

std::string make_cancel_request(std::string_view backend_key_data) {
  std::string packet(8, '\0');
  put_u32(packet.data(), static_cast<uint32_t>(8 + backend_key_data.size()));
  put_u32(packet.data() + 4, kCancelRequestCode);
  packet.append(backend_key_data);
  return packet;
}

}  // namespace pgsleuth::wire
