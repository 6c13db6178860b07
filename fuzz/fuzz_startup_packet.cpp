// The packet a client opens with: any bytes give a value or a StartupError,
// and a StartupMessage written back out parses to itself.

#include <string>
#include <variant>

#include "fuzz/fuzz_check.hpp"
#include "proxy/wire/startup_packet.hpp"

namespace {

using namespace pgsleuth::wire;

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string write_startup(const StartupMessage& m) {
  std::string body = be32((uint32_t{m.major} << 16) | m.minor);
  for (const auto& [k, v] : m.params) body += k + '\0' + v + '\0';
  body += '\0';
  return be32(static_cast<uint32_t>(body.size() + 4)) + body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view packet = pgsleuth::fuzz::as_text(data, size);
  if (size >= 4) {
    const uint32_t len = startup_packet_length(packet.substr(0, 4));
    FUZZ_CHECK(len == 0 || (len >= 8 && len <= kMaxStartupPacketLength));
  }
  (void)looks_like_tls_client_hello(packet);
  const StartupPacket parsed = parse_startup_packet(packet);
  if (const auto* cancel = std::get_if<CancelRequest>(&parsed)) {
    FUZZ_CHECK(cancel->key.size() >= kMinCancelKeyBytes && cancel->key.size() <= kMaxCancelKeyBytes);
  } else if (const auto* msg = std::get_if<StartupMessage>(&parsed)) {
    FUZZ_CHECK(msg->major == 3);
    for (const auto& [k, v] : msg->params) FUZZ_CHECK(!k.empty());
    const std::string again = write_startup(*msg);
    FUZZ_CHECK(again == packet);
    const StartupPacket reparsed = parse_startup_packet(again);
    const auto* same = std::get_if<StartupMessage>(&reparsed);
    FUZZ_CHECK(same != nullptr && same->params == msg->params);
  } else if (const auto* err = std::get_if<StartupError>(&parsed)) {
    FUZZ_CHECK(!err->reason.empty());
  }
  return 0;
}
