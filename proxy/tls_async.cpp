#include "proxy/tls_async.hpp"

#include <cerrno>
#include <cstring>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// `step` returns 1 when done, -1 with errno EAGAIN to wait, or -1 failed.
template <class Step>
void drive(tcp::socket& socket, TlsStream& tls, Step step, TlsDone done) {
  if (step() == 1) return done("");
  if (errno != EAGAIN) return done(tls.error().empty() ? std::strerror(errno) : tls.error());
  auto wait = tls.wants_write() ? tcp::socket::wait_write : tcp::socket::wait_read;
  socket.async_wait(wait, [&socket, &tls, step = std::move(step), done = std::move(done)](
                              const boost::system::error_code& ec) mutable {
    if (ec) return done(ec == asio::error::operation_aborted ? "timed out" : ec.message());
    drive(socket, tls, std::move(step), std::move(done));
  });
}

template <class Op>
auto whole(size_t n, Op op) {
  return [n, op, at = size_t{0}]() mutable {
    while (at < n) {
      ssize_t got = op(at);
      if (got == 0) {
        errno = ECONNRESET;
        return -1;
      }
      if (got < 0) return -1;
      at += static_cast<size_t>(got);
    }
    return 1;
  };
}

}  // namespace

void async_tls_handshake(tcp::socket& socket, TlsStream& tls, TlsDone done) {
  boost::system::error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) return done(ec.message());
  drive(socket, tls, [&tls] { return tls.handshake(); }, std::move(done));
}

void async_read_all(tcp::socket& socket, TlsStream* tls, char* data, size_t n, TlsDone done) {
  if (tls == nullptr) {
    return asio::async_read(socket, asio::buffer(data, n), [done = std::move(done)](error_code ec, size_t) {
      done(ec ? ec.message() : "");
    });
  }
  drive(socket, *tls, whole(n, [tls, data, n](size_t at) { return tls->read(data + at, n - at); }),
        std::move(done));
}

void async_write_all(tcp::socket& socket, TlsStream* tls, const char* data, size_t n, TlsDone done) {
  if (tls == nullptr) {
    return asio::async_write(socket, asio::buffer(data, n), [done = std::move(done)](error_code ec, size_t) {
      done(ec ? ec.message() : "");
    });
  }
  drive(socket, *tls, whole(n, [tls, data, n](size_t at) { return tls->write(data + at, n - at); }),
        std::move(done));
}

}  // namespace pgsleuth::proxy
