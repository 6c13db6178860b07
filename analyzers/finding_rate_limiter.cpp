#include "analyzers/finding_rate_limiter.hpp"

#include <fmt/format.h>

namespace pgsleuth::analyzers {

namespace {
constexpr auto kMinute = std::chrono::minutes(1);
}

std::optional<uint64_t> FindingRateLimiter::admit(std::string_view kind,
                                                  std::string_view fingerprint,
                                                  uint32_t per_minute, events::SteadyTime now) {
  auto key = fmt::format("{}/{}", kind, fingerprint);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    make_room(now);
    found = entries_.emplace(std::move(key), Entry{now, 0, 0}).first;
  }
  Entry& e = found->second;
  if (now - e.minute_start >= kMinute) {
    e.minute_start = now;
    e.written = 0;
  }
  if (per_minute != 0 && e.written >= per_minute) {
    ++e.held_back;
    return std::nullopt;
  }
  ++e.written;
  const uint64_t held_back = e.held_back;
  e.held_back = 0;
  return held_back;
}

void FindingRateLimiter::make_room(events::SteadyTime now) {
  if (entries_.size() < max_keys_) return;
  // Forget keys whose minute is over and that hold nothing back; if every
  // key is busy, forget all: the cost is a few findings too many, never memory.
  std::erase_if(entries_, [&](const auto& kv) {
    return now - kv.second.minute_start >= kMinute && kv.second.held_back == 0;
  });
  if (entries_.size() >= max_keys_) entries_.clear();
}

}  // namespace pgsleuth::analyzers
