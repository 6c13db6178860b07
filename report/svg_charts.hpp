#pragma once
// The HTML report's charts, each one inline SVG element (no script, no
// fetch), every label escaped. Each chart has an id and its marks a class,
// so a test (and a stylesheet) can find them.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "report/findings_timeline.hpp"
#include "report/route_rollup.hpp"

namespace pgsleuth::report {

struct Bar {
  std::string label;
  uint64_t value;
};

// Horizontal bars, one per item (class "bar").
void write_bar_chart(std::ostream& out, const std::string& id, const std::string& title, const std::vector<Bar>& bars);

// Per route: a bar to the p95 (class "p95"), a darker one to the p50 (class
// "p50") and a tick at the max (class "max"); `unit` follows the numbers.
enum class RouteMeasure { Statements, DbTime };
void write_route_chart(std::ostream& out, const std::string& id, const std::string& title,
                       const std::vector<RouteStat>& routes, RouteMeasure measure);

// Findings per bucket stacked by kind (class "tl", data-kind), with a
// legend; `kinds` fixes the stacking order and the colours.
void write_timeline_chart(std::ostream& out, const std::string& id, const Timeline& timeline,
                          const std::vector<std::string>& kinds);

}  // namespace pgsleuth::report
