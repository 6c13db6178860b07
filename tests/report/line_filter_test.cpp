// --since and --instance: the one filter report, check and baseline apply
// to a file and to a fleet store alike.
#include "report/line_filter.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::report {
namespace {

using namespace std::chrono_literals;

TEST(LineFilter, DurationsAreAPositiveIntegerAndAUnit) {
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("7d"), 7 * 24h);
  for (const char* bad : {"", "s", "0m", "-5m", "5", "5w", "1.5h", "m5", "5 m", "99999999999d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(LineFilter, SinceAndInstanceNarrowEveryKindOfLine) {
  const auto now = std::chrono::system_clock::now();
  SubcommandArgs args;
  args.flags = {{"since", "1h"}, {"instance", "web-1"}};
  const LineFilter filter = line_filter(args, "check", now);

  findings::Finding f;
  f.instance = "web-1";
  f.ts = now - 30min;
  EXPECT_TRUE(filter.matches(f));
  f.ts = now - 2h;
  EXPECT_FALSE(filter.matches(f));
  f.ts = now;
  f.instance = "web-2";
  EXPECT_FALSE(filter.matches(f));

  findings::RouteSummary r;
  r.instance = "web-1";
  r.ts = now;
  EXPECT_TRUE(filter.matches(r));
  findings::RequestSummary q;
  q.ts = now;
  EXPECT_FALSE(filter.matches(q)) << "a line without an instance is no instance's";
  EXPECT_TRUE(LineFilter{}.matches(q));
}

TEST(LineFilter, ABadDurationNamesTheCommandAndTheFlag) {
  SubcommandArgs args;
  args.flags = {{"since", "soon"}};
  try {
    line_filter(args, "report", std::chrono::system_clock::now());
    FAIL() << "no error";
  } catch (const ArgError& e) {
    EXPECT_NE(std::string(e.what()).find("pgsleuth report: --since 'soon'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgsleuth::report
