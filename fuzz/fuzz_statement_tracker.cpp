// The statement tracker fed a conversation: client and server messages
// interleaved as the fuzzer likes, each framed and decoded as on a real
// connection. Every event it emits stays within the documented bounds.
// Input: records of [ctl: bit 0 = from the server, bits 1-7 = ms elapsed]
// [type][body length, 2 bytes big-endian][body...]; a record whose type its
// direction does not know is skipped, a body too long for its type is cut.

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "proxy/observed_messages.hpp"
#include "proxy/statement_tracker.hpp"
#include "proxy/wire/frame_decoder.hpp"

namespace {

using namespace pgsleuth;
using proxy::StatementTracker;

void check_event(const events::StatementEvent& e) {
  FUZZ_CHECK(e.conn != nullptr);
  FUZZ_CHECK(e.sql->size() <= events::kMaxSqlBytes);
  FUZZ_CHECK(e.params.size() <= events::kMaxParams);
  for (const auto& p : e.params) FUZZ_CHECK(p.value.size() <= events::kMaxParamBytes);
  FUZZ_CHECK(e.cell_hashes.size() <= events::kMaxCellHashes);
  FUZZ_CHECK(e.completed >= e.started || e.started == events::SteadyTime{});
  for (char tx : {e.tx_before, e.tx_after}) FUZZ_CHECK(tx == 'I' || tx == 'T' || tx == 'E');
}

struct Feed : wire::MessageObserver {
  Feed(StatementTracker& t, bool backend, events::SteadyTime& now) : tracker(t), backend(backend), now(now) {}
  void on_message(const wire::Message& m) override {
    if (backend) {
      tracker.on_backend(m, now);
    } else {
      tracker.on_frontend(m, now);
    }
  }
  StatementTracker& tracker;
  bool backend;
  events::SteadyTime& now;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  events::SteadyTime now = events::SteadyTime{} + std::chrono::hours(1);
  StatementTracker tracker(std::make_shared<events::ConnectionInfo>(), check_event);
  wire::FrameDecoder decoders[2] = {
      wire::FrameDecoder(wire::Direction::Frontend, proxy::observed_messages(wire::Direction::Frontend)),
      wire::FrameDecoder(wire::Direction::Backend, proxy::observed_messages(wire::Direction::Backend))};
  Feed feeds[2] = {Feed(tracker, false, now), Feed(tracker, true, now)};
  std::string frame;
  std::string_view in = fuzz::as_text(data, size);
  while (in.size() >= 4) {
    const bool backend = in[0] & 1;
    now += std::chrono::milliseconds(static_cast<uint8_t>(in[0]) >> 1);
    const char type = in[1];
    size_t len = (size_t{static_cast<uint8_t>(in[2])} << 8) | static_cast<uint8_t>(in[3]);
    in.remove_prefix(4);
    len = std::min(len, in.size());
    const std::string_view body = in.substr(0, len);
    in.remove_prefix(len);
    const wire::MessageRule& rule = proxy::observed_messages(backend ? wire::Direction::Backend
                                                                : wire::Direction::Frontend)[static_cast<uint8_t>(type)];
    if (!rule.known) continue;
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(body.size(), rule.max_length - 4));
    frame.assign(1, type);
    for (int shift = 24; shift >= 0; shift -= 8) frame += static_cast<char>((n + 4) >> shift);
    frame.append(body.substr(0, n));
    FUZZ_CHECK(decoders[backend].feed(frame, feeds[backend]));
  }
  tracker.flush();
  FUZZ_CHECK(tracker.tx_status() == 'I' || tracker.tx_status() == 'T' || tracker.tx_status() == 'E');
  return 0;
}
