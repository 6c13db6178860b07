#pragma once
// The analysis stage: statements in, request windows, findings out.
// Single-threaded (the analysis thread owns it); time is passed in so tests
// can drive it with synthetic clocks.

#include <functional>
#include <memory>

#include "analyzers/detection.hpp"
#include "config/config.hpp"
#include "findings/finding_sink.hpp"
#include "statements/analyzed_statement.hpp"

namespace pgsleuth::analyzers {

using events::SteadyTime;
using events::WallTime;
using statements::AnalyzedStatement;

struct AnalyzerStats {
  uint64_t statements = 0;
  uint64_t windows_open = 0;
  uint64_t windows_closed = 0;
  uint64_t findings = 0;
  uint64_t findings_suppressed = 0;  // by max_repeats_per_minute
  uint64_t sink_errors = 0;          // FindingSink::emit threw; the line is lost
};

class Analyzer {
 public:
  Analyzer(const config::AnalysisSettings& settings, findings::FindingSink& sink);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  void on_connection_opened(const events::ConnectionInfoPtr& conn, SteadyTime now);
  void on_connection_closed(const events::ConnectionInfoPtr& conn, SteadyTime now);
  void on_statement(AnalyzedStatement&& stmt);
  // Ends windows that have been quiet long enough; call at least every 100 ms.
  void tick(SteadyTime now);
  // Ends every window (shutdown).
  void close_all(SteadyTime now);
  // New thresholds apply to windows that open after this call.
  void reload(const config::AnalysisSettings& settings);

  AnalyzerStats stats() const;

  // Called with each window as it ends and what its detectors found, before
  // their findings are written (the index advisor's candidates come from here).
  using WindowObserver = std::function<void(const RequestWindow&, const Detections&)>;
  void observe_windows(WindowObserver observer);
  // A finding made outside the windows (the index advisor's, about a
  // statement that passed the allowlist): the rate limit, then the sink.
  void publish(findings::Finding finding, SteadyTime now);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgsleuth::analyzers
