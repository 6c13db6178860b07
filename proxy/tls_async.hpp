#pragma once
// The login phase over TLS, still on Asio: a step of the handshake (or of
// reading or writing a whole buffer) is tried on the non-blocking socket,
// and Asio's async_wait says when to try again. OpenSSL answers "want
// read" only after a recv found the socket empty, so the next readiness
// is a new edge for Asio's edge-triggered reactor and none is lost.

#include <functional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "proxy/tls.hpp"

namespace pgsleuth::proxy {

// Called with "" on success, else why it failed.
using TlsDone = std::function<void(const std::string& error)>;

void async_tls_handshake(boost::asio::ip::tcp::socket& socket, TlsStream& tls, TlsDone done);
// All of [data, data + n), or a failure (the peer closing counts as one):
// through `tls`, or plain when it is null.
void async_read_all(boost::asio::ip::tcp::socket& socket, TlsStream* tls, char* data, size_t n, TlsDone done);
void async_write_all(boost::asio::ip::tcp::socket& socket, TlsStream* tls, const char* data, size_t n,
                     TlsDone done);

}  // namespace pgsleuth::proxy
