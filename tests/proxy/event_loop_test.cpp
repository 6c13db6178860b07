// The I/O thread's loop: level-triggered readiness of raw sockets, Asio's
// handlers and timers still running inside it, posts and stop from other
// threads, and objects kept alive to the end of a batch of events.

#include "proxy/event_loop.hpp"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pthread.h>
#include <time.h>

#include <future>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace pgsleuth::proxy {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Runs a loop on its own thread, as an I/O thread does.
class LoopThread {
 public:
  LoopThread() : loop_(io_) {
    thread_ = std::thread([this] {
      loop_thread_id_ = std::this_thread::get_id();
      loop_.run();
    });
  }
  ~LoopThread() { stop(); }
  void stop() {
    loop_.stop();
    if (thread_.joinable()) thread_.join();
  }
  // Runs fn on the loop thread and waits for it.
  template <typename Fn>
  void on_loop(Fn fn) {
    std::promise<void> done;
    loop_.post([&] {
      fn();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  }

  asio::io_context io_{1};
  EventLoop loop_;
  std::thread thread_;
  std::thread::id loop_thread_id_;
};

struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) if (fd >= 0) ::close(fd);
  }
  int fds[2] = {-1, -1};
};

struct CountingHandler final : EventLoop::Handler {
  void on_ready(uint32_t events) override {
    ++calls;
    last = events;
    if (on_call) on_call();
  }
  std::atomic<int> calls{0};
  std::atomic<uint32_t> last{0};
  std::function<void()> on_call;
};

