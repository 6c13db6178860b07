#include "app/finding_router.hpp"

#include <spdlog/spdlog.h>

#include "findings/valid_utf8.hpp"

namespace pgsleuth::app {

FindingRouter::FindingRouter(findings::FindingSink& stream, bool write_summaries, findings::FindingSink& recent,
                             routes::RouteTable& routes)
    : stream_(stream), write_summaries_(write_summaries), recent_(recent), routes_(routes) {}

void FindingRouter::emit(const findings::Finding& finding) {
  {
    std::lock_guard lock(mutex_);
    ++counts_[static_cast<size_t>(finding.kind())];
  }
  if (finding.kind() == findings::FindingKind::QueryBudgetExceeded) {
    const auto route = finding.route();
    spdlog::warn("query budget exceeded: request {} (route {}) ran {} statements",
                 finding.window ? findings::valid_utf8(finding.window->request_id) : "-",
                 route ? findings::valid_utf8(*route) : "-", finding.count);
  }
  routes_.add(finding);
  // A copy: the analyzer's value is const, and findings are few (rate limited).
  findings::Finding stamped = finding;
  stamped.instance = instance_;
  recent_.emit(stamped);
  stream_.emit(stamped);
}

void FindingRouter::emit(const findings::RequestSummary& summary) {
  routes_.add(summary);
  recent_.emit(summary);
  if (!write_summaries_) return;  // one per request: copied only when written
  findings::RequestSummary stamped = summary;
  stamped.instance = instance_;
  stream_.emit(stamped);
}

void FindingRouter::on_clock(findings::WallTime now, bool last) {
  if (!last && now - period_start_ < kRoutePeriod) return;
  period_start_ = now;
  for (auto& summary : routes_.take_period(now)) {
    summary.instance = instance_;
    stream_.emit(summary);
  }
}

std::map<std::string, uint64_t> FindingRouter::counts_by_kind() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, uint64_t> out;
  for (const auto& k : findings::kKinds) out[std::string(k.name)] = counts_[static_cast<size_t>(k.kind)];
  return out;
}

}  // namespace pgsleuth::app
