#include "proxy/upstream.hpp"

#include <memory>

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct CancelOp : std::enable_shared_from_this<CancelOp> {
  CancelOp(asio::io_context& io, std::string p) : socket(io), timer(io), packet(std::move(p)) {}
  tcp::socket socket;
  asio::steady_timer timer;
  std::string packet;
};

}  // namespace

void send_cancel_request(asio::io_context& io, const Upstream& upstream, const std::vector<tcp::endpoint>& endpoints,
                         std::string packet) {
  auto op = std::make_shared<CancelOp>(io, std::move(packet));
  op->timer.expires_after(upstream.connect_timeout);
  op->timer.async_wait([op](boost::system::error_code ec) {
    if (!ec) op->socket.close();
  });
  asio::async_connect(op->socket, endpoints,
                      [op, name = upstream.name()](boost::system::error_code ec, const tcp::endpoint&) {
                        if (ec) {
                          op->timer.cancel();
                          spdlog::warn("cancel request: could not connect to upstream {}: {}", name,
                                       ec.message());
                          return;
                        }
                        asio::async_write(op->socket, asio::buffer(op->packet),
                                          [op](boost::system::error_code, size_t) {
                                            op->timer.cancel();
                                            boost::system::error_code ignored;
                                            op->socket.shutdown(tcp::socket::shutdown_send, ignored);
                                            op->socket.close(ignored);
                                          });
                      });
}

}  // namespace pgsleuth::proxy
