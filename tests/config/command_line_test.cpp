#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "config/config_loader.hpp"
#include "tests/config/temp_file.hpp"

namespace pgsleuth::config {
namespace {

using pgsleuth::testing::TempFile;

CommandLine parse(std::vector<const char*> words) {
  words.insert(words.begin(), "pgsleuth");
  return parse_command_line(static_cast<int>(words.size()), words.data());
}

std::string usage_error(std::vector<const char*> words) {
  try {
    parse(std::move(words));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CommandLine, NoArgumentsRunsWithDefaults) {
  const CommandLine cl = parse({});
  EXPECT_EQ(cl.command, Command::Run);
  EXPECT_TRUE(cl.config == Config{});
  EXPECT_TRUE(cl.events_path.empty());
}

TEST(CommandLine, EveryFlagBothSpellings) {
  const CommandLine a = parse({"--listen", "0.0.0.0:7000", "--upstream=[::1]:5433", "--findings", "-",
                               "--admin=127.0.0.1:9187", "--log-level", "debug", "--threads=4", "--events", "ev.jsonl"});
  EXPECT_EQ(a.command, Command::Run);
  EXPECT_EQ(a.config.proxy.listen, "0.0.0.0:7000");
  EXPECT_EQ(a.config.proxy.upstream, "[::1]:5433");
  EXPECT_EQ(a.config.output.findings, "-");
  EXPECT_EQ(a.config.admin.listen, "127.0.0.1:9187");
  EXPECT_EQ(a.config.log.level, "debug");
  EXPECT_EQ(a.config.proxy.threads, 4u);
  EXPECT_EQ(a.events_path, "ev.jsonl");

  const CommandLine b = parse({"--findings=out.jsonl", "--listen=127.0.0.1:1"});
  EXPECT_EQ(b.config.output.findings, "out.jsonl");
  EXPECT_EQ(b.config.proxy.listen, "127.0.0.1:1");
}

TEST(CommandLine, TlsFlags) {
  const CommandLine a = parse({"--client-sslmode", "require", "--client-tls-cert=c.crt", "--client-tls-key", "c.key",
                               "--server-sslmode=verify-full"});
  EXPECT_EQ(a.config.client_tls.sslmode, "require");
  EXPECT_EQ(a.config.client_tls.cert_file, "c.crt");
  EXPECT_EQ(a.config.client_tls.key_file, "c.key");
  EXPECT_EQ(a.config.server_tls.sslmode, "verify-full");
  EXPECT_THROW(parse({"--client-sslmode", "yes"}), UsageError);
  EXPECT_THROW(parse({"--server-sslmode", "allow"}), UsageError);
}

TEST(CommandLine, HelpAndVersion) {
  EXPECT_EQ(parse({"--help"}).command, Command::Help);
  EXPECT_EQ(parse({"--listen", "127.0.0.1:1", "--help"}).command, Command::Help);
  EXPECT_EQ(parse({"--version"}).command, Command::Version);
  const std::string help = help_text();
  for (const char* flag : {"--config", "--listen", "--upstream", "--findings", "--admin", "--log-level", "--threads",
                           "--events", "--check-config", "--help", "--version", "report", "check", "baseline"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(CommandLine, SubcommandsKeepTheirArguments) {
  const CommandLine r = parse({"report", "f.jsonl", "--format", "html"});
  EXPECT_EQ(r.command, Command::Report);
  EXPECT_EQ(r.args, (std::vector<std::string>{"f.jsonl", "--format", "html"}));
  EXPECT_EQ(parse({"check", "f.jsonl"}).command, Command::Check);
  const CommandLine b = parse({"baseline"});
  EXPECT_EQ(b.command, Command::Baseline);
  EXPECT_TRUE(b.args.empty());
}

TEST(CommandLine, FlagsOverrideFileOverridesDefaults) {
  TempFile file("[proxy]\nlisten = \"127.0.0.1:7001\"\nupstream = \"127.0.0.1:7002\"\n[n_plus_one]\nmin_repeats = 8\n");
  const CommandLine cl = parse({"--config", file.path().c_str(), "--listen", "127.0.0.1:7003"});
  EXPECT_EQ(cl.config.proxy.listen, "127.0.0.1:7003");          // flag
  EXPECT_EQ(cl.config.proxy.upstream, "127.0.0.1:7002");        // file
  EXPECT_EQ(cl.config.analysis.n_plus_one.min_repeats, 8u);     // file
  EXPECT_EQ(cl.config.output.findings, "-");                    // default
  EXPECT_EQ(cl.config.config_path, file.path());
  // Order on the line does not matter: the flag still wins.
  const CommandLine reversed = parse({"--listen=127.0.0.1:7003", "--config", file.path().c_str()});
  EXPECT_EQ(reversed.config.proxy.listen, "127.0.0.1:7003");
}

TEST(CommandLine, ReloadKeepsFlagOverrides) {
  TempFile file("[proxy]\nlisten = \"127.0.0.1:7001\"\n[slow_query]\nthreshold_ms = 10\n");
  const CommandLine cl = parse({"--config", file.path().c_str(), "--listen", "127.0.0.1:7003"});
  std::ofstream(file.path(), std::ios::trunc) << "[proxy]\nlisten = \"127.0.0.1:7009\"\n[slow_query]\nthreshold_ms = 30\n";
  const Config reloaded = reload_config(cl);
  EXPECT_EQ(reloaded.analysis.slow_query.threshold_ms, 30u);
  EXPECT_EQ(reloaded.proxy.listen, "127.0.0.1:7003");
  std::ofstream(file.path(), std::ios::trunc) << "[slow_query]\nthreshold_ms = 0\n";
  EXPECT_THROW(reload_config(cl), ConfigError);
}

TEST(CommandLine, CheckConfigLoadsOnlyTheFile) {
  TempFile good("[query_budget]\nmax_queries = 12\n");
  const CommandLine cl = parse({"--check-config", good.path().c_str()});
  EXPECT_EQ(cl.command, Command::CheckConfig);
  EXPECT_EQ(cl.config.analysis.query_budget.max_queries, 12u);

  TempFile bad("[query_budget]\nmax_queries = 0\n");
  const std::string error = usage_error({"--check-config", bad.path().c_str()});
  EXPECT_NE(error.find("query_budget.max_queries = 0"), std::string::npos) << error;
}

TEST(CommandLine, BadConfigFileIsAUsageError) {
  TempFile bad("[log]\nlevel = \"loud\"\n");
  const std::string error = usage_error({"--config", bad.path().c_str()});
  EXPECT_NE(error.find("log.level = \"loud\""), std::string::npos) << error;
  EXPECT_NE(usage_error({"--config", "/nonexistent.toml"}).find("/nonexistent.toml: cannot read"), std::string::npos);
}

TEST(CommandLine, EveryErrorNamesTheFlag) {
  const std::vector<std::pair<std::vector<const char*>, std::string>> cases = {
      {{"--bogus"}, "unknown flag --bogus"},
      {{"--bogus=1"}, "unknown flag --bogus"},
      {{"-l"}, "unexpected argument '-l'"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"--listen"}, "flag --listen needs a value"},
      {{"--listen", "--upstream", "127.0.0.1:1"}, "flag --listen needs a value"},
      {{"--listen="}, "flag --listen needs a non-empty value"},
      {{"--listen", "127.0.0.1"}, "--listen '127.0.0.1': expected HOST:PORT"},
      {{"--upstream", "host:0"}, "--upstream 'host:0': port must be a number from 1 to 65535"},
      {{"--admin", "::1:80"}, "--admin '::1:80': an IPv6 address must be written in [brackets]"},
      {{"--log-level", "loud"}, "--log-level 'loud': must be one of: trace, debug"},
      {{"--threads", "-1"}, "--threads '-1': must be an integer"},
      {{"--threads", "many"}, "--threads 'many'"},
      {{"--threads", "2000"}, "--threads '2000'"},
      {{"--help=yes"}, "flag --help takes no value"},
      {{"--config"}, "flag --config needs a value"},
      {{"--events"}, "flag --events needs a value"},
  };
  for (const auto& [words, want] : cases) {
    const std::string error = usage_error(words);
    EXPECT_NE(error.find(want), std::string::npos) << "got: " << error << "\nwanted: " << want;
  }
}

}  // namespace
}  // namespace pgsleuth::config

namespace pgsleuth::config {
namespace {

TEST(CommandLine, AFlagHoldingANewlineIsEchoedOnOneLine) {
  for (const auto& words : {std::vector<const char*>{"--bo\ngus"}, std::vector<const char*>{"--log-level", "lo\nud"},
                            std::vector<const char*>{"stray\r\nline"}}) {
    const std::string error = usage_error(words);
    EXPECT_EQ(error.find_first_of("\r\n"), std::string::npos) << error;
    EXPECT_NE(error.find("\\x0a"), std::string::npos) << error;
  }
}

TEST(CommandLine, NoAnalysisTurnsObservationOff) {
  EXPECT_TRUE(parse_command_line(1, std::vector<const char*>{"pgsleuth"}.data()).config.proxy.analysis);
  std::vector<const char*> words{"pgsleuth", "--no-analysis"};
  const CommandLine cl = parse_command_line(2, words.data());
  EXPECT_FALSE(cl.config.proxy.analysis);
  // It survives a reload like every other flag.
  EXPECT_FALSE(reload_config(cl).proxy.analysis);
  std::vector<const char*> bad{"pgsleuth", "--no-analysis=yes"};
  EXPECT_THROW(parse_command_line(2, bad.data()), UsageError);
}

TEST(CommandLine, ProxyAnalysisKeyInTheFile) {
  pgsleuth::testing::TempFile file("[proxy]\nanalysis = false\n");
  EXPECT_FALSE(load_config_file(file.path()).proxy.analysis);
  pgsleuth::testing::TempFile wrong("[proxy]\nanalysis = \"no\"\n");
  EXPECT_THROW(load_config_file(wrong.path()), ConfigError);
}

}  // namespace
}  // namespace pgsleuth::config
