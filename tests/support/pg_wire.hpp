#pragma once
// Hand-built PostgreSQL protocol v3 messages, for tests that speak the wire
// protocol directly over a RawSocket (to send what no client library would).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::wire {

// Big-endian int32, as the protocol writes lengths and codes.
std::string int32_bytes(uint32_t value);

// StartupMessage (protocol 3.0) with the given parameters (user, database...).
std::string startup_message(const std::map<std::string, std::string>& params);
// The 8-byte SSLRequest.
std::string ssl_request();
// A frontend message: type byte, length, body.
std::string message(char type, const std::string& body);
// A simple Query message.
std::string query(const std::string& sql);
// The first bytes of a TLS 1.2 ClientHello, as a client that starts TLS
// without SSLRequest (direct TLS) would send.
std::string tls_client_hello();

// Backend messages, for tests that play the server: a RowDescription of
// text-format int4 columns, a DataRow of text values, CommandComplete and
// ReadyForQuery.
std::string row_description(const std::vector<std::string>& columns);
std::string data_row(const std::vector<std::string>& values);
std::string command_complete(const std::string& tag);
std::string ready_for_query(char status = 'I');

struct BackendMessage {
  char type = 0;
  std::string body;  // without type and length
};

// Reads one backend message; nullopt when the connection closed, timed out
// or sent a length below 4 (the caller can tell them apart with
// RawSocket::wait_closed).
std::optional<BackendMessage> read_message(RawSocket& socket, std::chrono::milliseconds timeout);

// Reads messages until ReadyForQuery ('Z'); the last ErrorResponse seen, if
// any, is stored in `error`. False when the connection closed or timed out.
bool read_until_ready(RawSocket& socket, std::chrono::milliseconds timeout,
                      std::optional<BackendMessage>* error = nullptr);

// The fields of an ErrorResponse/NoticeResponse body, by field code
// ('C' SQLSTATE, 'M' message, 'S' severity...).
std::map<char, std::string> error_fields(const std::string& body);

}  // namespace pgsleuth::test::wire
