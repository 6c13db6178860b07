#include "admin/admin_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <optional>
#include <thread>

#include "admin/http_reply.hpp"
#include "common/thread_role.hpp"
#include "config/host_port.hpp"

namespace pgsleuth::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Shared {
  Handlers handlers;
  AdminLimits limits;
  size_t active = 0;  // only touched on the admin thread
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), buffer_(shared->limits.max_request_bytes), shared_(std::move(shared)) {
    ++shared_->active;
  }
  ~Session() { --shared_->active; }

  void read() {
    parser_.emplace();
    limit_request(*parser_, shared_->limits);
    stream_.expires_after(shared_->limits.timeout);
    // The header alone: a request with a body is refused before it is read.
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    // Timeouts, oversized or malformed requests, requests with a body and
    // closed peers all end the connection without a reply.
    if (ec || announces_body(*parser_) || !parser_->is_done()) return close();
    response_ = respond(shared_->handlers, parser_->get());
    stream_.expires_after(shared_->limits.timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code wec, size_t) {
      if (wec || !self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpResponse response_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace

struct AdminServer::Impl {
  std::string host_port;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  std::thread thread;
  uint16_t port = 0;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (shared->active >= shared->limits.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), shared)->read();
        }
      }
      accept();
    });
  }
};

AdminServer::AdminServer(std::string host_port, Handlers handlers, AdminLimits limits)
    : impl_(std::make_unique<Impl>()) {
  impl_->host_port = std::move(host_port);
  impl_->shared->handlers = std::move(handlers);
  impl_->shared->limits = limits;
}

AdminServer::~AdminServer() { stop(); }

void AdminServer::start() {
  if (impl_->thread.joinable()) return;
  config::HostPort where;
  try {
    where = config::parse_host_port(impl_->host_port, true);
  } catch (const std::invalid_argument& e) {
    throw AdminError(fmt::format("admin endpoint '{}': {}", impl_->host_port, e.what()));
  }
  try {
    tcp::resolver resolver(impl_->io);
    const auto endpoints = resolver.resolve(where.host, std::to_string(where.port),
                                            tcp::resolver::numeric_service | tcp::resolver::passive);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->port = impl_->acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    throw AdminError(fmt::format("admin endpoint {}: cannot listen: {}", impl_->host_port, e.code().message()));
  }
  impl_->accept();
  impl_->thread = std::thread([this] {
    common::name_this_thread("pgs-admin");
    impl_->io.run();
  });
}

void AdminServer::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->thread.join();
}

uint16_t AdminServer::port() const { return impl_->port; }

}  // namespace pgsleuth::admin
