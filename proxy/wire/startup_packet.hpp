#pragma once
// The untyped packets a client may open a connection with: StartupMessage,
// SSLRequest, GSSENCRequest and CancelRequest. Pure: bytes in, a value out.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pgsleuth::wire {

inline constexpr uint32_t kSslRequestCode = 80877103;
inline constexpr uint32_t kGssEncRequestCode = 80877104;
inline constexpr uint32_t kCancelRequestCode = 80877102;
// PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
inline constexpr uint32_t kMaxStartupPacketLength = 10000;
// Protocol 3.2 allows cancel keys up to 256 bytes; 3.0 keys are 4 bytes.
inline constexpr size_t kMinCancelKeyBytes = 4;
inline constexpr size_t kMaxCancelKeyBytes = 256;

struct SslRequest {};
struct GssEncRequest {};
struct CancelRequest {
  uint32_t backend_pid = 0;
  std::string key;  // opaque
};
struct StartupMessage {
  uint16_t major = 0;
  uint16_t minor = 0;
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view get(std::string_view name) const;
};
struct StartupError {
  std::string reason;
};

using StartupPacket =
    std::variant<SslRequest, GssEncRequest, CancelRequest, StartupMessage, StartupError>;

// `packet` is the whole packet including its 4-byte length.
StartupPacket parse_startup_packet(std::string_view packet);

// The CancelRequest for a BackendKeyData body (process id, then secret).
std::string make_cancel_request(std::string_view backend_key_data);

// Validates the leading length field: the packet size to read, or 0 when the
// length is out of range.
uint32_t startup_packet_length(std::string_view first4);

// A TLS ClientHello (PostgreSQL 17 direct SSL) starts with a handshake record.
inline bool looks_like_tls_client_hello(std::string_view first_bytes) {
  return first_bytes.size() >= 2 && first_bytes[0] == 0x16 && first_bytes[1] == 0x03;
}

}  // namespace pgsleuth::wire
