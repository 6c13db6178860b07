#pragma once
// The analysis thread's half of the advisor: reads each window as it ends
// and hands on the fingerprints worth an EXPLAIN. A SELECT fingerprint is a
// candidate once its executions took advisor.min_total_ms in total over
// all windows (so an N+1's children count together), or at once when a
// window found it slow (slow_query) or unbounded (unbounded_select). Each
// fingerprint is handed on once, and again at most every kResubmitAfter
// when it keeps costing (the advisor then re-explains it only if a table's
// size class changed). Cheap and bounded: it never waits.

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "advisor/candidate.hpp"
#include "analyzers/detection.hpp"

namespace pgsleuth::advisor {

class CandidateFeed {
 public:
  static constexpr std::chrono::minutes kResubmitAfter{10};
  static constexpr size_t kMaxFingerprints = 65536;

  // `submit` takes a candidate without waiting; false: it was dropped.
  CandidateFeed(uint32_t min_total_ms, std::function<bool(Candidate&&)> submit);

  void window_closed(const analyzers::RequestWindow& window, const analyzers::Detections& found);

 private:
  struct Entry {
    double total_ms = 0;
    double since_submit_ms = 0;
    uint64_t count = 0;
    bool submitted = false;
    events::SteadyTime submitted_at{};
  };
  void consider(const analyzers::RequestWindow& window, const analyzers::FingerprintGroup& group, bool flagged);

  double min_total_ms_;
  std::function<bool(Candidate&&)> submit_;
  std::unordered_map<uint64_t, Entry> entries_;
};

// The group's usable samples, slowest execution first: whole texts, no
// parameter that may have been cut (events::kMaxParamBytes).
std::vector<CandidateSample> samples_of(const analyzers::RequestWindow& window,
                                        const analyzers::FingerprintGroup& group);

}  // namespace pgsleuth::advisor
