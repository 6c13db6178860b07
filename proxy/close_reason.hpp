#pragma once
// Why a session ends. A value, not log text: what the ending does (the
// server is told Terminate only when pgsleuth itself stops) follows from it.

#include <cstdint>
#include <string_view>

namespace pgsleuth::proxy {

enum class CloseReason : uint8_t {
  Shutdown,               // pgsleuth stops: the server gets a Terminate
  LoginTimeout,           // no startup packet in time
  ClientClosed,           // an orderly close (or Terminate) from the client
  ClientError,            // reading or writing the client failed
  ClientRefused,          // a startup the proxy does not accept
  ClientTlsFailed,        // the client leg's TLS could not start
  CancelRequestHandled,   // a CancelRequest connection, passed on
  UpstreamUnreachable,    // connect failed or timed out
  ServerLegFailed,        // the server leg's TLS negotiation failed
  UpstreamClosed,         // an orderly close from the server
  UpstreamError,          // reading or writing the server failed
  UpstreamBrokeProtocol,  // the server sent what PostgreSQL never sends
  ServerKept,             // the client left; its server connection went to the pool
  ServerNotKept,          // the client left; cleaning its server connection failed
  Internal,               // a system call pgsleuth needs failed
};

constexpr std::string_view name(CloseReason r) {
  switch (r) {
    case CloseReason::Shutdown: return "shutdown";
    case CloseReason::LoginTimeout: return "login timeout";
    case CloseReason::ClientClosed: return "client closed";
    case CloseReason::ClientError: return "client error";
    case CloseReason::ClientRefused: return "client refused";
    case CloseReason::ClientTlsFailed: return "client leg TLS failed";
    case CloseReason::CancelRequestHandled: return "cancel request handled";
    case CloseReason::UpstreamUnreachable: return "upstream unreachable";
    case CloseReason::ServerLegFailed: return "server leg TLS failed";
    case CloseReason::UpstreamClosed: return "upstream closed";
    case CloseReason::UpstreamError: return "upstream error";
    case CloseReason::UpstreamBrokeProtocol: return "upstream broke the protocol";
    case CloseReason::ServerKept: return "client closed; server connection kept";
    case CloseReason::ServerNotKept: return "client closed; server connection not kept";
    case CloseReason::Internal: return "internal error";
  }
  return "?";
}

}  // namespace pgsleuth::proxy
