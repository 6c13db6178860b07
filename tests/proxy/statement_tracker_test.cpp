#include "proxy/statement_tracker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "events/value_hash.hpp"
#include "proxy/observed_messages.hpp"
#include "tests/wire/wire_builders.hpp"

namespace pgsleuth::proxy {
namespace {

using namespace pgsleuth::testing;
using std::chrono::milliseconds;

class TrackerTest : public ::testing::Test {
 protected:
  TrackerTest()
      : tracker_(std::make_shared<events::ConnectionInfo>(),
                 [this](events::StatementEvent&& e) { events_.push_back(std::move(e)); }) {}

  class Feed : public wire::MessageObserver {
   public:
    Feed(StatementTracker& t, bool frontend, SteadyTime& now) : t_(t), frontend_(frontend), now_(now) {}
    void on_message(const wire::Message& m) override {
      if (frontend_) {
        t_.on_frontend(m, now_);
      } else {
        t_.on_backend(m, now_);
      }
    }

   private:
    StatementTracker& t_;
    bool frontend_;
    SteadyTime& now_;
  };

  void client(const std::string& bytes) { ASSERT_TRUE(fe_.feed(bytes, client_feed_)); }
  void server(const std::string& bytes) { ASSERT_TRUE(be_.feed(bytes, server_feed_)); }
  void advance(int ms) { now_ += milliseconds(ms); }

  SteadyTime now_ = SteadyTime{} + std::chrono::hours(1);
  std::vector<events::StatementEvent> events_;
  StatementTracker tracker_;
  wire::FrameDecoder fe_{wire::Direction::Frontend, observed_messages(wire::Direction::Frontend)};
  wire::FrameDecoder be_{wire::Direction::Backend, observed_messages(wire::Direction::Backend)};
  Feed client_feed_{tracker_, true, now_};
  Feed server_feed_{tracker_, false, now_};
};

TEST_F(TrackerTest, SimpleQueryWithRows) {
  client(query("SELECT id FROM t"));
  advance(5);
  server(msg('T', be16(1)) + data_row({"1"}) + data_row({"2"}) + command_complete("SELECT 2") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  const auto& e = events_[0];
  EXPECT_EQ(*e.sql, "SELECT id FROM t");
  EXPECT_FALSE(e.extended);
  EXPECT_EQ(e.rows, 2u);
  EXPECT_EQ(e.command_tag, "SELECT 2");
  EXPECT_TRUE(e.sqlstate.empty());
  EXPECT_EQ(e.completed - e.started, milliseconds(5));
  ASSERT_EQ(e.cell_hashes.size(), 2u);
  EXPECT_EQ(e.cell_hashes[0], events::value_hash("1"));
  EXPECT_FALSE(tracker_.busy());
}

TEST_F(TrackerTest, ResultHashFollowsTheRows) {
  client(query("SELECT v FROM t"));
  server(data_row({"a"}) + command_complete("SELECT 1") + ready('I'));
  client(query("SELECT v FROM t"));
  server(data_row({"a"}) + command_complete("SELECT 1") + ready('I'));
  client(query("SELECT v FROM t"));
  server(data_row({"b"}) + command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].result_hash, events_[1].result_hash);
  EXPECT_NE(events_[0].result_hash, events_[2].result_hash);
}

TEST_F(TrackerTest, MultiStatementQueryGivesOneEventEach) {
  client(query("BEGIN; UPDATE t SET a = 1; COMMIT"));
  server(command_complete("BEGIN") + command_complete("UPDATE 3") + command_complete("COMMIT") + ready('I'));
  ASSERT_EQ(events_.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(events_[i].statement_index, i);
  EXPECT_EQ(events_[0].tx_before, 'I');
  EXPECT_EQ(events_[0].tx_after, 'T');
  EXPECT_EQ(events_[1].tx_before, 'T');
  EXPECT_EQ(events_[1].tx_after, 'T');
  EXPECT_EQ(events_[2].tx_before, 'T');
  EXPECT_EQ(events_[2].tx_after, 'I');
  EXPECT_TRUE(events_[0].sql.same_copy(events_[2].sql));  // shared text
}

TEST_F(TrackerTest, ErrorInSimpleQueryStopsItsRemainingStatements) {
  client(query("SELECT 1/0; SELECT 2"));
  server(error("22012") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].sqlstate, "22012");
  EXPECT_EQ(events_[0].command_tag, "");
  EXPECT_FALSE(tracker_.busy());
}

TEST_F(TrackerTest, TransactionStatusFromReadyForQuery) {
  client(query("BEGIN"));
  server(command_complete("BEGIN") + ready('T'));
  client(query("SELECT 1/0"));
  server(error("22012") + ready('E'));
  client(query("ROLLBACK"));
  server(command_complete("ROLLBACK") + ready('I'));
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[1].tx_before, 'T');
  EXPECT_EQ(events_[1].tx_after, 'E');
  EXPECT_EQ(events_[2].tx_before, 'E');
  EXPECT_EQ(events_[2].tx_after, 'I');
}

TEST_F(TrackerTest, RollbackToSavepointStaysInTheBlock) {
  client(query("BEGIN"));
  server(command_complete("BEGIN") + ready('T'));
  client(parse("", "ROLLBACK TO SAVEPOINT s1") + bind("", "", {}) + execute("") + parse("", "SELECT 1") +
         bind("", "", {}) + execute("") + sync());
  server(parse_complete() + bind_complete() + command_complete("ROLLBACK") + parse_complete() + bind_complete() +
         data_row({"1"}) + command_complete("SELECT 1") + ready('T'));
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[1].tx_after, 'T');
  EXPECT_EQ(events_[2].tx_before, 'T');
}

