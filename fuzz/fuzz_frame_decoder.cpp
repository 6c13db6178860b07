// Frame decoder, either direction: the same bytes fed whole and cut at
// fuzzer-chosen points give the same messages and the same verdict, and each
// message carries exactly the body prefix its direction's table asks for.
// Input: [direction + cut seed][cut seed][stream bytes...].

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "proxy/wire/frame_decoder.hpp"

namespace {

using namespace pgsleuth::wire;

// Sizes of the kind a statement-reading consumer asks for, small enough
// that the fuzzer's inputs cross them.
const CapturePolicy kPolicy{.sql_bytes = 300, .bind_bytes = 200, .data_row_bytes = 100};
const MessageTable& table_for(Direction d) {
  static const MessageTable frontend = make_message_table(Direction::Frontend, kPolicy);
  static const MessageTable backend = make_message_table(Direction::Backend, kPolicy);
  return d == Direction::Frontend ? frontend : backend;
}

struct Recorder : MessageObserver {
  explicit Recorder(Direction d) : table(table_for(d)) {}
  void on_message(const Message& m) override {
    const MessageRule& rule = table[static_cast<uint8_t>(m.type)];
    FUZZ_CHECK(rule.known);
    FUZZ_CHECK(m.body_length + 4 <= rule.max_length);
    FUZZ_CHECK(m.body.size() == std::min(m.body_length, rule.capture_bytes));
    seen.emplace_back(m.type, m.body_length, std::string(m.body));
  }
  const MessageTable& table;
  std::vector<std::tuple<char, uint32_t, std::string>> seen;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Direction direction = (data[0] & 1) ? Direction::Backend : Direction::Frontend;
  uint32_t seed = (data[0] >> 1) | (uint32_t{data[1]} << 7) | 1;
  const std::string_view stream = pgsleuth::fuzz::as_text(data + 2, size - 2);

  FrameDecoder whole(direction, table_for(direction));
  Recorder whole_seen(direction);
  const bool whole_ok = whole.feed(stream, whole_seen);

  FrameDecoder cut(direction, table_for(direction));
  Recorder cut_seen(direction);
  bool cut_ok = true;
  for (std::string_view rest = stream; !rest.empty();) {
    seed = seed * 1103515245u + 12345u;
    const size_t n = std::min<size_t>(rest.size(), 1 + (seed >> 16) % 9);
    cut_ok = cut.feed(rest.substr(0, n), cut_seen);
    rest.remove_prefix(n);
  }

  FUZZ_CHECK(whole_ok == !whole.failed());
  FUZZ_CHECK(cut.failed() == whole.failed());
  FUZZ_CHECK(cut_ok == whole_ok);
  FUZZ_CHECK(cut.error() == whole.error());
  FUZZ_CHECK(cut.messages() == whole.messages());
  FUZZ_CHECK(cut.messages() == cut_seen.seen.size());
  FUZZ_CHECK(cut_seen.seen == whole_seen.seen);
  if (!whole.failed()) FUZZ_CHECK(cut.at_message_boundary() == whole.at_message_boundary());
  return 0;
}
