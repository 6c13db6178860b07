// Real drivers through pgsleuth: psycopg2, asyncpg, psql multi-statement
// queries and pgbench get what they get directly, and the proxy's statement
// events record what was actually run (texts, parameters, row counts).
#include <gtest/gtest.h>

#include <regex>

#include "tests/e2e/e2e_helpers.hpp"

namespace pgsleuth::test::e2e {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

using namespace std::chrono_literals;
namespace json = boost::json;

class Drivers : public ProxiedTest {
 protected:
  // Waits for the events of `application` until one statement contains
  // `last_sql` and its connection_closed arrived; returns all events.
  static JsonEvents settled_events(const std::string& application, const std::string& last_sql) {
    auto closed = [&](const JsonEvents& all) {
      auto ids = connections_of_application(all, application);
      for (const auto& event : all) {
        if (string_field(event, "type") == "connection_closed" && !ids.empty() &&
            event.at("connection_id").to_number<int64_t>() == ids.back()) {
          return true;
        }
      }
      return false;
    };
    auto events = proxy().events().poll_until(
        [&](const JsonEvents& all) {
          return !statements_containing(all, application, last_sql).empty() && closed(all);
        });
    EXPECT_TRUE(closed(events)) << "no connection_closed for " << application;
    return events;
  }
  // The statements of `application` once settled (see settled_events).
  static JsonEvents settled_statements(const std::string& application, const std::string& last_sql) {
    auto events = settled_events(application, last_sql);
    return statements_of(events, connections_of_application(events, application));
  }

