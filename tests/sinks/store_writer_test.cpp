// The fleet store's writer against a real PostgreSQL 15, below the
// binary: a batch whose COMMIT happened but whose answer never came back is
// retried and written once; a line jsonb would refuse is still written; an
// unreachable store holds the lines and lets stop() end within its budget.
#include "sinks/store_writer.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "findings/finding.hpp"
#include "sinks/store_schema.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::sinks {
namespace {

using namespace std::chrono_literals;
using test::PgCluster;

// A TCP relay in front of the store that, once armed, lets the next INSERT
// into pgsleuth_findings reach the server and run to its ReadyForQuery (the
// implicit transaction committed), then cuts both connections instead of
// passing the answer on: the writer cannot know the batch was written.
class CuttingRelay {
 public:
  explicit CuttingRelay(uint16_t upstream) : upstream_(upstream) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 8) != 0) {
      throw std::runtime_error("relay: cannot listen");
    }
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~CuttingRelay() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : pipes_) t.join();
  }
  uint16_t port() const { return port_; }
  void arm() { armed_ = true; }
  int cuts() const { return cuts_; }

 private:
  void accept_loop() {
    while (!stop_) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      pipes_.emplace_back([this, client] { pipe(client); });
    }
  }

  void pipe(int client) {
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(upstream_);
    if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(client);
      ::close(server);
      return;
    }
    bool cutting = false;     // this connection carries the INSERT to cut
    std::string answer;       // the server's bytes since then, held back
    char buf[65536];
    while (!stop_) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 100) <= 0) continue;
      if (fds[0].revents) {
        const ssize_t n = ::recv(client, buf, sizeof buf, 0);
        if (n <= 0) break;
        const std::string_view chunk(buf, static_cast<size_t>(n));
        if (armed_ && chunk.find("INSERT INTO pgsleuth_findings") != std::string_view::npos) {
          armed_ = false;
          cutting = true;
        }
        if (!test::send_all(server, std::string(chunk))) break;
      }
      if (fds[1].revents) {
        const ssize_t n = ::recv(server, buf, sizeof buf, 0);
        if (n <= 0) break;
        if (!cutting) {
          if (!test::send_all(client, std::string(buf, static_cast<size_t>(n)))) break;
          continue;
        }
        answer.append(buf, static_cast<size_t>(n));
        const size_t tag = answer.find("INSERT 0 ");
        if (tag != std::string::npos && answer.find(std::string("Z\0\0\0\x05", 5), tag) != std::string::npos) {
          ++cuts_;
          break;  // committed; the writer hears only the connection dropping
        }
      }
    }
    ::close(client);
    ::close(server);
  }

  uint16_t upstream_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> armed_{false};
  std::atomic<int> cuts_{0};
  std::thread acceptor_;
  std::vector<std::thread> pipes_;  // only the acceptor adds, only the destructor joins
};

findings::Finding finding(uint64_t count, std::string message = "m") {
  findings::Finding f;
  f.ts = std::chrono::system_clock::now();
  f.details = findings::NPlusOneDetails{};
  f.count = count;
  f.fingerprint = "0123456789abcdef";
  f.message = std::move(message);
  f.instance = "unit";
  return f;
}

// A writer's options for the store at `port`, as `user`.
StoreWriter::Options options_for(uint16_t port, const std::string& user = "postgres") {
  StoreWriter::Options options;
  options.url = "postgresql://" + user + "@127.0.0.1:" + std::to_string(port) + "/postgres";
  return options;
}

class StoreWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { store_ = new PgCluster(); }
  static void TearDownTestSuite() { delete store_; }
  void SetUp() override { store_->psql("DROP TABLE IF EXISTS pgsleuth_findings"); }
  static size_t rows() {
    const auto r = store_->psql("SELECT count(*) FROM pgsleuth_findings");
    return r.exit_code == 0 ? std::stoul(r.out) : 0;
  }
  // "count/seq" of each row in the order written, comma-separated.
  static std::string counts_and_seqs() {
    return store_->query_value("SELECT string_agg((finding->>'count') || '/' || seq, ',' ORDER BY id) "
                               "FROM pgsleuth_findings");
  }
  static PgCluster* store_;
};
PgCluster* StoreWriterTest::store_ = nullptr;

TEST_F(StoreWriterTest, ABatchCommittedButNeverAnsweredIsRetriedAndWrittenOnce) {
  CuttingRelay relay(store_->port());
  StoreWriter::Options options = options_for(relay.port());
  StoreWriter writer(options);
  writer.emit(finding(1));
  ASSERT_TRUE(test::eventually([] { return rows() == 1; }));

  relay.arm();
  for (uint64_t n = 2; n <= 6; ++n) writer.emit(finding(n));
  ASSERT_TRUE(test::eventually([&] { return writer.stats().written == 6; }));
  EXPECT_EQ(relay.cuts(), 1);
  EXPECT_EQ(rows(), 6u);
  // In order, once each: count n is the n-th line and seq n.
  EXPECT_EQ(counts_and_seqs(), "1/1,2/2,3/3,4/4,5/5,6/6");
  EXPECT_EQ(writer.stop(5s), 0u);
}