template <typename Pred>
bool eventually(Pred pred) {
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

// CPU time of the loop thread: an idle loop must sleep in epoll_wait, not
// spin (Asio's fresh reactor starts out readable).
std::chrono::nanoseconds cpu_time(std::thread& thread) {
  clockid_t clock;
  EXPECT_EQ(pthread_getcpuclockid(thread.native_handle(), &clock), 0);
  timespec ts{};
  clock_gettime(clock, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

TEST(EventLoop, AnIdleLoopSleeps) {
  LoopThread t;  // no socket or timer was ever made on its io_context
  std::this_thread::sleep_for(20ms);
  auto before = cpu_time(t.thread_);
  std::this_thread::sleep_for(300ms);
  EXPECT_LT(cpu_time(t.thread_) - before, 30ms) << "the loop spins instead of sleeping";
}

TEST(EventLoop, APostFromAnotherThreadWakesTheLoopAndRunsOnIt) {
  LoopThread t;
  std::this_thread::sleep_for(20ms);  // the loop is asleep in epoll_wait
  std::thread::id ran_on;
  t.on_loop([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, t.loop_thread_id_);
}

TEST(EventLoop, AsioTimersFireWhileTheLoopWaits) {
  LoopThread t;
  asio::steady_timer timer(t.io_);
  std::promise<std::chrono::steady_clock::time_point> fired;
  auto start = std::chrono::steady_clock::now();
  t.on_loop([&] {
    timer.expires_after(50ms);
    timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) fired.set_value(std::chrono::steady_clock::now());
    });
  });
  auto f = fired.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_GE(f.get() - start, 50ms);
}

// Each loop nests its own io_context's descriptor, found among several
// epoll instances (the other loop's, and a decoy of the test's own holding
// a socket): were it another's, this timer would never wake its loop.
TEST(EventLoop, EachLoopNestsItsOwnIoContextAmongOtherEpolls) {
  int decoy = ::epoll_create1(EPOLL_CLOEXEC);
  ASSERT_GE(decoy, 0);
  SocketPair pair;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ASSERT_EQ(::epoll_ctl(decoy, EPOLL_CTL_ADD, pair.fds[0], &ev), 0);
  LoopThread first;
  LoopThread second;
  for (LoopThread* t : {&second, &first}) {
    asio::steady_timer timer(t->io_);
    std::promise<std::thread::id> fired;
    t->on_loop([&] {
      timer.expires_after(10ms);
      timer.async_wait([&](boost::system::error_code ec) {
        if (!ec) fired.set_value(std::this_thread::get_id());
      });
    });
    auto f = fired.get_future();
    ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(f.get(), t->loop_thread_id_);
  }
  ::close(decoy);
}

TEST(EventLoop, ReadinessIsLevelTriggeredUntilDrained) {
  LoopThread t;
  SocketPair pair;
  CountingHandler handler;
  t.on_loop([&] { ASSERT_TRUE(t.loop_.add(pair.fds[0], &handler, EPOLLIN)); });
  ASSERT_EQ(::write(pair.fds[1], "ab", 2), 2);
  // Not read by the handler: reported on every turn of the loop.
  EXPECT_TRUE(eventually([&] { return handler.calls > 3; }));
  EXPECT_TRUE(handler.last & EPOLLIN);
  // Drained on the next report: no more reports.
  handler.on_call = [&] {
    char buf[8];
    while (::read(pair.fds[0], buf, sizeof buf) > 0) {
    }
  };
  std::this_thread::sleep_for(50ms);
  int settled = handler.calls;
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(handler.calls, settled);
  t.on_loop([&] { t.loop_.remove(pair.fds[0]); });
}

TEST(EventLoop, InterestCanBeChangedAndRemoved) {
  LoopThread t;
  SocketPair pair;
  CountingHandler handler;
  t.on_loop([&] { ASSERT_TRUE(t.loop_.add(pair.fds[0], &handler, 0)); });
  ASSERT_EQ(::write(pair.fds[1], "x", 1), 1);
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(handler.calls, 0) << "no interest, no report";
  t.on_loop([&] { ASSERT_TRUE(t.loop_.modify(pair.fds[0], &handler, EPOLLOUT)); });
  EXPECT_TRUE(eventually([&] { return handler.calls > 0; }));
  EXPECT_TRUE(handler.last & EPOLLOUT);
  t.on_loop([&] { t.loop_.remove(pair.fds[0]); });
  int after_remove = handler.calls;
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(handler.calls, after_remove);
}

// A completion queued from a handler of the loop's own (outside Asio's
// poll) runs because the handler asked for a poll.
TEST(EventLoop, AsioWorkQueuedOutsideItsHandlersRunsWhenAskedFor) {
  LoopThread t;
  SocketPair pair;
  asio::steady_timer timer(t.io_);
  std::atomic<bool> cancelled{false};
  CountingHandler handler;
  handler.on_call = [&] {
    char buf[8];
    while (::read(pair.fds[0], buf, sizeof buf) > 0) {
    }
    timer.cancel();
    t.loop_.poll_asio_soon();
  };
  t.on_loop([&] {
    timer.expires_after(1h);
    timer.async_wait([&](boost::system::error_code ec) { cancelled = ec == asio::error::operation_aborted; });
    ASSERT_TRUE(t.loop_.add(pair.fds[0], &handler, EPOLLIN));
  });
  ASSERT_EQ(::write(pair.fds[1], "x", 1), 1);
  EXPECT_TRUE(eventually([&] { return cancelled.load(); }));
  t.on_loop([&] { t.loop_.remove(pair.fds[0]); });
}

TEST(EventLoop, ARetiredObjectLivesToTheEndOfTheBatch) {
  LoopThread t;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  struct SetsOnDestruction {
    // A constructor, not aggregate init: clang 14 has no make_shared of an aggregate.
    explicit SetsOnDestruction(std::shared_ptr<std::atomic<bool>> f) : flag(std::move(f)) {}
    std::shared_ptr<std::atomic<bool>> flag;
    ~SetsOnDestruction() { *flag = true; }
  };
  bool alive_after_retire = false;
  t.on_loop([&] {
    t.loop_.retire(std::make_shared<SetsOnDestruction>(flag));
    alive_after_retire = !*flag;
  });
  EXPECT_TRUE(alive_after_retire);
  EXPECT_TRUE(eventually([&] { return flag->load(); }));
}

// Bytes inside OpenSSL make no socket readable: again() calls the handler
// as if its socket were, once per request, and forget() takes it back.
TEST(EventLoop, AgainCallsTheHandlerAfterTheBatchUntilForgotten) {
  LoopThread t;
  CountingHandler again, forgotten;
  again.on_call = [&] {
    if (again.calls < 3) t.loop_.again(&again);
  };
  t.on_loop([&] {
    t.loop_.again(&again);
    t.loop_.again(&forgotten);
    t.loop_.forget(&forgotten);
  });
  EXPECT_TRUE(eventually([&] { return again.calls == 3; }));
  EXPECT_EQ(again.last, uint32_t{EPOLLIN});
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(again.calls, 3);
  EXPECT_EQ(forgotten.calls, 0);
}

TEST(EventLoop, StopFromAnotherThreadEndsRun) {
  LoopThread t;
  std::this_thread::sleep_for(20ms);
  auto start = std::chrono::steady_clock::now();
  t.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace pgsleuth::proxy
