#pragma once
// Sends each finding where it belongs: the findings stream, the admin
// endpoint's recent lists, the per-kind counters, and a warning log line
// for query budget overruns (so log-based alerting can fire).

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "analyzers/finding_sink.hpp"

namespace pgsleuth::app {

class FindingRouter : public analyzers::FindingSink {
 public:
  using Recent = std::function<void(const boost::json::object&)>;

  FindingRouter(analyzers::FindingSink& stream, bool write_summaries, Recent recent_findings,
                Recent recent_requests);

  void emit(const boost::json::object& finding) override;
  void set_write_summaries(bool on) { write_summaries_ = on; }
  std::map<std::string, uint64_t> counts_by_kind() const;

 private:
  analyzers::FindingSink& stream_;
  std::atomic<bool> write_summaries_;
  Recent recent_findings_;
  Recent recent_requests_;
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> counts_;
};

}  // namespace pgsleuth::app
