#pragma once
// The one owner of everything that spans connections: it drains the I/O
// threads' event queues, fingerprints, feeds the analyzer and its timer,
// and writes findings. Forwarding never waits for it.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin/latency_histogram.hpp"
#include "advisor/advisor.hpp"
#include "advisor/candidate_feed.hpp"
#include "analyzers/analyzer.hpp"
#include "app/event_log.hpp"
#include "statements/statement_builder.hpp"
#include "config/config.hpp"
#include "events/spsc_ring.hpp"

namespace pgsleuth::app {

struct AnalysisMetrics {
  std::map<std::string, uint64_t> statements_by_kind;
  uint64_t statement_errors = 0;
  fingerprint::CacheStats cache;
  analyzers::AnalyzerStats analyzer;
  uint64_t dropped_at_shutdown = 0;  // queued when the drain time ran out
};

class AnalysisThread {
 public:
  struct Options {
    config::AnalysisSettings settings;
    uint64_t cache_bytes = 4 * 1024 * 1024;
    std::string events_path;  // empty: no debug stream
    // The index advisor (advisor.enabled): fed from windows as they end,
    // its findings written from here. Null: off.
    advisor::Advisor* advisor = nullptr;
    uint32_t advisor_min_total_ms = 200;
  };

  AnalysisThread(std::vector<events::SpscRing<events::Event>*> queues, Options options,
                 findings::FindingSink& sink);
  ~AnalysisThread();

  void start();
  // Drains what is queued for at most `drain_budget`, drops (and logs the
  // count of) what is left after it, ends every window, flushes. Joins the
  // thread. A backlog of slow statements must not keep the process from
  // exiting; a supervisor would kill it and lose every finding.
  void stop(std::chrono::milliseconds drain_budget = std::chrono::seconds(5));
  // Thread-safe; applied on the analysis thread before the next event.
  void reload(const config::AnalysisSettings& settings);
  AnalysisMetrics metrics() const;
  const admin::LatencyHistogram& statement_durations() const { return durations_; }
  const advisor::Advisor* advisor() const { return options_.advisor; }

 private:
  void run();
  size_t drain();
  bool drain_overdue() const;
  size_t drop_queued();
  void handle(events::Event&& ev);
  void publish_metrics();
  void clock_sinks(bool last);
  void take_advice();

  std::vector<events::SpscRing<events::Event>*> queues_;
  Options options_;
  findings::FindingSink& sink_;
  std::unique_ptr<analyzers::Analyzer> analyzer_;
  statements::StatementBuilder builder_;
  std::unique_ptr<EventLog> event_log_;
  std::unique_ptr<advisor::CandidateFeed> advisor_feed_;
  AnalysisMetrics local_;
  admin::LatencyHistogram durations_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point drain_deadline_;  // written before stopping_

  mutable std::mutex mutex_;  // guards the two below; never taken by I/O threads
  AnalysisMetrics published_;
  std::optional<config::AnalysisSettings> pending_reload_;
};

}  // namespace pgsleuth::app