// The status a ROLLBACK leaves depends on the words of that very statement
// of a multi-statement Query, whatever comments or case it has.
TEST_F(TrackerTest, RollbackToSavepointInAMultiStatementQuery) {
  client(query("BEGIN; SAVEPOINT s; /* undo */ rollback\n  TO s; SELECT 1"));
  server(command_complete("BEGIN") + command_complete("SAVEPOINT") + command_complete("ROLLBACK") +
         data_row({"1"}) + command_complete("SELECT 1") + ready('T'));
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[2].tx_after, 'T');
  EXPECT_EQ(events_[3].tx_before, 'T');
  client(query("SELECT 'ROLLBACK TO here'; ROLLBACK"));
  server(data_row({"ROLLBACK TO here"}) + command_complete("SELECT 1") + command_complete("ROLLBACK") + ready('I'));
  ASSERT_EQ(events_.size(), 6u);
  EXPECT_EQ(events_[5].tx_after, 'I');
}

TEST_F(TrackerTest, ExtendedProtocolWithParameters) {
  client(parse("", "SELECT * FROM users WHERE id = $1") + bind("", "", {"42"}) + execute("") + sync());
  server(parse_complete() + bind_complete() + data_row({"42", "bob"}) + command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  const auto& e = events_[0];
  EXPECT_TRUE(e.extended);
  EXPECT_EQ(*e.sql, "SELECT * FROM users WHERE id = $1");
  ASSERT_EQ(e.params.size(), 1u);
  EXPECT_EQ(e.params[0].value, "42");
  EXPECT_FALSE(e.params[0].binary);
  EXPECT_EQ(e.rows, 1u);
}

TEST_F(TrackerTest, NamedStatementExecutedManyTimes) {
  client(parse("get_user", "SELECT name FROM users WHERE id = $1") + sync());
  server(parse_complete() + ready('I'));
  for (int i = 0; i < 3; ++i) {
    client(bind("", "get_user", {std::to_string(i)}) + execute("") + sync());
    server(bind_complete() + data_row({"n"}) + command_complete("SELECT 1") + ready('I'));
  }
  ASSERT_EQ(events_.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(*events_[i].sql, "SELECT name FROM users WHERE id = $1");
    EXPECT_EQ(events_[i].params[0].value, std::to_string(i));
  }
  EXPECT_TRUE(events_[0].sql.same_copy(events_[2].sql));
}

TEST_F(TrackerTest, PipelineWithErrorInTheMiddle) {
  // Three statements in one pipeline; the second fails, the third is skipped
  // by the server, and the next Sync group runs normally.
  client(parse("", "INSERT INTO t VALUES ($1)") + bind("", "", {"1"}) + execute("") +
         parse("", "SELECT 1/$1") + bind("", "", {"0"}) + execute("") +
         parse("", "INSERT INTO t VALUES ($1)") + bind("", "", {"3"}) + execute("") + sync() +
         parse("", "SELECT 2") + bind("", "", {}) + execute("") + sync());
  server(parse_complete() + bind_complete() + command_complete("INSERT 0 1") + parse_complete() + bind_complete() +
         error("22012") + ready('I') + parse_complete() + bind_complete() + data_row({"2"}) +
         command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(*events_[0].sql, "INSERT INTO t VALUES ($1)");
  EXPECT_EQ(events_[0].params[0].value, "1");
  EXPECT_EQ(*events_[1].sql, "SELECT 1/$1");
  EXPECT_EQ(events_[1].sqlstate, "22012");
  EXPECT_EQ(*events_[2].sql, "SELECT 2");
  EXPECT_FALSE(tracker_.busy());
}

TEST_F(TrackerTest, PipelinedExecutemanyGivesOneEventPerRow) {
  std::string req = parse("ins", "INSERT INTO t VALUES ($1)");
  std::string resp = parse_complete();
  for (int i = 0; i < 5; ++i) {
    req += bind("", "ins", {std::to_string(i)}) + execute("");
    resp += bind_complete() + command_complete("INSERT 0 1");
  }
  client(req + sync());
  server(resp + ready('I'));
  ASSERT_EQ(events_.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(events_[i].params[0].value, std::to_string(i));
}

TEST_F(TrackerTest, SuspendedPortalContinuesTheSameExecution) {
  client(parse("", "SELECT g FROM generate_series(1,5) g") + bind("cur", "", {}) + execute("cur", 2) + msg('H', ""));
  advance(1);
  server(parse_complete() + bind_complete() + data_row({"1"}) + data_row({"2"}) + portal_suspended());
  EXPECT_TRUE(events_.empty());
  client(execute("cur", 2) + msg('H', ""));
  server(data_row({"3"}) + data_row({"4"}) + portal_suspended());
  client(execute("cur", 2) + sync());
  advance(2);
  server(data_row({"5"}) + command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].rows, 5u);
  EXPECT_EQ(events_[0].completed - events_[0].started, milliseconds(3));
}

TEST_F(TrackerTest, PipelinedReExecutesOfASuspendedPortal) {
  client(parse("", "SELECT 1") + bind("c", "", {}) + execute("c", 1) + execute("c", 1) + sync());
  server(parse_complete() + bind_complete() + data_row({"1"}) + portal_suspended() + data_row({"2"}) +
         command_complete("SELECT 2") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].rows, 2u);
}

TEST_F(TrackerTest, RowLimitedExecuteThenSyncStillCounts) {
  // asyncpg's fetchrow: Execute with max_rows 1, the server suspends the
  // portal, the client syncs without asking for more.
  for (int i = 0; i < 3; ++i) {
    client(bind("", "", {std::to_string(i)}) + execute("", 1) + sync());
    advance(1);
    server(bind_complete() + data_row({"x"}) + portal_suspended() + ready('I'));
  }
  ASSERT_EQ(events_.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events_[i].rows, 1u);
    EXPECT_EQ(events_[i].params[0].value, std::to_string(i));
    EXPECT_TRUE(events_[i].sqlstate.empty());
    EXPECT_EQ(events_[i].completed - events_[i].started, milliseconds(1));
  }
}

