// Requests served back to back on one persistent connection, far closer
// than idle_gap_ms: each is its own window with its own true counts, and a
// finding that only merging them would make is not made.
#include <gtest/gtest.h>

#include <set>

#include "analyzer_harness.hpp"
#include "analyzers/request_boundary.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

constexpr auto kInside = 300us;    // between statements of one request (ORM overhead)
constexpr auto kBetween = 2ms;     // between requests of one worker, back to back

ShapePtr select_settings() {
  static const auto s =
      make_shape({StatementKind::Select, "SELECT id, title FROM settings WHERE id = $1 LIMIT $2", {"settings"}});
  return s;
}
ShapePtr select_books() {
  static const auto s = make_shape({StatementKind::Select,
                                    "SELECT b.id, b.author_id FROM books b JOIN authors a ON a.id = "
                                    "b.author_id ORDER BY b.id LIMIT $1",
                                    {"books", "authors"}});
  return s;
}
ShapePtr select_book() {
  static const auto s =
      make_shape({StatementKind::Select, "SELECT id, author_id FROM books WHERE id = $1", {"books"}});
  return s;
}
ShapePtr update_book() {
  static const auto s = make_shape(
      {StatementKind::Update, "UPDATE books SET title = $1 WHERE id = $2", {"books"}, {"books"}});
  return s;
}
ShapePtr select_author() {
  static const auto s =
      make_shape({StatementKind::Select, "SELECT id, name FROM authors WHERE id = $1", {"authors"}});
  return s;
}

// Ids 1..n as the cells of one result (id and author_id per row).
std::vector<std::string> id_cells(int n) {
  std::vector<std::string> cells;
  for (const auto& id : numbers(n)) {
    cells.push_back(id);
    cells.push_back(id);
  }
  return cells;
}

void run_settings(Harness& h, std::chrono::microseconds gap) {
  h.run(Stmt(select_settings(), h.conn).literals({"1", "21"}).returns(1, {"1", "my site"}).result_hash(7), gap);
}

// Book 1's page, book 2's, ... book 8's: each the book, then its author;
// `after_page` the gap after a page's last statement.
void run_detail_pages(Harness& h, std::chrono::microseconds after_page) {
  for (const auto& id : numbers(8)) {
    h.run(Stmt(select_book(), h.conn).params({id}).returns(1, {id, id}), kInside);
    h.run(Stmt(select_author(), h.conn).params({id}).returns(1, {id, "author " + id}), after_page);
  }
}

// `requests` x (`statements` per request): every window a request.
void expect_requests(const Harness& h, size_t requests, int64_t statements) {
  const auto summaries = h.of_kind("request_summary");
  ASSERT_EQ(summaries.size(), requests);
  for (const auto& s : summaries) {
    EXPECT_EQ(s.at("count").as_int64(), statements) << boost::json::serialize(s);
    EXPECT_EQ(s.at("request_source").as_string(), "idle_gap");
  }
}

// `findings` n_plus_one findings, each of `count` executions.
void expect_n_plus_ones(const Harness& h, size_t findings, int64_t count) {
  const auto found = h.of_kind("n_plus_one");
  ASSERT_EQ(found.size(), findings);
  for (const auto& f : found) EXPECT_EQ(f.at("count").as_int64(), count) << boost::json::serialize(f);
}

TEST(RequestBoundary, CleanPagesBackToBackAreSeparateRequestsWithoutFindings) {
  Harness h;
  for (int page = 0; page < 5; ++page) {
    run_settings(h, kInside);
    h.run(Stmt(select_books(), h.conn).literals({"10"}).returns(10, id_cells(10)), kBetween);
  }
  h.settle();
  expect_requests(h, 5, 2);
  EXPECT_TRUE(h.sink.finding_lines().empty()) << boost::json::serialize(h.sink.finding_lines().front());
}

TEST(RequestBoundary, OneStatementPagesBackToBackAreNotADuplicate) {
  Harness h;
  for (int page = 0; page < 5; ++page) run_settings(h, kBetween);
  h.settle();
  expect_requests(h, 5, 1);
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
}

