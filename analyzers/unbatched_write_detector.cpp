#include "analyzers/unbatched_write_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

std::string_view batch_advice(fingerprint::StatementKind kind) {
  switch (kind) {
    case fingerprint::StatementKind::Insert:
      return "Insert all rows in one statement: a multi-row VALUES list, "
             "`INSERT ... SELECT * FROM unnest($1::int[], $2::text[])`, or COPY; "
             "ORMs offer bulk_create/insert_all/bulk_insert_mappings.";
    case fingerprint::StatementKind::Delete:
      return "Delete them in one statement: `DELETE ... WHERE id = ANY($1)`.";
    default:
      return "Update them in one statement: `UPDATE ... FROM (VALUES ...) AS v(id, value) "
             "WHERE t.id = v.id`, or `WHERE id = ANY($1)` when they get the same value.";
  }
}

}  // namespace

void detect_unbatched_writes(const RequestWindow& window, Detections& out) {
  const auto min_repeats = std::max<uint32_t>(window.settings().unbatched_write.min_repeats, 2);
  for (const auto& group : window.groups()) {
    if (!is_user_write(*group.shape)) continue;
    const auto writes = eligible_records(window, group, FindingKind::UnbatchedWrite, false);
    if (writes.size() < min_repeats) continue;
    const auto distinct = distinct_params(writes);
    if (distinct < 2) continue;

    auto d = detection_for(findings::UnbatchedWriteDetails{repeat_evidence(writes), distinct}, window, group,
                           *writes.front(), writes);
    d.over_threshold = static_cast<double>(d.count) / min_repeats;
    d.message = fmt::format(
        "{} one row at a time: the same statement on {} ran {} times in one request with {} "
        "different parameter sets.",
        group.shape->facts.kind == fingerprint::StatementKind::Insert ? "Inserted"
                                                                      : "Wrote",
        table_list(*group.shape), d.count, distinct);
    const size_t trips = round_trips(writes);
    d.suggestion = trips > 1 ? fmt::format("{} That saves {} round trips.", batch_advice(group.shape->facts.kind),
                                           trips - 1)
                             : fmt::format("{} They were already pipelined into one round trip, but the server "
                                           "still ran {} statements where one would do.",
                                           batch_advice(group.shape->facts.kind), d.count);
    out.push_back(std::move(d));
  }
}

}  // namespace pgsleuth::analyzers
