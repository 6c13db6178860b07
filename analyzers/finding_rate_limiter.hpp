#pragma once
// At most N findings per (kind, fingerprint) per minute; the ones held back
// are counted and reported on the next finding written for that key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/statement_event.hpp"

namespace pgsleuth::analyzers {

class FindingRateLimiter {
 public:
  explicit FindingRateLimiter(size_t max_keys = 65536) : max_keys_(max_keys) {}

  // nullopt: hold this finding back. Otherwise write it, carrying the number
  // held back since the last one written. `per_minute` 0 means unlimited.
  std::optional<uint64_t> admit(std::string_view kind, std::string_view fingerprint,
                                uint32_t per_minute, events::SteadyTime now);

  size_t keys() const { return entries_.size(); }

 private:
  struct Entry {
    events::SteadyTime minute_start{};
    uint32_t written = 0;
    uint64_t held_back = 0;
  };
  void make_room(events::SteadyTime now);

  size_t max_keys_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace pgsleuth::analyzers
