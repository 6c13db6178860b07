#include <cmath>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <boost/json.hpp>

#include "sinks/json_lines_writer.hpp"

namespace {

using pgsleuth::sinks::JsonLinesWriter;

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         (name + "-" + std::to_string(::getpid()) + ".jsonl");
}

std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(JsonLinesWriter, WritesOneValidObjectPerLineAndFlushesEach) {
  const auto path = temp_path("pgsleuth-sink");
  std::filesystem::remove(path);
  JsonLinesWriter writer(path.string());
  writer.write({{"kind", "n_plus_one"}, {"count", 7}, {"message", "two\nlines \"quoted\""}});
  // Flushed per line: readable before the writer is destroyed.
  ASSERT_EQ(read_lines(path).size(), 1u);
  writer.write({{"kind", "request_summary"}, {"route", nullptr}});

  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  const auto first = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("kind").as_string(), "n_plus_one");
  EXPECT_EQ(first.at("count").as_int64(), 7);
  EXPECT_EQ(first.at("message").as_string(), "two\nlines \"quoted\"");
  const auto second = boost::json::parse(lines[1]).as_object();
  EXPECT_TRUE(second.at("route").is_null());
  EXPECT_EQ(writer.lines_written(), 2u);
  std::filesystem::remove(path);
}

TEST(JsonLinesWriter, WritesDecimalsPlainlyForPeople) {
  const auto path = temp_path("pgsleuth-sink-decimals");
  std::filesystem::remove(path);
  {
    JsonLinesWriter writer(path.string());
    writer.write({{"db_time_ms", 5.474},
                 {"gaps_ms", {{"min", 0.038}, {"max", 1250.5}}},
                 {"whole", 3.0},
                 {"tiny", 1e-9},
                 {"nan", std::nan("")},
                 {"list", {1.5, "x", nullptr, true}}});
  }
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"db_time_ms\":5.474,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"min\":0.038,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"max\":1250.5}"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"nan\":null"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("E0"), std::string::npos) << lines[0];
  // Still JSON, with the same values.
  const auto back = boost::json::parse(lines[0]).as_object();
  EXPECT_DOUBLE_EQ(back.at("db_time_ms").to_number<double>(), 5.474);
  EXPECT_DOUBLE_EQ(back.at("tiny").to_number<double>(), 1e-9);
  EXPECT_DOUBLE_EQ(back.at("whole").to_number<double>(), 3.0);
  EXPECT_EQ(back.at("list").as_array().size(), 4u);
  std::filesystem::remove(path);
}

TEST(JsonLinesWriter, AppendsToAnExistingFile) {
  const auto path = temp_path("pgsleuth-sink-append");
  { std::ofstream(path) << "{\"kind\":\"old\"}\n"; }
  {
    JsonLinesWriter writer(path.string());
    writer.write({{"kind", "new"}});
  }
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(boost::json::parse(lines[1]).as_object().at("kind").as_string(), "new");
  std::filesystem::remove(path);
}

TEST(JsonLinesWriter, UnopenablePathThrowsNamingThePath) {
  const std::string path = "/nonexistent-dir-pgsleuth/findings.jsonl";
  try {
    JsonLinesWriter writer(path);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(JsonLinesWriter, DashMeansStandardOutput) {
  testing::internal::CaptureStdout();
  {
    JsonLinesWriter writer("-");
    writer.write({{"kind", "select_star"}});
  }
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "{\"kind\":\"select_star\"}\n");
}

}  // namespace
