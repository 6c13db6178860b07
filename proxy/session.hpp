#pragma once
// One client connection and its own upstream connection (session mode).
// Startup runs on Asio; once the login is under way both sockets leave
// Asio for the thread's EventLoop, which forwards bytes as they arrive,
// one buffer in flight per direction. That is also the backpressure: a
// side that stops reading stops the other side's reads. Observation
// happens after each write is started; only the server's message headers
// are looked at before (server_stream.hpp).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "proxy/cancel_keys.hpp"
#include "proxy/close_reason.hpp"
#include "proxy/connection_observer.hpp"
#include "proxy/event_loop.hpp"
#include "proxy/io_thread.hpp"
#include "proxy/login_filter.hpp"
#include "proxy/server_reset.hpp"
#include "proxy/server_stream.hpp"
#include "proxy/tls.hpp"
#include "proxy/upstream.hpp"
#include "proxy/wire/startup_packet.hpp"

namespace pgsleuth::proxy {

struct SessionOptions {
  size_t buffer_bytes = 64 * 1024;
  // A client silent this long after connecting, or still short of its
  // startup packet (its SSLRequest answered or not), is closed: like
  // PostgreSQL's authentication_timeout, so an idle socket holds no slot.
  std::chrono::milliseconds login_timeout{60000};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(IoThread& thread, boost::asio::ip::tcp::socket client, const Upstream& upstream,
          const SessionOptions& options, uint64_t id);
  ~Session();

  void start();
  // Server shutdown: close now if idle, else once the current request is
  // answered; `force` closes regardless (grace period over).
  void drain(bool force);

 private:
  // Where the session is. Startup and Connecting run on Asio; from Login
  // on both sockets belong to the thread's EventLoop.
  enum class Phase : uint8_t {
    Startup,     // encryption requests, cancel requests, the StartupMessage
    Connecting,  // the server connection: connect, TLS, startup packet, or one from the pool
    Login,       // forwarding, with the login filter between (login_filter.hpp)
    Forwarding,
    Resetting,   // the client is gone; DISCARD ALL decides whether the server connection is kept
    Closed,
  };
  bool closed() const { return phase_ == Phase::Closed; }

  // Startup phase (session_startup.cpp).
  void arm_login_deadline();
  void read_startup();
  void on_startup_packet();
  void answer_encryption_request(const char* what, bool& answered, bool accept_tls);
  void start_client_tls();
  void forward_cancel(const wire::CancelRequest& request);
  void begin_session();
  void connect_upstream();
  void connect_to(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints);
  void arm_upstream_deadline();
  void on_upstream_connected();
  void on_upstream_tls_answer();
  void send_startup_upstream();
  void server_leg_failed(const std::string& why);
  void retry_upstream_plain(const std::string& why);
  bool reuse_idle_upstream();
  void start_forwarding();

  // Handing the server connection on (session_reuse.cpp).
  bool keep_upstream();
  void on_reset_answer(size_t n);

  // Forwarding phase (session_forwarding.cpp): a raw socket per side,
  // one Flow per direction.
  struct SocketEnd final : EventLoop::Handler {
    SocketEnd(Session& s, bool c) : session(s), client(c) {}
    void on_ready(uint32_t events) override { session.on_ready(*this, events); }
    Session& session;
    const bool client;
    int fd = -1;
    bool registered = false;
    uint32_t interest = 0;  // as registered
    std::unique_ptr<TlsStream> tls;  // null: plain
    bool read_wants_write = false;   // TLS: a read waits for the socket to take bytes
    ssize_t recv_some(char* p, size_t n) { return tls ? tls->read(p, n) : ::recv(fd, p, n, 0); }
    ssize_t send_some(const char* p, size_t n) { return tls ? tls->write(p, n) : ::send(fd, p, n, MSG_NOSIGNAL); }
    // Why the last call failed with `err`.
    std::string failure(int err) const;
  };
  struct Flow {
    SocketEnd& from;
    SocketEnd& to;
    std::vector<char> buf;
    bool from_client;
    size_t unsent_at = 0;   // buf[unsent_at, unsent_end) waits for `to`
    size_t unsent_end = 0;
    bool write_pending() const { return unsent_end != 0; }
  };
  void on_ready(SocketEnd& end, uint32_t events);
  void read_from(Flow& f);
  void forward(Flow& f, size_t n);
  void flush(Flow& f);
  void update_interest();
  void on_read_end(Flow& f, int err);
  void end_if_due();
  // Writes buf[begin, end) to f.to: how much went (0: the socket is full).
  // Closes the session when the write fails.
  size_t send_from(Flow& f, size_t begin, size_t end);
  void observe(bool from_client, std::string_view bytes, events::SteadyTime now);
  // The login's SCRAM rule (login_filter.hpp); false: the flow stops here.
  bool filter_login(Flow& f, size_t& n);
  void on_login_done();
  // Server bytes before they go to the client: how many may go.
  size_t pass_server_bytes(char* data, size_t n);
  void on_backend_key();
  void server_broke(const std::string& why);
  void close_end(SocketEnd& end);

  void fail_to_client(std::string_view sqlstate, const std::string& message);
  void close(CloseReason reason, std::string_view detail = {});
  void end_client_side();

  IoThread& thread_;
  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer timer_;
  SocketEnd client_end_{*this, true};
  SocketEnd upstream_end_{*this, false};
  boost::asio::ip::tcp upstream_protocol_ = boost::asio::ip::tcp::v4();
  std::shared_ptr<Session> keep_alive_;  // while the EventLoop has its sockets
  const Upstream& upstream_target_;
  uint64_t id_;
  std::chrono::milliseconds login_timeout_;
  std::string client_addr_;
  std::shared_ptr<const TlsSetup> tls_;  // as it was when the session began
  TlsLevel upstream_level_ = TlsLevel::Plain;
  char upstream_tls_answer_ = 0;
  bool upstream_plain_retry_ = false;  // prefer: the TLS handshake failed once
  boost::asio::ip::tcp::endpoint upstream_endpoint_;  // where its backend is (cancels go there)
  std::optional<LoginFilter> login_;     // in Phase::Login

  Flow to_server_;
  Flow to_client_;
  std::string startup_packet_;  // kept: the key of a pooled server connection
  std::string greeting_;        // replayed to the client of a reused one
  std::optional<ServerReset> reset_;   // in Phase::Resetting
  std::chrono::steady_clock::time_point upstream_opened_{};  // the server's login
  uint64_t pool_generation_ = 0;  // the pool's, when cleaning began
  bool ssl_answered_ = false;
  bool gss_answered_ = false;

  events::ConnectionInfoPtr info_;
  std::optional<ConnectionObserver> observer_;
  std::optional<ServerStream> server_stream_;  // with the observer
  std::string backend_cancel_;        // CancelRequest with the backend's own key
  CancelKeys::Ticket cancel_ticket_;  // the client's key, while it has one
  std::string server_fault_;          // the server broke the protocol: closing
  Phase phase_ = Phase::Startup;
  bool draining_ = false;  // pgsleuth stops: close once nothing is in flight
};

}  // namespace pgsleuth::proxy
