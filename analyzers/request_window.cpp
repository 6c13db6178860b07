#include "analyzers/request_window.hpp"

#include <algorithm>

#include "analyzers/statement_filters.hpp"
#include "events/value_hash.hpp"
#include "findings/finding_kind.hpp"

namespace pgsleuth::analyzers {

std::string_view to_string(WindowSource source) {
  switch (source) {
    case WindowSource::Traceparent: return "traceparent";
    case WindowSource::Transaction: return "transaction";
    case WindowSource::IdleGap: return "idle_gap";
  }
  return "idle_gap";
}

double elapsed_ms(SteadyTime from, SteadyTime to) {
  if (to <= from) return 0;
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double StatementRecord::duration_ms() const { return elapsed_ms(started, completed); }

uint64_t params_hash(const std::vector<uint64_t>& value_hashes) {
  return events::value_hash(std::string_view(reinterpret_cast<const char*>(value_hashes.data()),
                                             value_hashes.size() * sizeof(uint64_t)));
}

std::string cut_utf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Step back over continuation bytes so the cut lands on a sequence start.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

namespace {

uint32_t ignore_mask_of(const AnalyzedStatement& stmt) {
  if (stmt.ignore_all) return findings::kAllKindsMask;
  uint32_t mask = 0;
  for (const auto& name : stmt.ignore_kinds) {
    if (auto kind = findings::parse_finding_kind(name)) mask |= findings::kind_bit(*kind);
  }
  return mask;
}

}  // namespace

RequestWindow::RequestWindow(uint64_t seq, std::string id, WindowSource source,
                             SettingsPtr settings, SteadyTime opened)
    : seq_(seq), id_(std::move(id)), source_(source), settings_(std::move(settings)),
      opened_(opened), last_completed_(opened) {}

void RequestWindow::add(const AnalyzedStatement& stmt) {
  // Gaps before the head's repeats may be between requests (merged ones);
  // only the others are surely inside one.
  if (statement_count_ > 0 && head_fingerprint_ && stmt.shape &&
      stmt.shape->fingerprint != *head_fingerprint_) {
    rhythm_.add(elapsed_ms(last_completed_, stmt.event.started));
  }
  if (!head_fingerprint_ && stmt.shape && !is_session_control(*stmt.shape) &&
      touches_user_table(*stmt.shape)) {
    head_fingerprint_ = stmt.shape->fingerprint;
  }
  if (head_fingerprint_ && stmt.shape) {
    if (stmt.shape->fingerprint == *head_fingerprint_) {
      last_head_params_ = params_hash(stmt.value_hashes);
      head_rows_used_ = false;
    } else {
      head_run_only_ = false;
      // Reads only: a write by the head's id (read, update, read again) is
      // the same request keeping its row, not a child loaded from it.
      head_rows_used_ =
          head_rows_used_ || (stmt.shape->facts.kind == fingerprint::StatementKind::Select && fed_by_head(stmt));
    }
  }
  ++statement_count_;
  db_time_ms_ += elapsed_ms(stmt.event.started, stmt.event.completed);
  rows_ += stmt.event.rows;
  last_completed_ = std::max(last_completed_, stmt.event.completed);
  last_completed_wall_ = std::max(last_completed_wall_, stmt.event.completed_wall);
  if (!first_conn_) first_conn_ = stmt.event.conn;
  if (!route_ && stmt.route) route_ = stmt.route;

  if (!stmt.shape) return;  // nothing to group it by; counted above
  // Beyond the caps a statement is counted above but not tracked.
  const auto group_index =
      records_.size() < settings_->window.max_statements ? group_for(stmt) : std::nullopt;
  if (!group_index) {
    truncated_ = true;
    return;
  }
  const auto record_index = static_cast<uint32_t>(records_.size());
  StatementRecord rec;
  rec.index = record_index;
  rec.group = *group_index;
  rec.started = stmt.event.started;
  rec.completed = stmt.event.completed;
  rec.params_hash = params_hash(stmt.value_hashes);
  rec.result_hash = stmt.event.result_hash;
  rec.rows = stmt.event.rows;
  rec.bytes = stmt.event.bytes;
  rec.value_hashes = stmt.value_hashes;
  rec.ignore_mask = ignore_mask_of(stmt);
  rec.failed = !stmt.event.sqlstate.empty();
  auto& group = groups_[*group_index];
  group.records.push_back(record_index);
  keep_sample(group, stmt, rec.params_hash);
  records_.push_back(std::move(rec));
  remember_cells(stmt, record_index);
}

std::optional<uint32_t> RequestWindow::group_for(const AnalyzedStatement& stmt) {
  const auto found = group_by_fingerprint_.find(stmt.shape->fingerprint);
  if (found != group_by_fingerprint_.end()) return found->second;
  if (groups_.size() >= settings_->window.max_fingerprints) return std::nullopt;
  const auto index = static_cast<uint32_t>(groups_.size());
  groups_.push_back(FingerprintGroup{stmt.shape, {}, {}});
  group_by_fingerprint_.emplace(stmt.shape->fingerprint, index);
  return index;
}

void RequestWindow::keep_sample(FingerprintGroup& group, const AnalyzedStatement& stmt,
                                uint64_t hash) {
  if (group.samples.size() >= kMaxSamplesPerGroup) return;
  for (const auto& s : group.samples) {
    if (s.params_hash == hash) return;
  }
  Sample sample;
  sample.sql = cut_utf8(stmt.sql, settings_->window.max_sample_sql_bytes);
  sample.params = stmt.sample_params;
  sample.conn = stmt.event.conn;
  sample.params_hash = hash;
  sample.sql_whole = sample.sql.size() == stmt.sql.size();
  if (stmt.event.extended) {
    for (const auto& p : stmt.event.params) sample.param_types.push_back(p.type_oid);
  }
  group.samples.push_back(std::move(sample));
}

void RequestWindow::remember_cells(const AnalyzedStatement& stmt, uint32_t record_index) {
  for (const auto cell : stmt.event.cell_hashes) {
    if (cell_producers_.size() >= kMaxCellHashes) return;
    cell_producers_.emplace(cell, record_index);  // keeps the earliest producer
  }
}

bool RequestWindow::fed_by_head(const AnalyzedStatement& stmt) const {
  const auto head = group_by_fingerprint_.find(*head_fingerprint_);
  if (head == group_by_fingerprint_.end()) return false;
  for (const auto value : stmt.value_hashes) {
    const auto producer = cell_producer(value);
    if (producer && records_[*producer].group == head->second) return true;
  }
  return false;
}

const Sample& RequestWindow::sample_for(const FingerprintGroup& group, uint64_t hash) const {
  for (const auto& s : group.samples) {
    if (s.params_hash == hash) return s;
  }
  return group.samples.front();
}

std::optional<uint32_t> RequestWindow::cell_producer(uint64_t value_hash) const {
  const auto found = cell_producers_.find(value_hash);
  if (found == cell_producers_.end()) return std::nullopt;
  return found->second;
}

}  // namespace pgsleuth::analyzers
