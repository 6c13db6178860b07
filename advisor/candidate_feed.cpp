#include "advisor/candidate_feed.hpp"

#include <algorithm>

#include "analyzers/suppression.hpp"

namespace pgsleuth::advisor {
namespace {

bool usable(const analyzers::Sample& s) {
  if (!s.sql_whole) return false;
  if (!s.params) return true;
  return std::none_of(s.params->begin(), s.params->end(), [](const auto& p) {
    return p && p->size() >= events::kMaxParamBytes;
  });
}

findings::Window window_of(const analyzers::RequestWindow& window) {
  return {window.id(), std::string(analyzers::to_string(window.source())), window.route()};
}

}  // namespace

std::vector<CandidateSample> samples_of(const analyzers::RequestWindow& window,
                                        const analyzers::FingerprintGroup& group) {
  std::vector<const analyzers::StatementRecord*> records;
  for (const auto i : group.records) records.push_back(&window.records()[i]);
  std::stable_sort(records.begin(), records.end(),
                   [](const auto* a, const auto* b) { return a->duration_ms() > b->duration_ms(); });
  std::vector<CandidateSample> out;
  std::vector<const analyzers::Sample*> taken;
  for (const auto* rec : records) {
    if (out.size() >= Candidate::kMaxSamples) break;
    const analyzers::Sample& s = window.sample_for(group, rec->params_hash);
    if (std::find(taken.begin(), taken.end(), &s) != taken.end() || !usable(s)) continue;
    taken.push_back(&s);
    out.push_back({s.sql, s.params, s.param_types, s.conn, window_of(window), rec->duration_ms()});
  }
  return out;
}

CandidateFeed::CandidateFeed(uint32_t min_total_ms, std::function<bool(Candidate&&)> submit)
    : min_total_ms_(min_total_ms), submit_(std::move(submit)) {}

void CandidateFeed::window_closed(const analyzers::RequestWindow& window, const analyzers::Detections& found) {
  for (const auto& group : window.groups()) {
    bool flagged = false;
    for (const auto& d : found) {
      const auto kind = d.kind();
      flagged = flagged || (d.group == &group && (kind == findings::FindingKind::SlowQuery ||
                                                  kind == findings::FindingKind::UnboundedSelect));
    }
    consider(window, group, flagged);
  }
}

void CandidateFeed::consider(const analyzers::RequestWindow& window, const analyzers::FingerprintGroup& group,
                             bool flagged) {
  const auto& shape = *group.shape;
  if (!shape.parsed || shape.facts.kind != fingerprint::StatementKind::Select) return;
  const auto records = analyzers::eligible_records(window, group, findings::FindingKind::MissingIndex, false);
  if (records.empty()) return;
  auto it = entries_.find(shape.fingerprint);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxFingerprints) return;
    it = entries_.emplace(shape.fingerprint, Entry{}).first;
  }
  Entry& e = it->second;
  const double ms = analyzers::db_time_ms(records);
  e.total_ms += ms;
  e.since_submit_ms += ms;
  e.count += records.size();
  const auto now = window.last_completed();
  const bool due = !e.submitted ? (flagged || e.total_ms >= min_total_ms_)
                                : (now - e.submitted_at >= kResubmitAfter && e.since_submit_ms >= min_total_ms_);
  if (!due) return;
  const analyzers::Suppression allowlist(window.settings().suppress);
  if (allowlist.suppressed(shape.fingerprint_hex, &shape, window.route())) return;
  Candidate c;
  c.samples = samples_of(window, group);
  if (c.samples.empty()) return;  // none of this window's can be explained; maybe the next one's
  c.fingerprint = shape.fingerprint_hex;
  c.normalized = shape.normalized;
  for (const auto* list : {&shape.facts.tables_read, &shape.facts.tables_written}) {
    for (const auto& t : *list) {
      if (std::find(c.tables.begin(), c.tables.end(), t) == c.tables.end()) c.tables.push_back(t);
    }
  }
  c.count = e.count;
  c.total_ms = e.total_ms;
  // Dropped (the advisor is behind) or not, it counts as handed on: the
  // next chance comes after kResubmitAfter, never in a loop.
  submit_(std::move(c));
  e.submitted = true;
  e.submitted_at = now;
  e.since_submit_ms = 0;
}

}  // namespace pgsleuth::advisor
