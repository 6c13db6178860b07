// The findings stream byte for byte: every kind, the request summary and
// the shapes their fields take (null and present, extended and simple
// protocol, a null parameter, invalid UTF-8, rate limiting), written by the
// analyzer through the JSON Lines writer, equal the golden file. The golden
// was captured before findings/ existed, so its keys, key order and number
// formatting are the stream's as consumers know it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <unistd.h>

#include "sinks/json_lines_writer.hpp"
#include "tests/analyzers/analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A harness whose analyzer writes JSON Lines to `path`.
struct StreamHarness : Harness {
  StreamHarness(config::AnalysisSettings s, const std::string& path)
      : Harness(s), writer(path) {
    analyzer = std::make_unique<Analyzer>(settings, writer);
  }
  sinks::JsonLinesWriter writer;
};

config::AnalysisSettings base_settings() {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 15;
  s.connection_churn.min_connections = 2;
  return s;
}

// One idle-gap window with every per-statement kind, then a churn burst.
void every_kind(StreamHarness& h) {
  const auto star = make_shape({StatementKind::Select, "SELECT * FROM posts", {"posts"}, {}, false, true});
  h.run(Stmt(star, h.conn).returns(2000, numbers(10)));
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(6, numbers(6)));
  for (const auto& id : numbers(6)) h.run(Stmt(select_comments_by_post(), h.conn).params({id}).returns(2));
  for (int i = 0; i < 2; ++i) h.run(Stmt(select_user_by_id(), h.conn).params({"1"}).result_hash(9), 100us, 120ms);
  for (const auto& id : numbers(6)) h.run(Stmt(insert_events(), h.conn).params({id}), 30us);
  h.settle();
  for (uint64_t c = 10; c < 12; ++c) {
    const auto conn = make_conn(c, "10.9.8.7");
    h.analyzer->on_connection_opened(conn, h.now);
    h.advance(5ms);
    h.analyzer->on_connection_closed(conn, h.now);
  }
}

// A traced request across two connections with a route: a duplicate whose
// result changed, a null bound parameter and bytes that are not UTF-8.
void traced_request(StreamHarness& h) {
  const auto other = make_conn(2, "10.0.0.8");
  for (int i = 0; i < 3; ++i) {
    AnalyzedStatement s = Stmt(select_user_by_id(), i % 2 ? other : h.conn)
                              .params({"5", "x"})
                              .trace("4bf92f3577b34da6a3ce929d0e0e4736", "users#show")
                              .result_hash(static_cast<uint64_t>(i))
                              .sql("SELECT name FROM users WHERE id = $1 /* caf\xE9 */")
                              .at(h.now, 1500us);
    s.sample_params = std::vector<std::optional<std::string>>{"5", std::nullopt};
    h.analyzer->on_statement(std::move(s));
    h.advance(2ms);
  }
  h.settle();
}

// A transaction of simple-protocol statements: an N+1 without a parent.
void transaction(StreamHarness& h) {
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  for (const auto& id : numbers(5)) {
    h.run(Stmt(select_comments_by_post(), h.conn)
              .literals({id})
              .sql("SELECT id, body FROM comments WHERE post_id = " + id)
              .tx('T', 'T'));
  }
  h.run(Stmt(commit_shape(), h.conn).tx('T', 'I'));
}

// Nothing tracked: a budget finding with no statement to quote.
void untracked_budget(StreamHarness& h) {
  h.run_per_id(select_user_by_id(), 3);
  h.settle();
}

// Rate limited: the third duplicate carries the two held back.
void rate_limited(StreamHarness& h) {
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 3; ++i) {
      h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
      h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
      h.advance(1s);
      h.tick();
    }
    h.advance(std::chrono::minutes(1));
  }
}

// connection_churn's ts is the wall clock at the burst: the one value a
// test cannot fix, so it is set to a constant before comparing.
std::string fixed_churn_time(const std::string& stream) {
  static const std::regex churn_ts(R"re("ts":"[^"]*"(,"kind":"connection_churn"))re");
  return std::regex_replace(stream, churn_ts, R"("ts":"2000-01-01T00:00:00.000Z"$1)");
}

std::string stream_of_every_shape() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pgsleuth-golden-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    StreamHarness h(base_settings(), path.string());
    every_kind(h);
    traced_request(h);
    transaction(h);
  }
  {
    auto s = base_settings();
    s.window.max_statements = 0;
    s.query_budget.max_queries = 3;
    StreamHarness h(s, path.string());
    untracked_budget(h);
  }
  {
    auto s = base_settings();
    s.max_repeats_per_minute = 1;
    StreamHarness h(s, path.string());
    rate_limited(h);
  }
  std::string stream = read_file(path);
  std::filesystem::remove(path);
  return fixed_churn_time(stream);
}

TEST(FindingsStream, EveryKindIsByteForByteTheGoldenStream) {
  const std::string actual = stream_of_every_shape();
  const std::string golden = read_file(PGSLEUTH_FINDINGS_GOLDEN);
  if (actual != golden) {
    // Left for a diff against the golden file.
    std::ofstream(std::filesystem::current_path() / "stream.actual.jsonl", std::ios::binary) << actual;
  }
  ASSERT_FALSE(golden.empty()) << PGSLEUTH_FINDINGS_GOLDEN;
  EXPECT_EQ(actual, golden) << "actual stream written to " << (std::filesystem::current_path() / "stream.actual.jsonl");
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