TEST_F(StoreWriterTest, ALineWithANulCharacterIsStillWritten) {
  StoreWriter::Options options = options_for(store_->port());
  StoreWriter writer(options);
  writer.emit(finding(1, std::string("before\0after", 12)));
  writer.emit(finding(2));
  ASSERT_TRUE(test::eventually([] { return rows() == 2; }));
  EXPECT_EQ(store_->query_value("SELECT finding->>'message' FROM pgsleuth_findings ORDER BY id LIMIT 1"),
            "before\xef\xbf\xbd" "after");
  EXPECT_EQ(writer.stop(5s), 0u);
}

TEST_F(StoreWriterTest, AnUnreachableStoreHoldsLinesAndStopEndsWithinItsBudget) {
  StoreWriter::Options options = options_for(test::closed_port());
  options.buffer_lines = 3;
  StoreWriter writer(options);
  for (uint64_t n = 1; n <= 10; ++n) writer.emit(finding(n));  // returns at once, store or not
  const StoreStats s = writer.stats();
  EXPECT_EQ(s.written, 0u);
  // The writer holds one batch (of up to 3) and the buffer the 3 newest.
  EXPECT_EQ(s.dropped + s.waiting, 10u);
  EXPECT_GE(s.dropped, 4u);
  EXPECT_EQ(writer.stop(200ms), s.waiting);
}

// A store that accepts TCP and never answers (a black hole, a hung
// server): the writer's wait is bounded by stop(), not by libpq. The
// connect timeout is an hour, so a stop() that waited for it would hang the
// test until ctest's timeout.
TEST_F(StoreWriterTest, AStoreThatNeverAnswersDelaysNeitherEmitNorStop) {
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(silent, 8), 0);  // the kernel completes handshakes; nobody reads
  socklen_t len = sizeof a;
  ::getsockname(silent, reinterpret_cast<sockaddr*>(&a), &len);

  StoreWriter::Options options = options_for(ntohs(a.sin_port));
  options.buffer_lines = 4;
  options.connect_timeout = std::chrono::hours(1);
  StoreWriter writer(options);
  for (uint64_t n = 1; n <= 20; ++n) writer.emit(finding(n));
  const StoreStats s = writer.stats();
  EXPECT_EQ(s.written, 0u);
  EXPECT_EQ(s.dropped + s.waiting, 20u);
  EXPECT_EQ(writer.stop(100ms), s.waiting);
  ::close(silent);
}

// A slow store: a lock holds the INSERT past the writer's statement
// timeout, so the writer gives up on that connection and retries on a new
// one while the first backend still waits and then commits the same batch
// too. Once the lock goes, each line is there once, in order.
TEST_F(StoreWriterTest, AStatementOutlivingItsTimeoutIsRetriedAndWrittenOnce) {
  StoreWriter::Options options = options_for(store_->port());
  options.statement_timeout = 300ms;
  StoreWriter writer(options);
  writer.emit(finding(1));
  ASSERT_TRUE(test::eventually([] { return rows() == 1; }));

  std::thread holder([&] {
    // Two seconds: several of the writer's timeouts and retries.
    store_->psql("BEGIN; LOCK TABLE pgsleuth_findings IN EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT;");
  });
  ASSERT_TRUE(test::eventually([] {
    return store_->query_value("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                               "WHERE c.relname = 'pgsleuth_findings' AND l.mode = 'ExclusiveLock' AND l.granted") == "1";
  }));
  for (uint64_t n = 2; n <= 4; ++n) writer.emit(finding(n));
  holder.join();
  ASSERT_TRUE(test::eventually([&] { return writer.stats().written == 4; }));
  // The abandoned backends' INSERTs ran to their end too: wait for them.
  ASSERT_TRUE(test::eventually([] {
    return store_->query_value("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgsleuth-store' "
                               "AND state = 'active'") == "0";
  }));
  EXPECT_EQ(counts_and_seqs(), "1/1,2/2,3/3,4/4");
  EXPECT_EQ(writer.stop(5s), 0u);
}

TEST_F(StoreWriterTest, ARoleThatMayOnlyInsertWritesIntoATableADbaMade) {
  {
    StoreWriter::Options options = options_for(store_->port());  // the owner creates the table
    StoreWriter owner(options);
    owner.emit(finding(1));
    ASSERT_TRUE(test::eventually([] { return rows() == 1; }));
  }
  store_->query_value(
      "DROP ROLE IF EXISTS inserter; CREATE ROLE inserter LOGIN; "
      "GRANT SELECT, INSERT ON pgsleuth_findings TO inserter; "
      "GRANT USAGE ON SEQUENCE pgsleuth_findings_id_seq TO inserter; SELECT 1");
  StoreWriter::Options options = options_for(store_->port(), "inserter");
  StoreWriter writer(options);
  writer.emit(finding(2));
  ASSERT_TRUE(test::eventually([] { return rows() == 2; }));
  EXPECT_EQ(writer.stop(5s), 0u);
}

}  // namespace
}  // namespace pgsleuth::sinks