TEST(RequestBoundary, DetailPagesBackToBackAreNotAnNPlusOne) {
  Harness h;
  run_detail_pages(h, kBetween);
  h.settle();
  expect_requests(h, 8, 2);
  EXPECT_TRUE(h.sink.finding_lines().empty());
}

// Django's test client serving /book/N/ with no pause: 0.86 ms from one
// page's last statement to the next page's first (measured), 0.3 ms inside.
TEST(RequestBoundary, DetailPagesWithNoPauseBetweenAreStillSeparateRequests) {
  Harness h;
  run_detail_pages(h, 850us);
  h.settle();
  expect_requests(h, 8, 2);
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

// Code reading the same row twice, 0.8 ms apart (psycopg2 under a
// sanitizer): nothing used the first read's rows, so only the 1 ms floor
// says it is one request, and it does: a duplicate.
TEST(RequestBoundary, TheSameReadTwiceWithoutLineageNeedsTheFullFloor) {
  Harness h;
  run_settings(h, 800us);
  run_settings(h, 800us);
  h.settle();
  expect_requests(h, 1, 2);
  EXPECT_EQ(h.of_kind("duplicate_query").size(), 1u);
}

// Read a row, update it by its id, read it again, 0.8 ms apart: the
// UPDATE used the head's row, but the head comes back over the same
// values, so this is one request, not the next detail page.
TEST(RequestBoundary, ARowReadAgainAfterItsUpdateStaysInTheRequest) {
  Harness h;
  h.run(Stmt(select_book(), h.conn).params({"3"}).returns(1, {"3", "3"}), 800us);
  h.run(Stmt(update_book(), h.conn).params({"renamed", "3"}), 800us);
  h.run(Stmt(select_book(), h.conn).params({"3"}).returns(1, {"3", "3"}), 800us);
  h.settle();
  expect_requests(h, 1, 3);
}

// List pages loading each book's author lazily, with no pause between
// pages (0.9 ms): the list query comes back over the same values, after
// lookups that read by its rows: the next page.
TEST(RequestBoundary, ListPagesWithNoPauseBetweenAreStillSeparateRequests) {
  Harness h;
  const auto ids = numbers(10);
  for (int page = 0; page < 4; ++page) {
    h.run(Stmt(select_books(), h.conn).params({"10"}).returns(10, id_cells(10)), kInside);
    for (size_t i = 0; i < ids.size(); ++i) {
      h.run(Stmt(select_author(), h.conn).params({ids[i]}).returns(1, {ids[i], "a"}),
            i + 1 == ids.size() ? 900us : kInside);
    }
  }
  h.settle();
  expect_requests(h, 4, 11);
  EXPECT_EQ(h.of_kind("n_plus_one").size(), 4u);
}

// The same two lookups in a loop inside one request, at an ORM's pace.
TEST(RequestBoundary, ALoopOverLookupPairsAtAnOrmsPaceStaysOneRequest) {
  Harness h;
  run_detail_pages(h, 500us);
  h.settle();
  expect_requests(h, 1, 16);
}

TEST(RequestBoundary, RealNPlusOnesInBackToBackRequestsKeepTheirTrueCount) {
  Harness h;
  for (int page = 0; page < 6; ++page) {
    h.run(Stmt(select_books(), h.conn).params({"10"}).returns(10, id_cells(10)), kInside);
    const auto ids = numbers(10);
    for (size_t i = 0; i < ids.size(); ++i) {
      h.run(Stmt(select_author(), h.conn).params({ids[i]}).returns(1, {ids[i], "a"}),
            i + 1 == ids.size() ? kBetween : kInside);
    }
  }
  h.settle();
  expect_requests(h, 6, 11);
  const auto found = h.of_kind("n_plus_one");
  ASSERT_EQ(found.size(), 6u);
  std::set<std::string> requests;
  for (const auto& f : found) {
    EXPECT_EQ(f.at("count").as_int64(), 10);
    ASSERT_TRUE(f.at("parent").is_object());
    EXPECT_EQ(f.at("parent").at("fingerprint").as_string(), select_books()->fingerprint_hex);
    requests.insert(std::string(f.at("request_id").as_string()));
  }
  EXPECT_EQ(requests.size(), 6u);
}

// A starved CPU (seen in CI-like runs: children 3 to 12 ms apart, pages 2 ms
// apart) makes the gaps inside a request longer than those between: the
// parent running again after its children used its rows still starts the
// next request.
TEST(RequestBoundary, AParentAgainAfterItsChildrenStartsTheNextRequestWhateverTheGaps) {
  Harness h;
  for (int page = 0; page < 6; ++page) {
    h.run(Stmt(select_books(), h.conn).params({"10"}).returns(10, id_cells(10)), 3ms);
    const auto ids = numbers(10);
    for (size_t i = 0; i < ids.size(); ++i) {
      // The gap after the statement: the last one's is the gap to the next page.
      const auto gap = i + 1 == ids.size() ? kBetween : i % 3 == 0 ? 12ms : 3ms;
      h.run(Stmt(select_author(), h.conn).params({ids[i]}).returns(1, {ids[i], "a"}), gap);
    }
  }
  h.settle();
  expect_requests(h, 6, 11);
  expect_n_plus_ones(h, 6, 10);
}

// Near miss: a loop over ids the application already held, whose query is
// the first of the request. Its gaps are a loop's, not a request cycle's.
TEST(RequestBoundary, TightLoopOfTheFirstStatementStaysOneRequest) {
  Harness h;
  for (const auto& id : numbers(8)) h.run(Stmt(select_author(), h.conn).params({id}), 200us);
  h.settle();
  expect_requests(h, 1, 8);
  expect_n_plus_ones(h, 1, 8);
}

// Near miss: the same loop on a busy machine, whose scheduler pauses it for
// longer than a request cycle now and then: other values each time, nothing
// else in between, so it is still the loop.
TEST(RequestBoundary, LoopOfTheFirstStatementOverOtherValuesSurvivesPauses) {
  Harness h;
  for (const auto& id : numbers(8)) h.run(Stmt(select_author(), h.conn).params({id}), id == "4" ? 5ms : 2ms);
  h.settle();
  expect_requests(h, 1, 8);
  ASSERT_EQ(h.of_kind("n_plus_one").size(), 1u);
}

// Near miss: the children of a real N+1 repeat a two-statement shape (book,
// then its author) slowly, at request-like gaps; they never repeat the
// request's first statement, so the request stays whole.
TEST(RequestBoundary, SlowChildrenRepeatingAShapeStayInTheirRequest) {
  Harness h;
  h.run(Stmt(select_books(), h.conn).params({"10"}).returns(10, id_cells(10)), kInside);
  for (const auto& id : numbers(10)) {
    h.run(Stmt(select_book(), h.conn).params({id}).returns(1, {id, id}), kInside);
    h.run(Stmt(select_comments_by_post(), h.conn).params({id}).returns(3), 3ms);
  }
  h.settle();
  expect_requests(h, 1, 21);
  expect_n_plus_ones(h, 2, 10);
}

// Near miss: inside a request whose own rhythm is slow (rendering between
// queries), its first statement coming back after a gap like the others
// is not a new request.
TEST(RequestBoundary, GapWithinTheRequestsOwnRhythmIsNoBoundary) {
  Harness h;
  run_settings(h, 5ms);
  h.run(Stmt(select_books(), h.conn).literals({"10"}).returns(10, id_cells(10)), 5ms);
  h.run(Stmt(select_user_by_id(), h.conn).params({"3"}), 5ms);
  h.run(Stmt(select_comments_by_post(), h.conn).params({"3"}), 6ms);
  run_settings(h, 5ms);
  h.settle();
  expect_requests(h, 1, 5);
}

// A pause inside a short request (a busy machine, a GC) is not its rhythm:
// one or two gaps do not hold the next request in the window, nor does a
// merge make the merged window's rhythm slower.
TEST(RequestBoundary, OnePauseInsideAShortRequestDoesNotMergeTheNext) {
  Harness h;
  for (const auto& id : numbers(4)) {
    h.run(Stmt(select_book(), h.conn).params({id}).returns(1, {id, id}), id == "1" ? 3ms : kInside);
    h.run(Stmt(select_author(), h.conn).params({id}).returns(1, {id, "a"}), kBetween);
  }
  h.settle();
  expect_requests(h, 4, 2);
}

// When requests do stay merged (gaps as tight as a loop's), a lookup fed by
// a lookup of one row each is not counted as an N+1 of the second query:
// each child has its own parent execution, unlike a loop over one result.
TEST(RequestBoundary, ChildrenFedEachByTheirOwnSingleRowParentAreNoNPlusOne) {
  Harness h;
  for (const auto& id : numbers(8)) {
    h.run(Stmt(select_book(), h.conn).params({id}).returns(1, {id, "10" + id}), 200us);
    h.run(Stmt(select_author(), h.conn).params({"10" + id}).returns(1, {"10" + id, "a"}), 200us);
  }
  h.settle();
  expect_requests(h, 1, 16);
  const auto found = h.of_kind("n_plus_one");
  ASSERT_EQ(found.size(), 1u) << "the loop over books is still one";
  EXPECT_EQ(found[0].at("fingerprint").as_string(), select_book()->fingerprint_hex);
}

TEST(RequestBoundary, RepeatsInsideOneTransactionAreNeverSplit) {
  Harness h;
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  for (int i = 0; i < 3; ++i) {
    h.run(Stmt(select_settings(), h.conn).literals({"1", "21"}).returns(1, {"1", "s"}).tx('T', 'T'), 20ms);
  }
  h.run(Stmt(commit_shape(), h.conn).tx('T', 'I'));
  EXPECT_EQ(h.of_kind("request_summary").size(), 1u);
  EXPECT_EQ(h.of_kind("duplicate_query").size(), 1u);
}

// Django sets the time zone when it connects: that SET is not the shape
// its requests repeat.
TEST(RequestBoundary, SessionControlBeforeTheFirstRequestIsNotItsShape) {
  Harness h;
  h.run(Stmt(make_shape({StatementKind::SetShow, "SET TIME ZONE $1"}), h.conn).literals({"UTC"}), kInside);
  for (int page = 0; page < 3; ++page) run_settings(h, kBetween);
  h.settle();
  EXPECT_EQ(h.of_kind("request_summary").size(), 3u);
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
}

// A worker serving different pages: each shape that began a request on
// the connection begins one again, whatever began the current window.
TEST(RequestBoundary, ShapesThatBeganEarlierRequestsBeginRequestsAgain) {
  Harness h;
  run_settings(h, kInside);
  h.advance(200ms);  // idle: the first page's window ends
  h.tick();
  for (const auto& id : numbers(3)) {
    h.run(Stmt(select_book(), h.conn).params({id}).returns(1, {id, id}), kInside);
    h.run(Stmt(select_author(), h.conn).params({id}).returns(1, {id, "a"}), kBetween);
    run_settings(h, kBetween);
  }
  h.settle();
  EXPECT_EQ(h.of_kind("request_summary").size(), 7u);
  EXPECT_TRUE(h.sink.finding_lines().empty());
}

TEST(GapRhythm, MedianIsWithinASquareRootOfTwo) {
  GapRhythm r;
  EXPECT_EQ(r.median_ms(), 0);
  for (double gap : {0.3, 0.25, 0.4, 9.0, 0.35}) r.add(gap);
  EXPECT_GT(r.median_ms(), 0.3 / 1.42);
  EXPECT_LT(r.median_ms(), 0.35 * 1.42);
  GapRhythm huge;
  huge.add(1e9);
  huge.add(0);
  EXPECT_GT(huge.median_ms(), 0);
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
