#pragma once
// The loop of one I/O thread: level-triggered epoll over the raw sockets of
// sessions that are forwarding, with the io_context's own epoll descriptor
// nested in it, so Asio still runs accept, connect, startup and timers.
// That descriptor is found as the kernel lists it (event_loop.cpp), with
// nothing of Asio's but its public API.
//
// Why not Asio for forwarding too (bench/cpu_per_tx.sh, -S -c 8, one quiet
// run each, against this loop's 13.6 us of CPU per transaction):
// - async_receive: Boost's reactor is edge-triggered and starts every read
//   with a speculative recv, which in request/response traffic fails with
//   EAGAIN: 4 recv + 2 send per transaction against pgbouncer's 2 + 2
//   (bench/syscalls_per_tx.sh), 14.5 us.
// - async_wait, then our own recv: 2 + 2, but each wait re-arms with an
//   epoll_ctl: 2 more syscalls, 14.9 us.
// Level-triggered readiness needs one recv per message, no epoll_ctl while
// a session forwards, and never loses a wakeup.
//
// Asio's handlers run only in io.poll(), called when its descriptor is
// ready, when another thread posted (post() wakes the loop), or when code
// on this thread touched Asio outside poll() (poll_asio_soon()): a
// completion queued from outside poll() does not wake Asio's reactor once
// it has run in poll mode.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace pgsleuth::proxy {

class EventLoop {
 public:
  // A registered socket; called with its epoll event bits.
  class Handler {
   public:
    virtual void on_ready(uint32_t events) = 0;

   protected:
    ~Handler() = default;
  };

  explicit EventLoop(boost::asio::io_context& io);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registration; false (errno set) if epoll refused it.
  bool add(int fd, Handler* handler, uint32_t events);
  bool modify(int fd, Handler* handler, uint32_t events);
  void remove(int fd);

  // Calls `handler` with EPOLLIN after the current batch, as if its socket
  // were readable: for bytes a socket has handed to OpenSSL, which no
  // epoll reports. forget() before the handler goes away.
  void again(Handler* handler) { again_.push_back(handler); }
  void forget(Handler* handler);

  // Keeps an object alive until the current batch of events is handled:
  // a later event of the batch may still point at it.
  void retire(std::shared_ptr<void> keep) { retired_.push_back(std::move(keep)); }
  // Code on this thread, outside poll(), queued something for Asio.
  void poll_asio_soon() { asio_dirty_ = true; }

  // Until stop(); on the owning thread.
  void run();
  // From any thread.
  void post(std::function<void()> fn);
  void stop();

 private:
  void wake();
  void close_descriptors();

  boost::asio::io_context& io_;
  // poll() on an io_context without work stops it for good.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: another thread posted or stopped
  bool asio_dirty_ = true;
  std::atomic<bool> stopped_{false};
  std::vector<std::shared_ptr<void>> retired_;
  std::vector<Handler*> again_;
  std::vector<Handler*> running_again_;  // the batch being called
};

}  // namespace pgsleuth::proxy
