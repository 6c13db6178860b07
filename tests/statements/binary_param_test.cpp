// Binary parameters as PostgreSQL prints them (the bytes below are what
// the server's *send functions produce for these values).
#include "statements/binary_param.hpp"

#include <gtest/gtest.h>

#include "statements/param_text.hpp"

namespace pgsleuth::statements {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string out;
  for (int c : b) out.push_back(static_cast<char>(c));
  return out;
}

std::string text_of(uint32_t oid, const std::string& b) { return binary_param_text(oid, b).value_or("<none>"); }

TEST(BinaryParam, IntegersBoolAndOid) {
  EXPECT_EQ(text_of(21, bytes({0xff, 0xfe})), "-2");
  EXPECT_EQ(text_of(23, bytes({0, 0, 0, 0x65})), "101");
  EXPECT_EQ(text_of(20, bytes({0xff, 0xff, 0xff, 0xfd, 0xe7, 0x8f, 0x0c, 0x00})), "-8999990272");
  EXPECT_EQ(text_of(26, bytes({0xff, 0xff, 0xff, 0xff})), "4294967295");
  EXPECT_EQ(text_of(16, bytes({1})), "t");
  EXPECT_EQ(text_of(16, bytes({0})), "f");
  EXPECT_EQ(text_of(23, bytes({0, 1})), "<none>") << "a value that does not fit its type";
}

TEST(BinaryParam, Floats) {
  EXPECT_EQ(text_of(700, bytes({0x3f, 0xc0, 0, 0})), "1.5");
  EXPECT_EQ(text_of(701, bytes({0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a})), "0.1");
  EXPECT_EQ(text_of(701, bytes({0x7f, 0xf0, 0, 0, 0, 0, 0, 0})), "Infinity");
  EXPECT_EQ(text_of(701, bytes({0x7f, 0xf8, 0, 0, 0, 0, 0, 0})), "NaN");
}

TEST(BinaryParam, Numeric) {
  // -12.340: 2 digits (12, 3400), weight 0, negative, dscale 3.
  EXPECT_EQ(text_of(1700, bytes({0, 2, 0, 0, 0x40, 0, 0, 3, 0, 12, 0x0d, 0x48})), "-12.340");
  // 123456789: digits 1, 2345, 6789 with weight 2.
  EXPECT_EQ(text_of(1700, bytes({0, 3, 0, 2, 0, 0, 0, 0, 0, 1, 0x09, 0x29, 0x1a, 0x85})), "123456789");
  // 0.0005: one digit 5 at weight -1, dscale 4.
  EXPECT_EQ(text_of(1700, bytes({0, 1, 0xff, 0xff, 0, 0, 0, 4, 0, 5})), "0.0005");
  EXPECT_EQ(text_of(1700, bytes({0, 0, 0, 0, 0, 0, 0, 2})), "0.00");
  EXPECT_EQ(text_of(1700, bytes({0, 0, 0, 0, 0xc0, 0, 0, 0})), "NaN");
}

TEST(BinaryParam, TextTypesAndUuid) {
  EXPECT_EQ(text_of(25, "h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(text_of(1043, "v"), "v");
  EXPECT_EQ(text_of(3802, "\x01{\"a\": 1}"), "{\"a\": 1}");
  EXPECT_EQ(text_of(2950, bytes({0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78,
                                 0x12, 0x34, 0x56, 0x78})),
            "12345678-1234-5678-1234-567812345678");
}

TEST(BinaryParam, DatesTimesAndIntervals) {
  EXPECT_EQ(text_of(1082, bytes({0, 0, 0x22, 0x37})), "2023-12-25");  // 8759 days after 2000-01-01
  EXPECT_EQ(text_of(1082, bytes({0xff, 0xff, 0xff, 0xff})), "1999-12-31");
  EXPECT_EQ(text_of(1082, bytes({0x7f, 0xff, 0xff, 0xff})), "infinity");
  // 13:14:15.5 = 47655500000 us.
  EXPECT_EQ(text_of(1083, bytes({0, 0, 0, 0x0b, 0x18, 0x7d, 0x38, 0xe0})), "13:14:15.5");
  // 2000-01-02 00:00:01 = 86401000000 us.
  EXPECT_EQ(text_of(1114, bytes({0, 0, 0, 0x14, 0x1d, 0xe6, 0xa2, 0x40})), "2000-01-02 00:00:01");
  EXPECT_EQ(text_of(1184, bytes({0, 0, 0, 0x14, 0x1d, 0xe6, 0xa2, 0x40})), "2000-01-02 00:00:01+00");
  EXPECT_EQ(text_of(1114, bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})), "1999-12-31 23:59:59.999999");
  // 3 days 04:00:05: 14405000000 us, 3 days, 0 months.
  EXPECT_EQ(text_of(1186, bytes({0, 0, 0, 0x03, 0x5a, 0x9a, 0xdb, 0x40, 0, 0, 0, 3, 0, 0, 0, 0})), "3 days 04:00:05");
  // 1 year 2 mons, -1 day, +1 hour.
  EXPECT_EQ(text_of(1186, bytes({0, 0, 0, 0, 0xd6, 0x93, 0xa4, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 14})),
            "1 year 2 mons -1 days +01:00:00");
  EXPECT_EQ(text_of(1186, std::string(16, '\0')), "00:00:00");
}

TEST(BinaryParam, ByteaAndUnknownTypesAreHex) {
  EXPECT_FALSE(binary_param_text(17, bytes({0, 0xff})));
  EXPECT_FALSE(binary_param_text(0, bytes({0, 0, 0, 0x65})));
  EXPECT_EQ(param_text(events::BoundParam{false, true, bytes({0, 0xff}), 17}), "\\x00ff");
  EXPECT_EQ(param_text(events::BoundParam{false, true, bytes({0, 0, 0, 0x65}), 23}), "101");
  EXPECT_EQ(param_text(events::BoundParam{false, false, "101", 23}), "101");
}

}  // namespace
}  // namespace pgsleuth::statements
