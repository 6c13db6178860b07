#include "proxy/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

namespace pgsleuth::proxy {

namespace {

// Which reactor Asio uses is its public configuration.
#if !defined(BOOST_ASIO_HAS_EPOLL) || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "EventLoop nests the io_context's epoll descriptor: build Boost.Asio with its epoll reactor"
#endif

// The descriptors of this process that are epoll instances whose interest
// list holds `target`, as the kernel shows them (proc(5): /proc/self/fdinfo
// of an epoll descriptor has one "tfd:" line per registered descriptor).
std::vector<int> epolls_watching(int target) {
  std::vector<int> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    if (std::filesystem::read_symlink(entry.path(), link_ec) != "anon_inode:[eventpoll]") continue;
    const std::string fd = entry.path().filename().string();
    std::ifstream info("/proc/self/fdinfo/" + fd);
    std::string line;
    while (std::getline(info, line)) {
      int tfd = -1;
      if (std::sscanf(line.c_str(), "tfd: %d", &tfd) == 1 && tfd == target) {
        found.push_back(std::stoi(fd));
        break;
      }
    }
  }
  return found;
}

// Asio keeps its epoll descriptor to itself; it is the one epoll instance
// that a socket just opened on `io` is registered with. Opening one also
// makes the reactor the scheduler's task: a new reactor starts with its
// interrupter readable, and until it is the task poll() never reads that
// descriptor, which would then stay ready for the outer epoll_wait.
int asio_epoll_fd(boost::asio::io_context& io) {
  boost::asio::ip::udp::socket probe(io, boost::asio::ip::udp::v4());
  const auto found = epolls_watching(probe.native_handle());
  if (found.size() != 1) {
    throw std::runtime_error("event loop: " + std::to_string(found.size()) +
                             " epoll descriptors hold a socket just opened on the io_context, not 1: cannot "
                             "tell which is Asio's (is /proc mounted?)");
  }
  return found.front();
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
