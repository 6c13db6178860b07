#pragma once
// The index advisor: candidates in (from the analysis thread), missing_index
// findings out (to the analysis thread, which writes them through the usual
// rate limit and sinks). It runs on its own thread, so an EXPLAIN never
// delays forwarding or analysis; both directions are bounded queues that
// drop and count when full.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "advisor/advisor_metrics.hpp"
#include "advisor/candidate.hpp"
#include "advisor/reviewer.hpp"
#include "events/spsc_ring.hpp"

namespace pgsleuth::advisor {

class Advisor {
 public:
  static constexpr size_t kQueueCapacity = 256;

  explicit Advisor(ReviewSettings settings);
  ~Advisor();
  Advisor(const Advisor&) = delete;
  Advisor& operator=(const Advisor&) = delete;

  void start();
  // Ends the review under way at its next step (an EXPLAIN runs at most
  // statement_timeout_ms) and joins the thread.
  void stop();

  // Analysis thread only: never waits. False when the queue was full (counted).
  bool submit(Candidate&& candidate);
  // Analysis thread only: hands over each finding made since the last call.
  void take_findings(const std::function<void(findings::Finding&&)>& take);

  // Any thread.
  MetricValues<AdvisorMetric> metrics() const;

 private:
  void run();
  bool wait_until(std::chrono::steady_clock::time_point at);

  Reviewer reviewer_;
  events::SpscRing<Candidate> inbox_{kQueueCapacity};
  events::SpscRing<findings::Finding> outbox_{kQueueCapacity};
  SingleWriterCounters<AdvisorMetric> analysis_counts_;  // written by the analysis thread
  SingleWriterCounters<AdvisorMetric> advisor_counts_;   // written by the advisor thread
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace pgsleuth::advisor