  // The one statement event whose sql is exactly `sql`.
  static json::object only_statement(const JsonEvents& statements, const std::string& sql) {
    JsonEvents found;
    for (const auto& event : statements) {
      if (string_field(event, "sql") == sql) found.push_back(event);
    }
    EXPECT_EQ(found.size(), 1u) << "statements with sql " << sql;
    return found.empty() ? json::object{} : found.front();
  }
};

// Runs tests/e2e/clients/<script> with Debian's python and `args`.
CommandResult run_python_client(const char* script, std::vector<std::string> args) {
  args.insert(args.begin(), {kSystemPython, std::string(E2E_CLIENTS_DIR) + "/" + script});
  return run_command(args, clean_pg_env(), 60s);
}

TEST_F(Drivers, Psycopg2SessionMatchesDirectAndEventsShowInlinedLiterals) {
  auto direct = run_python_client("psycopg2_session.py", {pg().conninfo(), "e2e_psycopg2_direct"});
  auto proxied = run_python_client("psycopg2_session.py", {proxy().conninfo(), "e2e_psycopg2"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(proxied.exit_code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, direct.out);
  EXPECT_EQ(proxied.err, direct.err);
  EXPECT_NE(direct.out.find("error 22012 ERROR:  division by zero"), std::string::npos) << direct.out;
  EXPECT_NE(direct.out.find("psycopg2 notice 7"), std::string::npos) << direct.out;

  auto events = settled_events("e2e_psycopg2", "ARRAY[1,2]");
  auto opened = connections_of_application(events, "e2e_psycopg2");
  ASSERT_EQ(opened.size(), 1u) << proxy().events().path();
  for (const auto& event : events) {
    if (string_field(event, "type") == "connection_opened" && event.at("connection_id").to_number<int64_t>() == opened[0]) {
      EXPECT_EQ(string_field(event, "user"), "postgres");
      EXPECT_EQ(string_field(event, "database"), "postgres");
      EXPECT_EQ(string_field(event, "client_addr"), "127.0.0.1");
    }
  }
  auto statements = statements_of(events, opened);
  ASSERT_FALSE(statements.empty());
  EXPECT_EQ(string_field(statements.front(), "sql"), "BEGIN");

  auto answer = only_statement(statements, "SELECT 41::int + 1 AS answer");
  EXPECT_EQ(answer["extended"], false);
  EXPECT_TRUE(answer["params"].is_null());
  EXPECT_EQ(answer["rows"], 1);
  EXPECT_EQ(answer["command_tag"], "SELECT 1");
  EXPECT_EQ(answer["sqlstate"], "");
  EXPECT_EQ(answer["tx_before"], "T");
  EXPECT_EQ(answer["tx_after"], "T");

  auto filtered = only_statement(statements, "SELECT id, name, price FROM items WHERE id > 2 ORDER BY id");
  EXPECT_EQ(filtered["rows"], 3);
  EXPECT_EQ(filtered["command_tag"], "SELECT 3");
  EXPECT_GT(filtered["bytes"].to_number<int64_t>(), 0);

  auto failed = only_statement(statements, "SELECT 1/0");
  EXPECT_EQ(failed["sqlstate"], "22012");
  EXPECT_EQ(failed["command_tag"], "");
  EXPECT_EQ(failed["tx_after"], "E");

  int inserts = 0;
  for (const auto& event : statements) {
    if (string_field(event, "sql").rfind("INSERT INTO items VALUES (", 0) == 0) ++inserts;
  }
  EXPECT_EQ(inserts, 5);
  only_statement(statements, "INSERT INTO items VALUES (3, 'item 3', 4.5)");
}

TEST_F(Drivers, AsyncpgSessionMatchesDirectAndEventsShowBoundParams) {
  auto direct = run_python_client("asyncpg_session.py",
                                  {"127.0.0.1", std::to_string(pg().port()), "e2e_asyncpg_direct"});
  auto proxied = run_python_client("asyncpg_session.py",
                                   {"127.0.0.1", std::to_string(proxy().port()), "e2e_asyncpg"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(proxied.exit_code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, direct.out);
  EXPECT_NE(direct.out.find("error 22012"), std::string::npos) << direct.out;

  auto statements = settled_statements("e2e_asyncpg", "generate_series");
  // asyncpg binds every parameter in binary format: int4 7 and text "seven",
  // shown as PostgreSQL prints them (their types from ParameterDescription).
  auto fetch = only_statement(statements, "SELECT $1::int AS a, $2::text AS b");
  EXPECT_EQ(fetch["extended"], true);
  EXPECT_EQ(fetch["params"], json::array({"7", "seven"}));
  EXPECT_EQ(fetch["rows"], 1);
  EXPECT_EQ(fetch["command_tag"], "SELECT 1");

  // executemany: one execution per row, the NULL as JSON null.
  std::vector<json::value> insert_params;
  for (const auto& event : statements) {
    if (string_field(event, "sql") == "INSERT INTO t VALUES ($1, $2)") {
      EXPECT_EQ(event.at("command_tag"), "INSERT 0 1");
      insert_params.push_back(event.at("params"));
    }
  }
  EXPECT_EQ(insert_params, (std::vector<json::value>{json::array({"1", "x"}), json::array({"2", "y"}),
                                                      json::array({"3", nullptr})}));

  auto failed = only_statement(statements, "SELECT 1 / $1::int");
  EXPECT_EQ(failed["params"], json::array({"0"}));
  EXPECT_EQ(failed["sqlstate"], "22012");

  std::vector<int64_t> prepared_rows;
  for (const auto& event : statements) {
    if (string_field(event, "sql") == "SELECT g FROM generate_series(1, $1::int) g") {
      prepared_rows.push_back(event.at("rows").to_number<int64_t>());
    }
  }
  EXPECT_EQ(prepared_rows, (std::vector<int64_t>{4, 2}));

  auto update = only_statement(statements, "UPDATE t SET v = $1 WHERE id = $2");
  EXPECT_EQ(update["tx_before"], "T");
  EXPECT_EQ(update["command_tag"], "UPDATE 1");
}

TEST_F(Drivers, MultiStatementSimpleQueryGivesOneEventPerStatement) {
  const std::string sql = "SELECT 1 AS a; SELECT g FROM generate_series(1, 3) g";
  auto run = [&](uint16_t port, const std::string& app) {
    return run_command({"psql", "-X", "-d", make_conninfo(port, "postgres", "postgres", "application_name=" + app), "-c", sql},
                       clean_pg_env(), 30s);
  };
  auto direct = run(pg().port(), "e2e_multi_direct");
  auto proxied = run(proxy().port(), "e2e_multi");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(proxied.exit_code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, direct.out);

  auto statements = settled_statements("e2e_multi", "generate_series");
  ASSERT_EQ(statements.size(), 2u) << proxy().events().path();
  const int64_t rows[] = {1, 3};
  const char* tags[] = {"SELECT 1", "SELECT 3"};
  for (size_t i = 0; i < statements.size(); ++i) {
    SCOPED_TRACE(json::serialize(statements[i]));
    EXPECT_EQ(string_field(statements[i], "sql"), sql);
    EXPECT_EQ(statements[i]["statement_index"].to_number<int64_t>(), static_cast<int64_t>(i));
    EXPECT_EQ(statements[i]["extended"], false);
    EXPECT_TRUE(statements[i]["params"].is_null());
    EXPECT_EQ(statements[i]["rows"].to_number<int64_t>(), rows[i]);
    EXPECT_EQ(string_field(statements[i], "command_tag"), tags[i]);
  }
}

TEST_F(Drivers, PgbenchSelectOnlyRunsWithoutErrors) {
  auto init = run_command({"pgbench", "-i", "-s", "1", "-q", pg().conninfo()}, clean_pg_env(), 120s);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto bench = run_command({"pgbench", "-S", "-n", "-T", "3", "-c", "2", "-j", "2",
                            proxy().conninfo("postgres", "postgres", "application_name=e2e_pgbench")},
                           clean_pg_env(), 60s);
  EXPECT_EQ(bench.exit_code, 0) << bench.out << bench.err;
  EXPECT_NE(bench.out.find("number of failed transactions: 0 "), std::string::npos) << bench.out;
  std::smatch processed;
  ASSERT_TRUE(std::regex_search(bench.out, processed, std::regex(R"(actually processed: (\d+))"))) << bench.out;
  EXPECT_GT(std::stoll(processed[1]), 100) << bench.out;
}

}  // namespace
}  // namespace pgsleuth::test::e2e
