#include "findings/parse_line.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "findings/json_fields.hpp"

namespace pgsleuth::findings {

Line parse_line(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) throw BadLine(fmt::format("not JSON: {}", ec.message()));
  if (!parsed.is_object()) throw BadLine("not a JSON object");
  const boost::json::object& line = parsed.get_object();

  const std::string kind = json_fields::checked_string(line, "kind").value_or("");
  if (kind.empty()) throw BadLine("field 'kind' is missing");
  if (kind == kRequestSummaryKind) return request_summary_from_json(line);
  if (kind == kRouteSummaryKind) return route_summary_from_json(line);
  if (const auto finding_kind = parse_finding_kind(kind)) return finding_from_json(*finding_kind, line);
  throw BadLine(fmt::format("unknown kind '{}'", kind));
}

}  // namespace pgsleuth::findings