TEST_F(TrackerTest, SuspendedPortalInATransactionEndsWhenReplacedOrClosed) {
  client(query("BEGIN"));
  server(command_complete("BEGIN") + ready('T'));
  client(parse("", "SELECT g FROM t") + bind("", "", {}) + execute("", 1) + sync());
  server(parse_complete() + bind_complete() + data_row({"1"}) + portal_suspended() + ready('T'));
  EXPECT_EQ(events_.size(), 1u);  // the portal may still be resumed
  client(bind("", "", {}) + execute("", 0) + sync());  // a new unnamed portal replaces it
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].rows, 1u);
  client(bind("named", "", {}) + execute("named", 1) + sync());
  server(bind_complete() + data_row({"2"}) + command_complete("SELECT 1") + ready('T') + bind_complete() +
         data_row({"3"}) + portal_suspended() + ready('T'));
  client(close_stmt('P', "named") + sync());
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[3].rows, 1u);
}

TEST_F(TrackerTest, DeallocateAndCloseForgetStatements) {
  client(parse("a", "SELECT 1") + parse("b", "SELECT 2") + sync());
  server(parse_complete() + parse_complete() + ready('I'));
  client(query("DEALLOCATE a"));
  server(command_complete("DEALLOCATE") + ready('I'));
  client(close_stmt('S', "b") + sync());
  server(msg('3', "") + ready('I'));
  client(bind("", "a", {}) + execute("") + sync());
  server(error("26000") + ready('I'));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(*events_[1].sql, "");  // unknown statement: no stale text
  EXPECT_EQ(events_[1].sqlstate, "26000");
}

