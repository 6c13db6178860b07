#pragma once
// Findings and request summaries as the contract's JSON, both ways. The
// field names, their order and their JSON types live here (and in
// json_fields, details_json) and nowhere else in the program.
//
// Writing gives exactly the stream's bytes once common::json_text prints
// the object: integers as a parser returns them (int64), strings valid UTF-8.
//
// Reading is for files: a field absent or null reads as its default. The
// fields `report` and `check` rely on are checked, and one of another type
// is a BadLine naming it; the rest are best effort (another type reads as
// absent), so a file written by another version still reads.

#include <stdexcept>

#include <boost/json/object.hpp>

#include "findings/finding.hpp"
#include "findings/request_summary.hpp"
#include "findings/route_summary.hpp"

namespace pgsleuth::findings {

// A line that is not a finding or request summary per the contract; what()
// says why (without the line number, which a file reader adds).
struct BadLine : std::runtime_error {
  using std::runtime_error::runtime_error;
};

boost::json::object to_json(const Finding& finding);
boost::json::object to_json(const RequestSummary& summary);
boost::json::object to_json(const RouteSummary& summary);

// `line` is a JSON object whose "kind" the caller has read (parse_line in
// findings/parse_line.hpp reads a whole line). Throw BadLine.
Finding finding_from_json(FindingKind kind, const boost::json::object& line);
RequestSummary request_summary_from_json(const boost::json::object& line);
RouteSummary route_summary_from_json(const boost::json::object& line);

}  // namespace pgsleuth::findings
