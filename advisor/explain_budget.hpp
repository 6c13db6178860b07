#pragma once
// At most N EXPLAINs in any 60 seconds (advisor.max_explains_per_minute).
// Pure: time is passed in.

#include <chrono>
#include <cstdint>
#include <deque>

namespace pgsleuth::advisor {

class ExplainBudget {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kPeriod{60};

  explicit ExplainBudget(uint32_t per_minute) : per_minute_(per_minute < 1 ? 1 : per_minute) {}

  // When the next EXPLAIN may run: `now` when one is left.
  Clock::time_point next_at(Clock::time_point now) {
    while (!spent_.empty() && now - spent_.front() >= kPeriod) spent_.pop_front();
    return spent_.size() < per_minute_ ? now : spent_.front() + kPeriod;
  }
  void spend(Clock::time_point now) { spent_.push_back(now); }

 private:
  uint32_t per_minute_;
  std::deque<Clock::time_point> spent_;  // at most per_minute_ entries
};

}  // namespace pgsleuth::advisor