// Found by fuzzing: an Execute of a statement the tracker does not know
// (never Parsed, or evicted from its bounded table) answered with
// DEALLOCATE used to dereference a null text.
TEST_F(TrackerTest, ExecuteOfAnUnknownStatementAnsweredWithDeallocate) {
  client(bind("", "never_parsed", {}) + execute("") + sync());
  server(bind_complete() + command_complete("DEALLOCATE") + ready('I'));
  client(bind("", "never_parsed", {}) + execute("") + sync());
  server(bind_complete() + command_complete("DEALLOCATE ALL") + ready('I'));
  client(bind("", "never_parsed", {}) + execute("") + sync());
  server(bind_complete() + command_complete("DISCARD ALL") + ready('I'));
  ASSERT_EQ(events_.size(), 3u);
  for (const auto& e : events_) EXPECT_EQ(*e.sql, "");
  EXPECT_EQ(events_[0].command_tag, "DEALLOCATE");
}

// The end-to-end shape of the same crash: a named `DEALLOCATE r0` pushed out
// of the statement table by more statements than it holds, then executed.
TEST_F(TrackerTest, EvictedDeallocateStatementExecutedLater) {
  client(parse("r0", "DEALLOCATE r1"));
  for (size_t i = 1; i <= StatementTracker::kMaxStatements + 10; ++i) {
    client(parse("r" + std::to_string(i), "SELECT " + std::to_string(i)));
  }
  client(bind("", "r0", {}) + execute("") + sync());
  server(bind_complete() + command_complete("DEALLOCATE") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].command_tag, "DEALLOCATE");
}

TEST_F(TrackerTest, DeallocateNamesAQuotedOrFoldedStatement) {
  client(parse("Mixed", "SELECT 1") + parse("lower", "SELECT 2") + sync());
  server(parse_complete() + parse_complete() + ready('I'));
  client(query("SELECT 0; /* x */ DEALLOCATE PREPARE \"Mixed\"; DEALLOCATE LOWER"));
  server(data_row({"0"}) + command_complete("SELECT 1") + command_complete("DEALLOCATE") +
         command_complete("DEALLOCATE") + ready('I'));
  client(bind("", "Mixed", {}) + execute("") + sync() + bind("", "lower", {}) + execute("") + sync());
  server(error("26000") + ready('I') + error("26000") + ready('I'));
  ASSERT_EQ(events_.size(), 5u);
  EXPECT_EQ(*events_[3].sql, "") << "\"Mixed\" was forgotten";
  EXPECT_EQ(*events_[4].sql, "") << "lower was forgotten";
}

TEST_F(TrackerTest, EmptyQueryGivesNoEvent) {
  client(query(""));
  server(msg('I', "") + ready('I'));
  EXPECT_TRUE(events_.empty());
  EXPECT_FALSE(tracker_.busy());
}

TEST_F(TrackerTest, CopyInCountsAsOneStatement) {
  client(query("COPY t FROM STDIN"));
  server(msg('G', std::string(3, '\0')));
  client(msg('d', "1\n2\n") + msg('c', ""));
  server(command_complete("COPY 2") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].command_tag, "COPY 2");
}

TEST_F(TrackerTest, BusyWhileAQueryRuns) {
  client(query("SELECT pg_sleep(10)"));
  EXPECT_TRUE(tracker_.busy());
  server(data_row({""}) + command_complete("SELECT 1"));
  EXPECT_TRUE(tracker_.busy());
  server(ready('I'));
  EXPECT_FALSE(tracker_.busy());
}

