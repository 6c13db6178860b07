#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/config/temp_file.hpp"

namespace pgsleuth::config {
namespace {

using pgsleuth::testing::TempFile;

std::string error_of(const std::string& toml) {
  try {
    load_config_text(toml, "test.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ConfigLoader, ExampleFileEqualsDefaults) {
  const std::string path = std::string(PGSLEUTH_SOURCE_DIR) + "/config/pgsleuth.example.toml";
  const Config loaded = load_config_file(path);
  Config expected;
  expected.config_path = path;
  EXPECT_TRUE(loaded == expected);
  EXPECT_EQ(loaded.config_path, path);
}

TEST(ConfigLoader, ExampleFileDocumentsEveryKey) {
  // The example loads without error (above), so each key in it is a real
  // one; counting them shows none of the 35 the loader reads is missing.
  const std::string path = std::string(PGSLEUTH_SOURCE_DIR) + "/config/pgsleuth.example.toml";
  std::ifstream in(path);
  std::string line;
  int keys = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#' && line[0] != '[' && line.find(" = ") != std::string::npos) ++keys;
  }
  // 13 proxy + 8 TLS + 6 output + 1 instance + 6 window + 6 thresholds + 3 churn + 3 suppress
  // + 1 fingerprint + 3 admin + 2 log + 7 advisor.
  EXPECT_EQ(keys, 60);
}

TEST(ConfigLoader, ReadsEveryKey) {
  const Config c = load_config_text(R"(
[proxy]
listen = "0.0.0.0:7000"
upstream = "[::1]:5433"
threads = 3
buffer_bytes = 8192
connect_timeout_ms = 200
login_timeout_ms = 1500
shutdown_grace_ms = 0
max_connections = 50
event_queue_capacity = 1024
server_lifetime_ms = 1500
[output]
findings = "/tmp/f.jsonl"
request_summaries = true
max_repeats_per_minute = 0
max_routes = 7
store_buffer_findings = 12
findings_copy = "/tmp/copy.jsonl"
[instance]
name = "web-3"
[window]
idle_gap_ms = 250
traceparent_idle_ms = 2000
max_statements = 500
max_fingerprints = 40
max_sample_sql_bytes = 128
max_open_windows = 77
[n_plus_one]
min_repeats = 3
[duplicate_query]
min_repeats = 4
[unbatched_write]
min_repeats = 6
[unbounded_select]
min_rows = 5000000000
[slow_query]
threshold_ms = 20
[query_budget]
max_queries = 9
[connection_churn]
min_connections = 5
max_lifetime_ms = 300
within_s = 60
[suppress]
fingerprints = ["0123456789abcdef"]
tables = ["schema_migrations", "audit.log"]
routes = ["health#check"]
[fingerprint]
cache_bytes = 0
[admin]
listen = "127.0.0.1:9187"
recent_findings = 10
recent_requests = 20
[log]
level = "debug"
format = "json"
)", "all.toml");
  EXPECT_EQ(c.proxy.listen, "0.0.0.0:7000");
  EXPECT_EQ(c.proxy.upstream, "[::1]:5433");
  EXPECT_EQ(c.proxy.threads, 3u);
  EXPECT_EQ(c.proxy.buffer_bytes, 8192u);
  EXPECT_EQ(c.proxy.connect_timeout_ms, 200u);
  EXPECT_EQ(c.proxy.login_timeout_ms, 1500u);
  EXPECT_EQ(c.proxy.shutdown_grace_ms, 0u);
  EXPECT_EQ(c.proxy.max_connections, 50u);
  EXPECT_EQ(c.proxy.event_queue_capacity, 1024u);
  EXPECT_EQ(c.proxy.server_lifetime_ms, 1500u);
  EXPECT_EQ(c.output.findings, "/tmp/f.jsonl");
  EXPECT_TRUE(c.output.request_summaries);
  EXPECT_EQ(c.output.max_repeats_per_minute, 0u);
  EXPECT_EQ(c.output.max_routes, 7u);
  EXPECT_EQ(c.output.store_buffer_findings, 12u);
  EXPECT_EQ(c.output.findings_copy, "/tmp/copy.jsonl");
  EXPECT_EQ(c.instance.name, "web-3");
  EXPECT_EQ(c.analysis.window.idle_gap_ms, 250u);
  EXPECT_EQ(c.analysis.window.traceparent_idle_ms, 2000u);
  EXPECT_EQ(c.analysis.window.max_statements, 500u);
  EXPECT_EQ(c.analysis.window.max_fingerprints, 40u);
  EXPECT_EQ(c.analysis.window.max_sample_sql_bytes, 128u);
  EXPECT_EQ(c.analysis.window.max_open_windows, 77u);
  EXPECT_EQ(c.analysis.n_plus_one.min_repeats, 3u);
  EXPECT_EQ(c.analysis.duplicate_query.min_repeats, 4u);
  EXPECT_EQ(c.analysis.unbatched_write.min_repeats, 6u);
  EXPECT_EQ(c.analysis.unbounded_select.min_rows, 5000000000u);
  EXPECT_EQ(c.analysis.slow_query.threshold_ms, 20u);
  EXPECT_EQ(c.analysis.query_budget.max_queries, 9u);
  EXPECT_EQ(c.analysis.connection_churn.min_connections, 5u);
  EXPECT_EQ(c.analysis.connection_churn.max_lifetime_ms, 300u);
  EXPECT_EQ(c.analysis.connection_churn.within_s, 60u);
  EXPECT_EQ(c.analysis.suppress.fingerprints, std::vector<std::string>{"0123456789abcdef"});
  EXPECT_EQ(c.analysis.suppress.tables, (std::vector<std::string>{"schema_migrations", "audit.log"}));
  EXPECT_EQ(c.analysis.suppress.routes, std::vector<std::string>{"health#check"});
  EXPECT_EQ(c.fingerprint.cache_bytes, 0u);
  EXPECT_EQ(c.admin.listen, "127.0.0.1:9187");
  EXPECT_EQ(c.admin.recent_findings, 10u);
  EXPECT_EQ(c.admin.recent_requests, 20u);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.format, "json");
  // Analysis mirrors the output settings it reads.
  EXPECT_EQ(c.analysis.max_repeats_per_minute, 0u);
}

// Field by field, so that a failure names the key.
void expect_advisor(const AdvisorSettings& got, const AdvisorSettings& want) {
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.user, want.user);
  EXPECT_EQ(got.password_file, want.password_file);
  EXPECT_EQ(got.min_total_ms, want.min_total_ms);
  EXPECT_EQ(got.max_explains_per_minute, want.max_explains_per_minute);
  EXPECT_EQ(got.min_table_rows, want.min_table_rows);
  EXPECT_EQ(got.statement_timeout_ms, want.statement_timeout_ms);
}

// The contract's [advisor] table: every key read, its defaults when absent,
// and a bad value named like any other key's.
TEST(ConfigLoader, ReadsTheAdvisorTable) {
  expect_advisor(load_config_text("[advisor]\n", "empty_advisor.toml").advisor,
                 {.enabled = false, .user = "", .password_file = "", .min_total_ms = 200,
                  .max_explains_per_minute = 30, .min_table_rows = 10000, .statement_timeout_ms = 2000});

  expect_advisor(load_config_text(R"(
[advisor]
enabled = true
user = "advisor"
password_file = "/etc/pgsleuth/advisor.pass"
min_total_ms = 50
max_explains_per_minute = 5
min_table_rows = 500
statement_timeout_ms = 750
)", "advisor.toml").advisor,
                 {.enabled = true, .user = "advisor", .password_file = "/etc/pgsleuth/advisor.pass",
                  .min_total_ms = 50, .max_explains_per_minute = 5, .min_table_rows = 500,
                  .statement_timeout_ms = 750});

  EXPECT_EQ(error_of("[advisor]\nmax_explains_per_minute = 0\n"),
            "test.toml:2: advisor.max_explains_per_minute = 0: must be an integer from 1 to 100000");
  EXPECT_EQ(error_of("[advisor]\nenabled = \"yes\"\n"), "test.toml:2: advisor.enabled = \"yes\": must be true or false");
}

TEST(ConfigLoader, ReadsBothTlsLegs) {
  const Config c = load_config_text(R"(
[client_tls]
sslmode = "verify-full"
cert_file = "/etc/pgsleuth/server.crt"
key_file = "/etc/pgsleuth/server.key"
ca_file = "/etc/pgsleuth/clients.crt"
[server_tls]
sslmode = "verify-ca"
ca_file = "/etc/ssl/rds.pem"
cert_file = "/etc/pgsleuth/me.crt"
key_file = "/etc/pgsleuth/me.key"
)", "t.toml");
  EXPECT_EQ(c.client_tls.sslmode, "verify-full");
  EXPECT_EQ(c.client_tls.cert_file, "/etc/pgsleuth/server.crt");
  EXPECT_EQ(c.client_tls.key_file, "/etc/pgsleuth/server.key");
  EXPECT_EQ(c.client_tls.ca_file, "/etc/pgsleuth/clients.crt");
  EXPECT_EQ(c.server_tls.sslmode, "verify-ca");
  EXPECT_EQ(c.server_tls.ca_file, "/etc/ssl/rds.pem");
  EXPECT_EQ(c.server_tls.cert_file, "/etc/pgsleuth/me.crt");
  EXPECT_EQ(c.server_tls.key_file, "/etc/pgsleuth/me.key");
  EXPECT_EQ(Config{}.client_tls.sslmode, "disable");
  EXPECT_EQ(Config{}.server_tls.sslmode, "prefer");
  // libpq has allow, but the contract's server leg does not.
  EXPECT_THROW(load_config_text("[server_tls]\nsslmode = \"allow\"\n", "t.toml"), ConfigError);
  try {
    load_config_text("[client_tls]\nsslmode = \"on\"\n", "t.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "t.toml:2: client_tls.sslmode = \"on\": must be one of: disable, allow, prefer, "
                           "require, verify-ca, verify-full");
  }
}

TEST(ConfigLoader, EmptyFileGivesBase) {
  Config base;
  base.analysis.n_plus_one.min_repeats = 9;
  const Config c = load_config_text("", "empty.toml", base);
  EXPECT_EQ(c.analysis.n_plus_one.min_repeats, 9u);
  EXPECT_TRUE(c == base);
}

struct ErrorCase {
  const char* toml;
  std::vector<const char*> expected;  // substrings of the one error line
};

TEST(ConfigLoader, EveryErrorNamesKeyValueAndAllowed) {
  const std::vector<ErrorCase> cases = {
      {"[proxy]\nlisen = \"x:1\"\n", {"test.toml:2:", "unknown key proxy.lisen", "listen, upstream"}},
      {"[nplusone]\nmin_repeats = 5\n", {"test.toml:1:", "unknown table nplusone", "n_plus_one"}},
      {"listen = \"127.0.0.1:1\"\n", {"unknown key listen"}},
      {"proxy = 5\n", {"proxy = 5: must be a table"}},
      {"[n_plus_one]\nmin_repeats = 0\n", {"test.toml:2:", "n_plus_one.min_repeats = 0", "from 2 to 4294967295"}},
      {"[n_plus_one]\nmin_repeats = \"5\"\n", {"n_plus_one.min_repeats = \"5\"", "must be an integer"}},
      {"[n_plus_one]\nmin_repeats = 5.0\n", {"n_plus_one.min_repeats = 5.0", "must be an integer"}},
      {"[duplicate_query]\nmin_repeats = 1\n", {"duplicate_query.min_repeats = 1"}},
      {"[unbatched_write]\nmin_repeats = -3\n", {"unbatched_write.min_repeats = -3"}},
      {"[unbounded_select]\nmin_rows = 0\n", {"unbounded_select.min_rows = 0"}},
      {"[slow_query]\nthreshold_ms = -1\n", {"slow_query.threshold_ms = -1", "from 1 to"}},
      {"[query_budget]\nmax_queries = 0\n", {"query_budget.max_queries = 0"}},
      {"[connection_churn]\nwithin_s = 0\n", {"connection_churn.within_s = 0", "from 1 to 86400"}},
      {"[connection_churn]\nmin_connections = 1\n", {"connection_churn.min_connections = 1"}},
      {"[connection_churn]\nmax_lifetime_ms = true\n", {"connection_churn.max_lifetime_ms = true"}},
      {"[window]\nidle_gap_ms = 0\n", {"window.idle_gap_ms = 0"}},
      {"[window]\ntraceparent_idle_ms = 99999999999\n", {"window.traceparent_idle_ms = 99999999999"}},
      {"[window]\nmax_statements = 0\n", {"window.max_statements = 0"}},
      {"[output]\nrequest_summaries = \"yes\"\n", {"output.request_summaries = \"yes\"", "true or false"}},
      {"[output]\nfindings = \"\"\n", {"output.findings = \"\"", "non-empty"}},
      {"[log]\nlevel = \"a\\nb\"\n", {"log.level = \"a\\x0ab\""}},
      {"[output]\nmax_repeats_per_minute = -1\n", {"output.max_repeats_per_minute = -1", "from 0 to"}},
      {"[output]\nmax_routes = 0\n", {"output.max_routes = 0", "from 1 to"}},
      {"[output]\nstore_buffer_findings = 0\n", {"output.store_buffer_findings = 0", "from 1 to 100000000"}},
      {"[output]\nfindings_copy = 1\n", {"output.findings_copy = 1", "must be a string"}},
      {"[instance]\nname = 7\n", {"instance.name = 7", "must be a string"}},
      {"[instance]\nhost = \"a\"\n", {"unknown key instance.host", "allowed in [instance]: name"}},
      {"[proxy]\nlisten = \"127.0.0.1:70000\"\n", {"proxy.listen = \"127.0.0.1:70000\"", "1 to 65535"}},
      {"[proxy]\nupstream = \"::1:5432\"\n", {"proxy.upstream", "[brackets]"}},
      {"[proxy]\nupstream = 5432\n", {"proxy.upstream = 5432", "HOST:PORT"}},
      {"[proxy]\nthreads = 5000\n", {"proxy.threads = 5000", "from 0 to 1024"}},
      {"[proxy]\nbuffer_bytes = 10\n", {"proxy.buffer_bytes = 10"}},
      {"[admin]\nlisten = \"nope\"\n", {"admin.listen = \"nope\""}},
      {"[admin]\nrecent_findings = 0\n", {"admin.recent_findings = 0"}},
      {"[suppress]\nfingerprints = [\"0123456789abcdef\", \"XYZ\"]\n",
       {"suppress.fingerprints[1] = \"XYZ\"", "16-character lowercase hex"}},
      {"[suppress]\ntables = \"users\"\n", {"suppress.tables = \"users\"", "must be an array"}},
      {"[suppress]\nroutes = [1]\n", {"suppress.routes[0] = 1"}},
      {"[fingerprint]\ncache_bytes = -1\n", {"fingerprint.cache_bytes = -1"}},
      {"[log]\nlevel = \"verbose\"\n", {"log.level = \"verbose\"", "trace, debug, info, warn, error, critical, off"}},
      {"[log]\nformat = \"xml\"\n", {"log.format = \"xml\"", "text, json"}},
      {"[proxy\nlisten = 1\n", {"test.toml:1:", "not valid TOML"}},
  };
  for (const ErrorCase& c : cases) {
    const std::string error = error_of(c.toml);
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    for (const char* want : c.expected) {
      EXPECT_NE(error.find(want), std::string::npos) << "toml: " << c.toml << "error: " << error << "\nwanted: " << want;
    }
  }
}

// A quoted key may hold anything, a newline too; the error echoing it
// stays one line.
TEST(ConfigLoader, ErrorEchoingAQuotedKeyIsOneLine) {
  for (const std::string toml : {"[window]\n\"bad\\nkey\" = 1\n", "\"bad\\ntable\" = 1\n",
                                 "[\"bad\\rtable\"]\nx = 1\n", "[window]\n\"tab\\tkey\" = 1\n"}) {
    const std::string error = error_of(toml);
    SCOPED_TRACE(toml);
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.find('\r'), std::string::npos) << error;
    EXPECT_EQ(error.find('\t'), std::string::npos) << error;
    EXPECT_NE(error.find("unknown"), std::string::npos) << error;
    EXPECT_NE(error.find("\\x"), std::string::npos) << error;
  }
}

