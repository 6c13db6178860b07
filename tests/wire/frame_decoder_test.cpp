#include "proxy/wire/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/wire/wire_builders.hpp"

namespace pgsleuth::wire {
namespace {

using namespace pgsleuth::testing;

struct Collected {
  char type;
  uint32_t body_length;
  std::string body;
};

class Collector : public MessageObserver {
 public:
  void on_message(const Message& m) override { seen.push_back({m.type, m.body_length, std::string(m.body)}); }
  std::vector<Collected> seen;
};

std::string frontend_stream() {
  return query("SELECT 1") + parse("s1", "SELECT $1::int") + bind("", "s1", {"42", std::nullopt}) +
         msg('D', "S" + cstr("s1")) + execute("", 10) + close_stmt('S', "s1") + msg('H', "") + sync() +
         msg('d', std::string(300, 'x')) + msg('c', "") + msg('f', cstr("oops")) + msg('F', be32(1)) +
         msg('p', cstr("secret")) + msg('X', "");
}

std::string backend_stream() {
  return msg('R', be32(0)) + msg('K', be32(7) + be32(99)) + msg('S', cstr("a") + cstr("b")) + ready('I') +
         msg('T', be16(0)) + data_row({"1", std::nullopt}) + command_complete("SELECT 1") + error("42P01") +
         msg('N', "SNOTICE" + std::string(2, '\0')) + msg('A', be32(1) + cstr("ch") + cstr("p")) +
         parse_complete() + bind_complete() + msg('3', "") + msg('n', "") + portal_suspended() + msg('I', "") +
         msg('t', be16(0)) + msg('G', std::string(3, '\0')) + msg('H', std::string(3, '\0')) +
         msg('W', std::string(3, '\0')) + msg('d', "row") + msg('c', "") + msg('V', be32(0)) +
         msg('v', be32(0) + be32(0));
}

// What a consumer that reads statements asks for.
const CapturePolicy kPolicy{.sql_bytes = 4096, .bind_bytes = 4096, .data_row_bytes = 2048};
const MessageTable kFrontendTable = make_message_table(Direction::Frontend, kPolicy);
const MessageTable kBackendTable = make_message_table(Direction::Backend, kPolicy);

std::vector<Collected> decode_all(Direction d, const std::string& bytes, std::vector<size_t> cuts) {
  FrameDecoder dec(d, d == Direction::Frontend ? kFrontendTable : kBackendTable);
  Collector c;
  size_t pos = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    EXPECT_TRUE(dec.feed(std::string_view(bytes).substr(pos, cut - pos), c)) << dec.error();
    pos = cut;
  }
  return c.seen;
}

void expect_same(const std::vector<Collected>& a, const std::vector<Collected>& b, size_t cut) {
  ASSERT_EQ(a.size(), b.size()) << "split at " << cut;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].type, b[i].type) << "split at " << cut;
    EXPECT_EQ(a[i].body_length, b[i].body_length) << "split at " << cut;
    EXPECT_EQ(a[i].body, b[i].body) << "split at " << cut;
  }
}

TEST(FrameDecoder, EveryFrontendTypeDecodes) {
  auto all = decode_all(Direction::Frontend, frontend_stream(), {});
  std::string types;
  for (auto& m : all) types.push_back(m.type);
  EXPECT_EQ(types, "QPBDECHSdcfFpX");
  EXPECT_EQ(all[0].body, cstr("SELECT 1"));
  // Password messages are framed but never captured.
  EXPECT_TRUE(all[12].body.empty());
  EXPECT_EQ(all[12].body_length, 7u);
}

TEST(FrameDecoder, EveryBackendTypeDecodes) {
  auto all = decode_all(Direction::Backend, backend_stream(), {});
  std::string types;
  for (auto& m : all) types.push_back(m.type);
  EXPECT_EQ(types, "RKSZTDCENA123nsItGHWdcVv");
}

TEST(FrameDecoder, SplitAtEveryByteBoundaryGivesTheSameMessages) {
  for (Direction d : {Direction::Frontend, Direction::Backend}) {
    std::string bytes = d == Direction::Frontend ? frontend_stream() : backend_stream();
    auto whole = decode_all(d, bytes, {});
    for (size_t cut = 1; cut < bytes.size(); ++cut) {
      expect_same(whole, decode_all(d, bytes, {cut}), cut);
    }
  }
}

