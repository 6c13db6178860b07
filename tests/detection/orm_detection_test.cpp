// ORMs through pgsleuth: Django and SQLAlchemy loading a relation lazily in a
// loop make an n_plus_one finding naming its parent query; their eager
// loading makes none. `pgsleuth check` gates on such a findings file.
#include <gtest/gtest.h>

#include "tests/detection/detection_proxy.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

using namespace std::chrono_literals;

const std::string kConfig = std::string(kBaseConfig) + R"(
[n_plus_one]
min_repeats = 5
)";
constexpr int64_t kMinRepeats = 5;
constexpr int64_t kBooks = 10;  // clients/client_args.py AUTHORS

ClientRun run_orm(const std::string& script, const std::string& mode) {
  return run_client_through_proxy(kConfig, script, mode, script.substr(0, script.find('_')) + "_" + mode);
}

bool contains(const json::value& list, const std::string& item) {
  if (!list.is_array()) return false;
  for (const auto& v : list.as_array()) {
    if (v.is_string() && v.as_string() == item) return true;
  }
  return false;
}

// The lazy loop's one n_plus_one: the authors lookup, repeated once per
// book, fed by the books query (`books_from`: how its SQL names the table).
json::object expect_lazy_author_n_plus_one(const Findings& findings, const std::string& authors_table,
                                           const std::string& books_from) {
  auto n_plus_one = of_kind(findings, "n_plus_one");
  EXPECT_EQ(n_plus_one.size(), 1u) << dump(findings);
  if (n_plus_one.size() != 1) return {};
  const auto& f = n_plus_one.front();
  SCOPED_TRACE(json::serialize(f));
  EXPECT_TRUE(contains(f.at("tables"), authors_table));
  EXPECT_NE(text(f, "normalized").find(authors_table), std::string::npos);
  EXPECT_GE(integer(f, "count"), kMinRepeats);
  EXPECT_EQ(integer(f, "count"), kBooks);
  EXPECT_GE(integer(f, "distinct_params"), 2);
  EXPECT_TRUE(f.at("sample_params").is_null()) << "psycopg2 inlines values (simple protocol)";
  EXPECT_TRUE(f.at("parent").is_object()) << "no parent: the books query fed every lookup";
  if (f.at("parent").is_object()) {
    const auto& parent = f.at("parent").as_object();
    EXPECT_NE(parent.at("fingerprint"), f.at("fingerprint"));
    const std::string parent_sql(parent.at("normalized").as_string());
    EXPECT_NE(parent_sql.find("FROM " + books_from), std::string::npos) << parent_sql;
    EXPECT_EQ(parent_sql.find(authors_table), std::string::npos) << parent_sql;
  }
  return f;
}

TEST(DjangoDetection, LazyForeignKeyInLoopIsNPlusOneWithBooksQueryAsParent) {
  auto f = expect_lazy_author_n_plus_one(run_orm("django_books.py", "lazy").findings, "dj_authors",
                                         "\"dj_books\"");
  // Django runs in autocommit: the request is the connection's idle-gap run.
  EXPECT_EQ(text(f, "request_source"), "idle_gap");
  EXPECT_EQ(text(f, "application_name"), "django_lazy");
  EXPECT_EQ(text(f, "client_addr"), "127.0.0.1");
}

TEST(DjangoDetection, LazyForeignKeyInAtomicBlockIsNPlusOneOfTheTransaction) {
  auto f = expect_lazy_author_n_plus_one(run_orm("django_books.py", "lazy_atomic").findings,
                                         "dj_authors", "\"dj_books\"");
  EXPECT_EQ(text(f, "request_source"), "transaction");
}

TEST(SqlAlchemyDetection, LazyRelationshipInTransactionIsNPlusOneOfTheTransaction) {
  auto f = expect_lazy_author_n_plus_one(run_orm("sqlalchemy_books.py", "lazy").findings, "sa_authors",
                                         "sa_books");
  EXPECT_EQ(text(f, "request_source"), "transaction");
  EXPECT_EQ(text(f, "application_name"), "sqlalchemy_lazy");
}

// Not only at shutdown: the transaction's window ends at its COMMIT, and
// its finding reaches the file while pgsleuth keeps running.
TEST(SqlAlchemyDetection, FindingIsWrittenAtCommitWhileProxyRuns) {
  DetectionProxy proxy(kConfig);
  ASSERT_TRUE(proxy.started());
  proxy.run_client("sqlalchemy_books.py", "lazy", "sqlalchemy_running");
  // Generous: a bound on a shared machine, not a speed target.
  auto findings = proxy.wait_for("n_plus_one");
  EXPECT_TRUE(proxy.process().running());
  auto f = expect_lazy_author_n_plus_one(findings, "sa_authors", "sa_books");
  EXPECT_EQ(text(f, "request_source"), "transaction");
  proxy.finish();
}

struct EagerLoading {
  const char* script;
  const char* mode;
};

class EagerLoadingDetection : public ::testing::TestWithParam<EagerLoading> {};

// The eager variant ran and was analysed (a window read every book and
// author), and nothing was reported as N+1.
TEST_P(EagerLoadingDetection, MakesNoNPlusOne) {
  auto findings = run_orm(GetParam().script, GetParam().mode).findings;
  EXPECT_TRUE(of_kind(findings, "n_plus_one").empty()) << dump(findings);
  bool read_all = false;
  for (const auto& summary : of_kind(findings, "request_summary")) {
    read_all = read_all || integer(summary, "rows") >= kBooks;
  }
  EXPECT_TRUE(read_all) << "no request read the books: " << dump(findings);
}

INSTANTIATE_TEST_SUITE_P(DjangoAndSqlAlchemy, EagerLoadingDetection,
                         ::testing::Values(EagerLoading{"django_books.py", "select_related"},
                                           EagerLoading{"django_books.py", "prefetch_related"},
                                           EagerLoading{"sqlalchemy_books.py", "joinedload"},
                                           EagerLoading{"sqlalchemy_books.py", "selectinload"}),
                         [](const auto& info) { return std::string(info.param.mode); });

// `pgsleuth check FILE` with the real binary.
CommandResult check(const std::string& findings_text) {
  TempDir dir("pgsleuth-check-");
  const auto file = dir.path() / "findings.jsonl";
  write_file(file, findings_text);
  return run_command({pgsleuth_binary(), "check", file.string()}, {}, 30s);
}

TEST(CheckCommand, FailsOnFindingsWithNPlusOneAndPassesWithout) {
  auto lazy = run_orm("django_books.py", "lazy");
  ASSERT_FALSE(of_kind(lazy.findings, "n_plus_one").empty()) << lazy.findings_text;
  auto failing = check(lazy.findings_text);
  EXPECT_EQ(failing.exit_code, 1) << failing.out << failing.err;
  EXPECT_NE((failing.out + failing.err).find("n_plus_one"), std::string::npos) << failing.out << failing.err;

  auto eager = run_orm("django_books.py", "select_related");
  ASSERT_TRUE(of_kind(eager.findings, "n_plus_one").empty()) << eager.findings_text;
  ASSERT_FALSE(of_kind(eager.findings, "request_summary").empty()) << "check should skip summary lines";
  auto passing = check(eager.findings_text);
  EXPECT_EQ(passing.exit_code, 0) << passing.out << passing.err;
}

}  // namespace
}  // namespace pgsleuth::test::detection
