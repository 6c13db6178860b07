#pragma once
// What a detector found in one window, before it becomes a finding: the
// builder adds the common fields, severity and rate limiting.

#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/request_window.hpp"
#include "findings/details.hpp"
#include "findings/finding.hpp"

namespace pgsleuth::analyzers {

using findings::FindingKind;

struct Detection {
  findings::Details details;  // the kind's own fields; their type is the kind
  const FingerprintGroup* group = nullptr;  // null: not tied to one statement
  const Sample* sample = nullptr;
  // For findings not tied to a statement (connection_churn): a stable
  // 16-hex key, so rate limiting and allowlists still have one to use.
  std::optional<std::string> fingerprint;
  // For a detection written after its window ended (a fan-out over
  // connections, or a window's own N+1 held for one): the request it
  // belongs to, and whether that window was cut short.
  std::optional<findings::Window> request;
  bool request_truncated = false;
  uint64_t count = 0;
  double db_time_ms = 0;
  // How far past its threshold the finding is (count / min_repeats, rows /
  // min_rows, ...): with db_time_ms it decides severity.
  double over_threshold = 1;
  std::string message;
  std::string suggestion;

  FindingKind kind() const { return findings::kind_of(details); }
};

using Detections = std::vector<Detection>;

// The records of `group` a detector of `kind` may count: not silenced by an
// inline marker and, unless `include_failed`, not failed.
std::vector<const StatementRecord*> eligible_records(const RequestWindow& window,
                                                     const FingerprintGroup& group,
                                                     FindingKind kind, bool include_failed);

// Sum of the records' server time, in milliseconds.
double db_time_ms(const std::vector<const StatementRecord*>& records);

// The records' parameter-set hashes, sorted (equal sets side by side): one
// buffer for a window of thousands of executions, not a hash set's node a value.
std::vector<uint64_t> sorted_param_hashes(const std::vector<const StatementRecord*>& records);

// Number of distinct parameter sets among the records.
size_t distinct_params(const std::vector<const StatementRecord*>& records);

// "comments" or "comments, posts": the tables a message names.
std::string table_list(const fingerprint::StatementShape& shape);

// Milliseconds rounded to microseconds, as findings carry them.
double round_ms(double ms);

}  // namespace pgsleuth::analyzers

namespace pgsleuth::analyzers {

// The quiet time between one repeat's completion and the next one's start,
// in ms. Tight gaps mean a loop in the application.
findings::Gaps gap_stats(const std::vector<const StatementRecord*>& records);

// The evidence every repeat finding carries: count-independent numbers a
// person needs to believe it (time spent, gaps, round trips a batch saves).
findings::RepeatEvidence repeat_evidence(const std::vector<const StatementRecord*>& records);
// Round trips the executions took: pipelined ones share their predecessor's.
size_t round_trips(const std::vector<const StatementRecord*>& records);

}  // namespace pgsleuth::analyzers

namespace pgsleuth::analyzers {

// A detection of `details`' kind about `records` of `group`: count, server
// time, and the sample quoting `quoted`'s parameters.
Detection detection_for(findings::Details details, const RequestWindow& window,
                        const FingerprintGroup& group, const StatementRecord& quoted,
                        const std::vector<const StatementRecord*>& records);

}  // namespace pgsleuth::analyzers