// Found by fuzz/fuzz_config_loader: toml++ quotes the offending character in
// its description, keys may hold any character, and a table printed as a
// value spans lines.
TEST(ConfigLoader, ErrorsStayOneLineWhateverTheFileHolds) {
  const std::vector<ErrorCase> cases = {
      {"[nplusone]\nmin_ats = n\n\n", {"test.toml:2: not valid TOML", "saw 'n\\x0a'"}},
      {"[\"a\\nb\"]\nx = 1\n", {"unknown table a\\x0ab"}},
      {"[proxy]\n\"lis\\rten\" = 1\n", {"unknown key proxy.lis\\x0dten"}},
      {"[n_plus_one]\nmin_repeats.a = 1\nmin_repeats.b = 2\n", {"n_plus_one.min_repeats = ", "must be an integer"}},
  };
  for (const ErrorCase& c : cases) {
    const std::string error = error_of(c.toml);
    EXPECT_EQ(error.find_first_of("\r\n"), std::string::npos) << error;
    for (const char* want : c.expected) EXPECT_NE(error.find(want), std::string::npos) << error << "\nwanted: " << want;
  }
}

TEST(ConfigLoader, MissingFileIsOneLine) {
  try {
    load_config_file("/nonexistent/pgsleuth.toml");
    FAIL() << "no exception";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/pgsleuth.toml: cannot read config file: No such file or directory");
  }
}

