#include "app/finding_router.hpp"

#include <spdlog/spdlog.h>

namespace pgsleuth::app {

FindingRouter::FindingRouter(analyzers::FindingSink& stream, bool write_summaries,
                             Recent recent_findings, Recent recent_requests)
    : stream_(stream),
      write_summaries_(write_summaries),
      recent_findings_(std::move(recent_findings)),
      recent_requests_(std::move(recent_requests)) {}

void FindingRouter::emit(const boost::json::object& finding) {
  std::string kind;
  if (auto* k = finding.if_contains("kind"); k && k->is_string()) kind = k->as_string().c_str();
  {
    std::lock_guard lock(mutex_);
    ++counts_[kind];
  }
  if (kind == "request_summary") {
    if (recent_requests_) recent_requests_(finding);
    if (write_summaries_) stream_.emit(finding);
    return;
  }
  if (kind == "query_budget_exceeded") {
    auto str = [&](const char* key) -> std::string {
      auto* v = finding.if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string("-");
    };
    auto* count = finding.if_contains("count");
    spdlog::warn("query budget exceeded: request {} (route {}) ran {} statements", str("request_id"),
                 str("route"), count && count->is_int64() ? count->as_int64() : 0);
  }
  if (recent_findings_) recent_findings_(finding);
  stream_.emit(finding);
}

std::map<std::string, uint64_t> FindingRouter::counts_by_kind() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace pgsleuth::app
