#pragma once
// Sends each finding where it belongs: the findings stream, the admin
// endpoint's recent lists, the per-kind counters, and a warning log line
// for query budget overruns (so log-based alerting can fire). Request
// summaries always go to the recent list; to the stream only while
// output.request_summaries is on. Both feed the route table, whose
// summaries go to the stream once a minute and at shutdown.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "findings/finding_sink.hpp"
#include "routes/route_table.hpp"

namespace pgsleuth::app {

class FindingRouter : public findings::FindingSink {
 public:
  static constexpr std::chrono::seconds kRoutePeriod{60};

  FindingRouter(findings::FindingSink& stream, bool write_summaries, findings::FindingSink& recent,
                routes::RouteTable& routes);

  void emit(const findings::Finding& finding) override;
  void emit(const findings::RequestSummary& summary) override;
  void on_clock(findings::WallTime now, bool last) override;
  void set_write_summaries(bool on) { write_summaries_ = on; }
  // Every line it passes on carries this name (the contract's `instance`).
  // Set before the analysis thread starts.
  void set_instance(std::string name) { instance_ = std::move(name); }
  // Every kind of the table, 0 when none was seen.
  std::map<std::string, uint64_t> counts_by_kind() const;

 private:
  findings::FindingSink& stream_;
  std::atomic<bool> write_summaries_;
  findings::FindingSink& recent_;
  routes::RouteTable& routes_;
  std::string instance_;
  findings::WallTime period_start_ = std::chrono::system_clock::now();  // the analysis thread's
  mutable std::mutex mutex_;
  std::array<uint64_t, findings::kKindCount> counts_{};
};

}  // namespace pgsleuth::app