TEST(FrameDecoder, ByteAtATime) {
  std::string bytes = frontend_stream();
  std::vector<size_t> cuts;
  for (size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
  expect_same(decode_all(Direction::Frontend, bytes, {}), decode_all(Direction::Frontend, bytes, cuts), 0);
}

TEST(FrameDecoder, KnowsWhetherTheStreamEndsOnAMessageBoundary) {
  std::string bytes = data_row({"abc"}) + ready('I');
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    FrameDecoder dec(Direction::Backend);
    Collector c;
    ASSERT_TRUE(dec.feed(std::string_view(bytes).substr(0, cut), c));
    const bool boundary = cut == 0 || cut == data_row({"abc"}).size() || cut == bytes.size();
    EXPECT_EQ(dec.at_message_boundary(), boundary) << "cut at " << cut;
  }
}

TEST(FrameDecoder, LargeMessageIsSkippedNotHeld) {
  // A 10 MB CopyData is counted by length; nothing of it is captured.
  FrameDecoder dec(Direction::Backend);
  Collector c;
  std::string header = std::string(1, 'd') + be32(10 * 1024 * 1024 + 4);
  ASSERT_TRUE(dec.feed(header, c));
  std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 160; ++i) ASSERT_TRUE(dec.feed(chunk, c));
  ASSERT_TRUE(dec.feed(ready('I'), c));
  ASSERT_EQ(c.seen.size(), 2u);
  EXPECT_EQ(c.seen[0].body_length, 10u * 1024 * 1024);
  EXPECT_TRUE(c.seen[0].body.empty());
  EXPECT_EQ(c.seen[1].type, 'Z');
}

TEST(FrameDecoder, LargeDataRowCapturesOnlyItsPrefix) {
  std::string big(100000, 'v');
  std::string bytes = msg('D', be16(1) + be32(static_cast<uint32_t>(big.size())) + big);
  for (size_t cut : {size_t{3}, size_t{700}, size_t{50000}}) {
    auto all = decode_all(Direction::Backend, bytes, {cut});
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].body_length, big.size() + 6);
    EXPECT_EQ(all[0].body.size(), 2048u);
  }
}

// The consumer chooses what statement text, parameters and rows cost; the
// framing alone captures none of them, and the protocol's own messages the same.
TEST(FrameDecoder, CapturePolicyIsTheConsumers) {
  const std::string sql(10000, 'q');
  for (const auto* table : {&kFrontendTable, &framing_table(Direction::Frontend)}) {
    FrameDecoder dec(Direction::Frontend, *table);
    Collector c;
    ASSERT_TRUE(dec.feed(query(sql) + execute("", 10), c));
    ASSERT_EQ(c.seen.size(), 2u);
    EXPECT_EQ(c.seen[0].body.size(), table == &kFrontendTable ? 4096u : 0u);
    EXPECT_EQ(c.seen[1].body, c.seen[1].body.substr(0, c.seen[1].body_length));
    EXPECT_EQ(c.seen[1].body.size(), c.seen[1].body_length);
  }
}

TEST(FrameDecoder, UnknownTypeFails) {
  FrameDecoder dec(Direction::Frontend);
  Collector c;
  EXPECT_FALSE(dec.feed(msg('~', "abc"), c));
  EXPECT_NE(dec.error().find("unknown frontend message type"), std::string::npos);
  // Later input is ignored, not re-interpreted.
  EXPECT_FALSE(dec.feed(query("SELECT 1"), c));
  EXPECT_TRUE(c.seen.empty());
}

TEST(FrameDecoder, HostileLengthsFail) {
  for (uint32_t len : {0u, 3u, 0x80000000u, 0xffffffffu, 0x7fffffffu}) {
    FrameDecoder dec(Direction::Frontend);
    Collector c;
    std::string bytes = std::string(1, 'Q') + be32(len) + "SELECT";
    EXPECT_FALSE(dec.feed(bytes, c)) << len;
    EXPECT_NE(dec.error().find("invalid length"), std::string::npos) << len;
  }
  // Sync must be exactly 4.
  FrameDecoder dec(Direction::Frontend);
  Collector c;
  EXPECT_FALSE(dec.feed(std::string(1, 'S') + be32(5) + "x", c));
}

TEST(FrameDecoder, GarbageNeverCrashes) {
  // Deterministic pseudo-random bytes: decoding either fails cleanly or
  // yields messages; it never reads out of bounds (run under ASan too).
  uint64_t x = 88172645463325252ull;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    for (int i = 0; i < 64; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      bytes.push_back(static_cast<char>(x));
    }
    for (Direction d : {Direction::Frontend, Direction::Backend}) {
      FrameDecoder dec(d);
      Collector c;
      dec.feed(bytes, c);
      EXPECT_LE(c.seen.size(), 64u);
    }
  }
}

}  // namespace
}  // namespace pgsleuth::wire