TEST(ConfigLoader, ReloadReadsTheSameFileAgain) {
  TempFile file("[n_plus_one]\nmin_repeats = 7\n[output]\nrequest_summaries = false\n");
  const Config first = load_config_file(file.path());
  EXPECT_EQ(first.analysis.n_plus_one.min_repeats, 7u);
  EXPECT_EQ(first.config_path, file.path());

  std::ofstream(file.path(), std::ios::trunc) << "[n_plus_one]\nmin_repeats = 3\n[output]\nrequest_summaries = true\n";
  const Config second = load_config_file(first.config_path);
  EXPECT_EQ(second.analysis.n_plus_one.min_repeats, 3u);
  EXPECT_TRUE(second.output.request_summaries);

  // A broken file on reload throws; the caller keeps `second`.
  std::ofstream(file.path(), std::ios::trunc) << "[n_plus_one]\nmin_repeats = 0\n";
  EXPECT_THROW(load_config_file(first.config_path), ConfigError);
}

}  // namespace
}  // namespace pgsleuth::config

#include "config/restart_only.hpp"

namespace pgsleuth::config {
namespace {

TEST(RestartOnly, NamesChangedKeysThatAReloadCannotApplyAndNotThresholds) {
  Config running;
  Config next = running;
  next.analysis.n_plus_one.min_repeats = 9;
  next.output.request_summaries = true;
  EXPECT_TRUE(restart_only_changes(running, next).empty());
  next.proxy.upstream = "db:5433";
  next.proxy.server_lifetime_ms = 5;
  next.admin.listen = "127.0.0.1:9000";
  next.output.findings = "/tmp/f.jsonl";
  EXPECT_EQ(restart_only_changes(running, next),
            (std::vector<std::string>{"proxy.upstream", "proxy.server_lifetime_ms", "output.findings", "admin.listen"}));
}

TEST(RestartOnly, TheInstanceNameAndTheStoreBufferNeedARestart) {
  Config running;
  Config next = running;
  next.instance.name = "web-9";
  next.output.store_buffer_findings = 10;
  EXPECT_EQ(restart_only_changes(running, next),
            (std::vector<std::string>{"output.store_buffer_findings", "instance.name"}));
}

}  // namespace
}  // namespace pgsleuth::config
