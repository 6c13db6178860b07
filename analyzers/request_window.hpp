#pragma once
// One request window: the statements of one request, kept in bounded form
// until the window ends and the detectors read it.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzers/request_boundary.hpp"
#include "statements/analyzed_statement.hpp"
#include "config/config.hpp"

namespace pgsleuth::analyzers {

using events::SteadyTime;
using events::WallTime;
using statements::AnalyzedStatement;

using SettingsPtr = std::shared_ptr<const config::AnalysisSettings>;

enum class WindowSource : uint8_t { Traceparent, Transaction, IdleGap };
std::string_view to_string(WindowSource source);

// One concrete statement a finding can quote.
struct Sample {
  std::string sql;  // cut to max_sample_sql_bytes
  std::optional<std::vector<std::optional<std::string>>> params;
  events::ConnectionInfoPtr conn;
  uint64_t params_hash = 0;
  // For the index advisor, which explains the statement again: whether
  // `sql` is the whole text, and the client's parameter type OIDs.
  bool sql_whole = true;
  std::vector<uint32_t> param_types;
};

// One tracked execution, without its text (the group holds samples).
struct StatementRecord {
  uint32_t index = 0;  // in RequestWindow::records(), i.e. window order
  uint32_t group = 0;
  SteadyTime started{};
  SteadyTime completed{};
  uint64_t params_hash = 0;
  uint64_t result_hash = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::vector<uint64_t> value_hashes;
  uint32_t ignore_mask = 0;  // FindingKind bits silenced by an inline marker
  bool failed = false;

  double duration_ms() const;
};

// Every tracked execution of one fingerprint in the window.
struct FingerprintGroup {
  std::shared_ptr<const fingerprint::StatementShape> shape;
  std::vector<uint32_t> records;  // indexes into RequestWindow::records()
  std::vector<Sample> samples;    // the first few distinct parameter sets
};

class RequestWindow {
 public:
  // Few samples per fingerprint: enough to quote the duplicated parameters.
  static constexpr size_t kMaxSamplesPerGroup = 8;
  // Returned cell hashes remembered for parent detection.
  static constexpr size_t kMaxCellHashes = 16384;

  RequestWindow(uint64_t seq, std::string id, WindowSource source, SettingsPtr settings,
                SteadyTime opened);

  void add(const AnalyzedStatement& stmt);

  uint64_t seq() const { return seq_; }
  const std::string& id() const { return id_; }
  WindowSource source() const { return source_; }
  const config::AnalysisSettings& settings() const { return *settings_; }
  const std::optional<std::string>& route() const { return route_; }
  SteadyTime opened() const { return opened_; }
  SteadyTime last_completed() const { return last_completed_; }
  WallTime last_completed_wall() const { return last_completed_wall_; }
  const events::ConnectionInfoPtr& first_conn() const { return first_conn_; }
  // The fingerprint of the window's first statement of user tables (not
  // SET/SHOW, transaction control or a driver's probes at connect).
  const std::optional<uint64_t>& head_fingerprint() const { return head_fingerprint_; }
  // The gaps before its statements other than the head's repeats.
  const GapRhythm& rhythm() const { return rhythm_; }
  // Every statement since the head was the head again (a loop of it so
  // far), and the parameters of the last of them.
  bool head_run_only() const { return head_run_only_; }
  uint64_t last_head_params() const { return last_head_params_; }
  // Since the head last ran, a SELECT's parameter was a cell the head
  // returned: its rows were used, as a request uses its parent's.
  bool head_rows_used() const { return head_rows_used_; }

  uint64_t statement_count() const { return statement_count_; }
  double db_time_ms() const { return db_time_ms_; }
  uint64_t rows() const { return rows_; }
  bool truncated() const { return truncated_; }

  const std::deque<StatementRecord>& records() const { return records_; }
  const std::vector<FingerprintGroup>& groups() const { return groups_; }
  // The sample with these parameters if one was kept, else the group's first.
  const Sample& sample_for(const FingerprintGroup& group, uint64_t params_hash) const;
  // Index of the earliest record that returned a cell with this value hash.
  std::optional<uint32_t> cell_producer(uint64_t value_hash) const;
  // Every remembered cell value hash, with the earliest record returning it.
  const std::unordered_map<uint64_t, uint32_t>& cell_producers() const { return cell_producers_; }

 private:
  std::optional<uint32_t> group_for(const AnalyzedStatement& stmt);
  void keep_sample(FingerprintGroup& group, const AnalyzedStatement& stmt, uint64_t params_hash);
  void remember_cells(const AnalyzedStatement& stmt, uint32_t record_index);
  bool fed_by_head(const AnalyzedStatement& stmt) const;

  uint64_t seq_;
  std::string id_;
  WindowSource source_;
  SettingsPtr settings_;
  SteadyTime opened_;
  SteadyTime last_completed_{};
  WallTime last_completed_wall_{};
  std::optional<std::string> route_;
  events::ConnectionInfoPtr first_conn_;
  std::optional<uint64_t> head_fingerprint_;
  GapRhythm rhythm_;
  bool head_run_only_ = true;
  uint64_t last_head_params_ = 0;
  bool head_rows_used_ = false;

  uint64_t statement_count_ = 0;
  double db_time_ms_ = 0;
  uint64_t rows_ = 0;
  bool truncated_ = false;

  // A deque: a long window (a batch job, a benchmark) grows to thousands of
  // records, and a vector's doubling copied them and faulted in fresh pages
  // each time (measured: a fifth of the analysis thread on pgbench -S).
  std::deque<StatementRecord> records_;
  std::vector<FingerprintGroup> groups_;
  std::unordered_map<uint64_t, uint32_t> group_by_fingerprint_;
  std::unordered_map<uint64_t, uint32_t> cell_producers_;
};

// Milliseconds between two steady time points, never negative.
double elapsed_ms(SteadyTime from, SteadyTime to);

// Hash of a whole parameter set; equal sets hash equal.
uint64_t params_hash(const std::vector<uint64_t>& value_hashes);

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string cut_utf8(std::string_view text, size_t max_bytes);

}  // namespace pgsleuth::analyzers
