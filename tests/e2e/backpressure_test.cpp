// Backpressure both ways: a client that stops reading stops the proxy
// reading from the server (the backend waits in ClientWrite), a server that
// stops reading stops the proxy reading from the client (the client's sends
// stall), the proxy's memory stays flat meanwhile, and once the stalled
// side reads again every byte arrives.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <signal.h>

#include <fstream>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/pg_wire.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::e2e {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

using namespace std::chrono_literals;

class Backpressure : public ProxiedTest {};

const std::map<std::string, std::string> kStartup = {{"user", "postgres"}, {"database", "postgres"}};

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string wait_event_of(const std::string& application_name) {
  return PgClusterEnvironment::cluster().query_value("SELECT coalesce(wait_event, '') FROM pg_stat_activity WHERE application_name = '" +
                        application_name + "' AND state = 'active'");
}

TEST_F(Backpressure, AClientThatStopsReadingStopsTheServerAndGetsEveryRowLater) {
  constexpr int kRows = 200'000;
  constexpr int kRowChars = 1000;  // 200 MB in all: far more than any buffer on the way
  RawSocket client(proxy().port());
  auto startup = kStartup;
  startup["application_name"] = "e2e_slow_reader";
  ASSERT_TRUE(client.send_all(wire::startup_message(startup)));
  ASSERT_TRUE(wire::read_until_ready(client, kSettleTimeout));
  long rss_before = rss_kib(proxy().pid());

  ASSERT_TRUE(client.send_all(wire::query("SELECT repeat('x', " + std::to_string(kRowChars) +
                                          ") FROM generate_series(1, " + std::to_string(kRows) + ")")));
  // Not reading: the server must end up blocked writing to its socket.
  std::string waiting;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       waiting != "ClientWrite" && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(200ms);
    waiting = wait_event_of("e2e_slow_reader");
  }
  EXPECT_EQ(waiting, "ClientWrite");
  long rss_stalled = rss_kib(proxy().pid());
  EXPECT_LT(rss_stalled - rss_before, 32 * 1024) << "before " << rss_before << " KiB, stalled " << rss_stalled;

  int rows = 0;
  size_t bytes = 0;
  for (;;) {
    auto msg = wire::read_message(client, kSettleTimeout);
    ASSERT_TRUE(msg) << "after " << rows << " rows";
    if (msg->type == 'D') {
      ++rows;
      bytes += msg->body.size();
    }
    if (msg->type == 'E') FAIL() << msg->body;
    if (msg->type == 'Z') break;
  }
  EXPECT_EQ(rows, kRows);
  // Per DataRow: column count (2), cell length (4), the cell.
  EXPECT_EQ(bytes, size_t{kRows} * (2 + 4 + kRowChars));
}

TEST_F(Backpressure, AServerThatStopsReadingStallsTheClientAndRunsEveryQueryLater) {
  constexpr int kQueries = 800;
  const std::string padding(100'000, ' ');  // 80 MB of queries in all
  RawSocket client(proxy().port());
  ASSERT_TRUE(client.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(client, kSettleTimeout));
  long rss_before = rss_kib(proxy().pid());

  // The backend waits for a lock this test holds, reading nothing, until
  // the test lets it go: a sleep would end on its own on a slow machine,
  // and the server would read the stream after all.
  auto holder = pq_connect(PgClusterEnvironment::cluster().conninfo());
  PgResultPtr created(PQexec(holder.get(), "CREATE TABLE IF NOT EXISTS e2e_stall (x int)"));
  ASSERT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << PQerrorMessage(holder.get());
  PgResultPtr held(PQexec(holder.get(), "BEGIN; LOCK TABLE e2e_stall IN ACCESS EXCLUSIVE MODE"));
  ASSERT_EQ(PQresultStatus(held.get()), PGRES_COMMAND_OK) << PQerrorMessage(holder.get());
  ASSERT_TRUE(client.send_all(wire::query("SELECT count(*) FROM e2e_stall")));
  std::string stream;
  for (int i = 0; i < kQueries; ++i) stream += wire::query("SELECT " + std::to_string(i) + padding);
  size_t sent = 0;
  auto stalled_since = std::chrono::steady_clock::now();
  while (sent < stream.size() && std::chrono::steady_clock::now() - stalled_since < 700ms) {
    pollfd p{client.fd(), POLLOUT, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::send(client.fd(), stream.data() + sent, stream.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      stalled_since = std::chrono::steady_clock::now();
    }
  }
  // Socket buffers on the way hold some megabytes; the proxy adds no more
  // than its own buffer.
  EXPECT_LT(sent, stream.size() / 2) << "the client could send " << sent << " bytes to a sleeping server";
  long rss_stalled = rss_kib(proxy().pid());
  EXPECT_LT(rss_stalled - rss_before, 32 * 1024) << "before " << rss_before << " KiB, stalled " << rss_stalled;

  PgResultPtr released(PQexec(holder.get(), "COMMIT"));
  ASSERT_EQ(PQresultStatus(released.get()), PGRES_COMMAND_OK) << PQerrorMessage(holder.get());
  ASSERT_TRUE(client.send_all(stream.substr(sent)));
  for (int i = 0; i <= kQueries; ++i) {
    std::optional<wire::BackendMessage> error;
    ASSERT_TRUE(wire::read_until_ready(client, 20s, &error)) << "answer " << i;
    EXPECT_FALSE(error) << "answer " << i << ": " << error->body;
  }
}

// Shutdown waits for a slow reader to get the whole answer: the connection
// is ended (57P01) only once every byte of it is written.
TEST(BackpressureShutdown, ASlowReaderGetsTheWholeResultBeforeTheConnectionIsEnded) {
  constexpr int kRows = 20'000;
  constexpr int kRowChars = 1000;
  auto proxy = start_proxy_to(PgClusterEnvironment::cluster().port());
  RawSocket client(proxy->port());
  ASSERT_TRUE(client.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(client, kSettleTimeout));
  ASSERT_TRUE(client.send_all(wire::query("SELECT repeat('x', " + std::to_string(kRowChars) +
                                          ") FROM generate_series(1, " + std::to_string(kRows) + ")")));
  std::this_thread::sleep_for(300ms);  // buffers on the way fill up
  ASSERT_EQ(::kill(proxy->pid(), SIGTERM), 0);

  int rows = 0;
  std::string types;  // of the messages other than rows
  while (auto msg = wire::read_message(client, kSettleTimeout)) {
    if (msg->type == 'D') {
      // Slowly, so the proxy's writes to this client keep coming up short.
      if (++rows % 16 == 0) std::this_thread::sleep_for(1ms);
      continue;
    }
    types += msg->type;
    if (msg->type == 'E') {
      EXPECT_EQ(wire::error_fields(msg->body)['C'], "57P01");
    }
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(types, "TCZE") << "RowDescription, CommandComplete, ReadyForQuery, then the shutdown's FATAL";
  EXPECT_EQ(proxy->stop(), 0) << proxy->stderr_text();
}

}  // namespace
}  // namespace pgsleuth::test::e2e