TEST_F(TrackerTest, TooDeepAPipelineStopsTrackingInsteadOfMisattributing) {
  std::string req = parse("", "SELECT $1");
  for (size_t i = 0; i <= StatementTracker::kMaxPending; ++i) req += bind("", "", {"1"}) + execute("");
  client(req);
  EXPECT_TRUE(tracker_.overflowed());
  EXPECT_FALSE(tracker_.busy());
  server(parse_complete() + bind_complete() + data_row({"1"}) + command_complete("SELECT 1"));
  EXPECT_TRUE(events_.empty());  // nothing attributed to the wrong request
}

TEST_F(TrackerTest, ParamsAreBounded) {
  std::string big(10000, 'p');
  client(parse("", "SELECT $1") + bind("", "", {big}) + execute("") + sync());
  server(parse_complete() + bind_complete() + data_row({"x"}) + command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].params[0].value.size(), events::kMaxParamBytes);
}

// pgjdbc and others send `SET application_name` after login; the server
// reports it in a ParameterStatus, and statements from then on carry it.
TEST_F(TrackerTest, ParameterStatusUpdatesTheApplicationNameOfLaterStatements) {
  client(query("SELECT 1"));
  server(command_complete("SELECT 1") + ready('I'));
  client(query("SET application_name = 'billing'"));
  server(command_complete("SET") + msg('S', cstr("application_name") + cstr("billing")) + ready('I'));
  client(query("SELECT 2"));
  server(command_complete("SELECT 1") + msg('S', cstr("TimeZone") + cstr("UTC")) + ready('I'));
  client(query("SELECT 3"));
  server(command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[0].conn->application_name, "");
  EXPECT_EQ(events_[1].conn, events_[0].conn) << "the SET completed before the server reported it";
  EXPECT_EQ(events_[2].conn->application_name, "billing");
  EXPECT_EQ(events_[0].conn->connection_id, events_[2].conn->connection_id);
  EXPECT_EQ(events_[3].conn, events_[2].conn) << "other parameters change nothing";
}

// Binary parameters are decoded by type: the types come from Parse, or from
// the server's ParameterDescription when the client asked (asyncpg).
TEST_F(TrackerTest, ParameterTypesComeFromParseOrParameterDescription) {
  client(msg('P', cstr("typed") + cstr("SELECT $1, $2") + be16(2) + be32(23) + be32(0)) +
         msg('P', cstr("described") + cstr("SELECT $1") + be16(0)) + msg('D', "S" + cstr("described")) +
         msg('D', "P" + cstr("")) + sync());
  server(msg('1', "") + msg('1', "") + msg('t', be16(1) + be32(2950)) + msg('T', be16(0)) + msg('n', "") +
         ready('I'));
  client(bind("", "typed", {be32(101), std::string("x")}, true) + execute("") + bind("", "described", {std::string(16, 'a')}, true) +
         execute("") + sync());
  server(msg('2', "") + command_complete("SELECT 1") + msg('2', "") + command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 2u);
  ASSERT_EQ(events_[0].params.size(), 2u);
  EXPECT_EQ(events_[0].params[0].type_oid, 23u);
  EXPECT_EQ(events_[0].params[1].type_oid, 0u);
  ASSERT_EQ(events_[1].params.size(), 1u);
  EXPECT_EQ(events_[1].params[0].type_oid, 2950u);
  EXPECT_EQ(*events_[1].sql, "SELECT $1");
  EXPECT_FALSE(tracker_.busy());
}

// A Describe that fails (no such statement) is skipped with the rest up to
// Sync: later answers still find their requests.
TEST_F(TrackerTest, FailedDescribeIsSkippedToSync) {
  client(msg('D', "S" + cstr("missing")) + sync());
  server(error("26000") + ready('I'));
  client(query("SELECT 1"));
  server(command_complete("SELECT 1") + ready('I'));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(*events_[0].sql, "SELECT 1");
  EXPECT_FALSE(tracker_.busy());
}

}  // namespace
}  // namespace pgsleuth::proxy
