#include "tests/support/pg_wire.hpp"

namespace pgsleuth::test::wire {

std::string int32_bytes(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

std::string startup_message(const std::map<std::string, std::string>& params) {
  std::string body = int32_bytes(3u << 16);
  for (const auto& [name, value] : params) {
    body += name;
    body.push_back('\0');
    body += value;
    body.push_back('\0');
  }
  body.push_back('\0');
  return int32_bytes(static_cast<uint32_t>(body.size() + 4)) + body;
}

std::string ssl_request() { return int32_bytes(8) + int32_bytes(80877103); }

std::string message(char type, const std::string& body) {
  return std::string(1, type) + int32_bytes(static_cast<uint32_t>(body.size() + 4)) + body;
}

std::string query(const std::string& sql) { return message('Q', sql + std::string(1, '\0')); }

std::string tls_client_hello() {
  // Record header (handshake, TLS 1.0 record version, length 0x00a5), then
  // the handshake header and the start of a ClientHello body.
  std::string hello = {'\x16', '\x03', '\x01', '\x00', '\xa5', '\x01', '\x00', '\x00', '\xa1',
                       '\x03', '\x03'};
  hello += std::string(32, '\x5a');  // client random
  hello += std::string("\x00\x00\x02\x13\x01\x01\x00", 7);
  return hello;
}

namespace {

std::string int16_bytes(uint16_t value) { return {static_cast<char>(value >> 8), static_cast<char>(value)}; }
std::string cstring(const std::string& s) { return s + std::string(1, '\0'); }

}  // namespace

std::string row_description(const std::vector<std::string>& columns) {
  std::string body = int16_bytes(static_cast<uint16_t>(columns.size()));
  for (const auto& name : columns) {
    // table 0, column 0, int4 (oid 23, 4 bytes), no typmod, text
    body += cstring(name) + int32_bytes(0) + int16_bytes(0) + int32_bytes(23) + int16_bytes(4) +
            int32_bytes(0xffffffff) + int16_bytes(0);
  }
  return message('T', body);
}

std::string data_row(const std::vector<std::string>& values) {
  std::string body = int16_bytes(static_cast<uint16_t>(values.size()));
  for (const auto& v : values) body += int32_bytes(static_cast<uint32_t>(v.size())) + v;
  return message('D', body);
}

std::string command_complete(const std::string& tag) { return message('C', cstring(tag)); }

std::string ready_for_query(char status) { return message('Z', std::string(1, status)); }

std::optional<BackendMessage> read_message(RawSocket& socket, std::chrono::milliseconds timeout) {
  auto header = socket.read_exact(5, timeout);
  if (header.status != RawSocket::ReadStatus::data) return std::nullopt;
  uint32_t length = 0;
  for (int i = 1; i < 5; ++i) length = (length << 8) | static_cast<unsigned char>(header.bytes[i]);
  if (length < 4) return std::nullopt;
  auto body = socket.read_exact(length - 4, timeout);
  if (body.status != RawSocket::ReadStatus::data) return std::nullopt;
  return BackendMessage{header.bytes[0], body.bytes};
}

bool read_until_ready(RawSocket& socket, std::chrono::milliseconds timeout,
                      std::optional<BackendMessage>* error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto msg = read_message(socket, left);
    if (!msg) return false;
    if (msg->type == 'E' && error != nullptr) *error = msg;
    if (msg->type == 'Z') return true;
  }
}

std::map<char, std::string> error_fields(const std::string& body) {
  std::map<char, std::string> fields;
  size_t pos = 0;
  while (pos < body.size() && body[pos] != '\0') {
    char code = body[pos++];
    size_t end = body.find('\0', pos);
    if (end == std::string::npos) end = body.size();
    fields[code] = body.substr(pos, end - pos);
    pos = end + 1;
  }
  return fields;
}

}  // namespace pgsleuth::test::wire
