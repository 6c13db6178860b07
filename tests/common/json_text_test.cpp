#include "common/json_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <boost/json.hpp>

namespace pgsleuth::common {
namespace {

namespace json = boost::json;

TEST(JsonText, DoublesArePlainAndShortest) {
  EXPECT_EQ(json_text(json::value(1.025)), "1.025");
  EXPECT_EQ(json_text(json::value(5.474)), "5.474");
  EXPECT_EQ(json_text(json::value(4.61)), "4.61");
  EXPECT_EQ(json_text(json::value(0.5)), "0.5");
  EXPECT_EQ(json_text(json::value(120.0)), "120");
  EXPECT_EQ(json_text(json::value(0.001)), "0.001");
  // What Boost.JSON itself writes, for contrast.
  EXPECT_EQ(json::serialize(json::value(1.025)), "1.025E0");
}

TEST(JsonText, NonFiniteDoublesAreNull) {
  EXPECT_EQ(json_text(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(json_text(json::value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(json_text(json::value(-std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonText, NestedValuesKeepOrderAndEscaping) {
  json::object o;
  o["z"] = 1;
  o["a"] = json::array{1.5, nullptr, true, "q\"uote\n"};
  o["m"] = json::object{{"d", 2.25}, {"i", -3}, {"u", 18446744073709551615ull}};
  EXPECT_EQ(json_text(o),
            "{\"z\":1,\"a\":[1.5,null,true,\"q\\\"uote\\n\"],\"m\":{\"d\":2.25,\"i\":-3,\"u\":18446744073709551615}}");
  // And it parses back to the same value.
  EXPECT_EQ(json::parse(json_text(o)), json::value(o));
}

TEST(JsonText, AppendAddsToWhatIsThere) {
  std::string out = "prefix ";
  append_json_text(out, json::value(json::array{0.25}));
  EXPECT_EQ(out, "prefix [0.25]");
}

}  // namespace
}  // namespace pgsleuth::common
