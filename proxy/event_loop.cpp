#include "proxy/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/post.hpp>
#include <boost/version.hpp>

namespace pgsleuth::proxy {

namespace {

#if !defined(BOOST_ASIO_HAS_EPOLL) || BOOST_VERSION != 108100 || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "EventLoop nests Boost 1.81's epoll_reactor descriptor; check epoll_fd_ before changing Boost"
#endif

// Asio keeps its epoll descriptor private. An explicit instantiation may
// name a private member (C++20 [temp.spec.general]/6), which lets this file
// read it without touching Boost's headers.
using ReactorFd = int boost::asio::detail::epoll_reactor::*;
ReactorFd reactor_fd_member();
template <ReactorFd Member>
struct ReactorFdAccess {
  friend ReactorFd reactor_fd_member() { return Member; }
};
template struct ReactorFdAccess<&boost::asio::detail::epoll_reactor::epoll_fd_>;

int asio_epoll_fd(boost::asio::io_context& io) {
  auto& reactor = boost::asio::use_service<boost::asio::detail::epoll_reactor>(io);
  // A new reactor starts with its interrupter readable; until it is the
  // scheduler's task, poll() never reads its descriptor, which would stay
  // ready for the outer epoll_wait forever. A socket or timer does this
  // too, but the loop must not depend on one existing first.
  reactor.init_task();
  return reactor.*reactor_fd_member();
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("event loop: ") + what + ": " + std::strerror(errno));
}

constexpr int kMaxEvents = 64;

}  // namespace

EventLoop::EventLoop(boost::asio::io_context& io) : io_(io), work_(boost::asio::make_work_guard(io)) {
  try {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) fail("epoll_create1");
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) fail("eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_fd_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) fail("epoll_ctl(eventfd)");
    ev.data.ptr = &io_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, asio_epoll_fd(io_), &ev) != 0) fail("epoll_ctl(asio)");
  } catch (...) {
    close_descriptors();
    throw;
  }
}

EventLoop::~EventLoop() {
  retired_.clear();
  close_descriptors();
}

void EventLoop::close_descriptors() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  wake_fd_ = epoll_fd_ = -1;
}

bool EventLoop::add(int fd, Handler* handler, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::modify(int fd, Handler* handler, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove(int fd) {
  epoll_event ev{};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ev);
}

void EventLoop::run() {
  epoll_event events[kMaxEvents];
  while (!stopped_.load(std::memory_order_acquire)) {
    int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, asio_dirty_ || !again_.empty() ? 0 : -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &io_) {
        asio_dirty_ = true;
      } else if (tag == &wake_fd_) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
        asio_dirty_ = true;
      } else {
        static_cast<Handler*>(tag)->on_ready(events[i].events);
      }
    }
    if (!again_.empty()) {
      running_again_.swap(again_);
      for (Handler* h : running_again_) {
        if (h != nullptr) h->on_ready(EPOLLIN);
      }
      running_again_.clear();
    }
    if (asio_dirty_) {
      asio_dirty_ = false;
      io_.poll();
    }
    // Destroying a session closes Asio objects, which may queue handlers.
    if (!retired_.empty()) {
      retired_.clear();
      asio_dirty_ = true;
    }
  }
  retired_.clear();
}

void EventLoop::forget(Handler* handler) {
  for (auto* list : {&again_, &running_again_}) {
    for (Handler*& h : *list) {
      if (h == handler) h = nullptr;
    }
  }
}

void EventLoop::post(std::function<void()> fn) {
  boost::asio::post(io_, std::move(fn));
  wake();
}

void EventLoop::stop() {
  stopped_.store(true, std::memory_order_release);
  wake();
}

void EventLoop::wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(wake_fd_, &one, sizeof one);
}

}  // namespace pgsleuth::proxy
