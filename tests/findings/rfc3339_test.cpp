#include <gtest/gtest.h>

#include "findings/rfc3339.hpp"

namespace pgsleuth::findings {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const WallTime kT = WallTime{} + seconds(1700000000) + milliseconds(7);

TEST(Rfc3339, WritesUtcWithMillisecondsAndReadsItBack) {
  EXPECT_EQ(rfc3339(kT), "2023-11-14T22:13:20.007Z");
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20.007Z"), kT);
  EXPECT_EQ(parse_rfc3339(rfc3339(WallTime{})), WallTime{});
}

TEST(Rfc3339, ReadsOtherFractionsAndOffsets) {
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20Z"), kT - milliseconds(7));
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20.007000Z"), kT);
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20.007+00:00"), kT);
  EXPECT_EQ(parse_rfc3339("2023-11-15T00:13:20.007+02:00"), kT);
  EXPECT_EQ(parse_rfc3339("2023-11-14T21:43:20.007-00:30"), kT);
}

TEST(Rfc3339, RefusesWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2023-11-14", "2023-11-14T22:13:20", "2023-02-30T00:00:00Z",
                          "2023-11-14T25:00:00Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20Zjunk",
                          "2023-1-14T22:13:20Z", "-023-11-14T22:13:20Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

// Found by fuzz_findings_reader: year 4048 overflowed the nanosecond time
// point (UBSan: signed integer overflow in <chrono>).
TEST(Rfc3339, RefusesYearsNoTimePointHolds) {
  for (const char* far : {"4048-05-01T12:00:00.000Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(far)) << far;
  }
  EXPECT_TRUE(parse_rfc3339("2200-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace pgsleuth::findings
