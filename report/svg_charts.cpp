#include "report/svg_charts.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "findings/finding_kind.hpp"
#include "report/html_text.hpp"
#include "report/renderers.hpp"

namespace pgsleuth::report {
namespace {

constexpr int kWidth = 1120;  // fits a 1280 px window with the page's margins; scales down below

void open_svg(std::ostream& out, const std::string& id, const std::string& title, int height) {
  fmt::print(out,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{0}\" class=\"chart\" role=\"img\" width=\"{1}\" "
             "height=\"{2}\" viewBox=\"0 0 {1} {2}\" aria-label=\"{3}\"><title>{3}</title>\n",
             esc(id), kWidth, height, esc(title));
}

const char* colour_of(const std::string& kind) {
  const auto known = findings::parse_finding_kind(kind);
  return known ? findings::info(*known).colour.data() : "#2e7d32";
}

}  // namespace

void write_bar_chart(std::ostream& out, const std::string& id, const std::string& title, const std::vector<Bar>& bars) {
  constexpr int kLabelWidth = 340, kBarWidth = 680, kRow = 22;
  uint64_t max = 1;
  for (const Bar& b : bars) max = std::max(max, b.value);
  fmt::print(out, "<figure><figcaption>{}</figcaption>\n", esc(title));
  open_svg(out, id, title, static_cast<int>(bars.size()) * kRow + 10);
  int y = 5;
  for (const Bar& b : bars) {
    const int w = std::max(1, static_cast<int>(static_cast<double>(b.value) / static_cast<double>(max) * kBarWidth));
    fmt::print(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{}<title>{}</title></text>",
               kLabelWidth - 8, y + 15, esc(one_line(b.label, 48)), esc(b.label));
    fmt::print(out, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"bar\"/>", kLabelWidth, y + 2, w, kRow - 6);
    fmt::print(out, "<text x=\"{}\" y=\"{}\" class=\"val\">{}</text>\n", kLabelWidth + w + 6, y + 15, b.value);
    y += kRow;
  }
  fmt::print(out, "</svg></figure>\n");
}

void write_route_chart(std::ostream& out, const std::string& id, const std::string& title,
                       const std::vector<RouteStat>& routes, RouteMeasure measure) {
  constexpr int kLabelWidth = 300, kBarWidth = 560, kRow = 26, kTop = 24;
  const auto spread = [measure](const RouteStat& r) -> const findings::Spread& {
    return measure == RouteMeasure::Statements ? r.statements : r.db_time_ms;
  };
  const char* unit = measure == RouteMeasure::Statements ? "" : " ms";
  double max = 0;
  for (const RouteStat& r : routes) max = std::max(max, spread(r).max);
  if (max <= 0) max = 1;
  const auto x_of = [&](double v) { return kLabelWidth + static_cast<int>(v / max * kBarWidth); };

  fmt::print(out, "<figure><figcaption>{}</figcaption>\n", esc(title));
  open_svg(out, id, title, static_cast<int>(routes.size()) * kRow + kTop + 6);
  // A key, so the three marks need no explaining elsewhere.
  fmt::print(out,
             "<rect x=\"{0}\" y=\"6\" width=\"12\" height=\"10\" class=\"p50\"/><text x=\"{1}\" y=\"15\" "
             "class=\"lbl\">p50</text><rect x=\"{2}\" y=\"6\" width=\"12\" height=\"10\" class=\"p95\"/><text "
             "x=\"{3}\" y=\"15\" class=\"lbl\">p95</text><line x1=\"{4}\" y1=\"5\" x2=\"{4}\" y2=\"17\" "
             "class=\"max\"/><text x=\"{5}\" y=\"15\" class=\"lbl\">max, per request</text>\n",
             kLabelWidth, kLabelWidth + 16, kLabelWidth + 50, kLabelWidth + 66, kLabelWidth + 104, kLabelWidth + 110);
  int y = kTop;
  for (const RouteStat& r : routes) {
    const findings::Spread& s = spread(r);
    fmt::print(out, "<g class=\"route\"><title>{}: {} request{}, p50 {}{}, p95 {}{}, max {}{}</title>", esc(r.route),
               r.requests, r.requests == 1 ? "" : "s", number(s.p50), unit, number(s.p95), unit, number(s.max), unit);
    fmt::print(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{}</text>", kLabelWidth - 8, y + 17,
               esc(one_line(r.route, 44)));
    fmt::print(out, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"p95\"/>", kLabelWidth, y + 4,
               std::max(1, x_of(s.p95) - kLabelWidth), kRow - 8);
    fmt::print(out, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"p50\"/>", kLabelWidth, y + 4,
               std::max(1, x_of(s.p50) - kLabelWidth), kRow - 8);
    fmt::print(out, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"max\"/>", x_of(s.max), y + 1, y + kRow - 1);
    fmt::print(out, "<text x=\"{}\" y=\"{}\" class=\"val\">p50 {} · p95 {} · max {}{} · {} req</text></g>\n",
               kLabelWidth + kBarWidth + 18, y + 17, number(s.p50), number(s.p95), number(s.max), unit, r.requests);
    y += kRow;
  }
  fmt::print(out, "</svg></figure>\n");
}

void write_timeline_chart(std::ostream& out, const std::string& id, const Timeline& t,
                          const std::vector<std::string>& kinds) {
  constexpr int kLeft = 56, kRight = 16, kTop = 12, kPlot = 180, kBottom = 34;
  constexpr int kPlotWidth = kWidth - kLeft - kRight;
  uint64_t peak = 0;
  for (const TimelineBucket& b : t.buckets) peak = std::max(peak, b.total);
  const uint64_t top = std::max<uint64_t>(peak, 1);
  const std::string per = t.width.count() == 1 ? "minute" : fmt::format("{} minutes", t.width.count());
  const std::string title = fmt::format("Findings per {} by kind (UTC)", per);

  fmt::print(out, "<figure><figcaption>{}</figcaption>\n", esc(title));
  open_svg(out, id, title, kTop + kPlot + kBottom);
  // Axes, and the peak so the scale can be read.
  fmt::print(out,
             "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"axis\"/><line x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" "
             "y2=\"{1}\" class=\"axis\"/><line x1=\"{0}\" y1=\"{3}\" x2=\"{2}\" y2=\"{3}\" class=\"grid\"/>"
             "<text x=\"{4}\" y=\"{5}\" text-anchor=\"end\" class=\"lbl\">{6}</text><text x=\"{4}\" y=\"{7}\" "
             "text-anchor=\"end\" class=\"lbl\">0</text>\n",
             kLeft, kTop + kPlot, kLeft + kPlotWidth, kTop, kLeft - 6, kTop + 4, top, kTop + kPlot + 4);
  const size_t n = t.buckets.size();
  const double column = static_cast<double>(kPlotWidth) / static_cast<double>(std::max<size_t>(n, 1));
  // A short run has few buckets: capped so one minute is not a wall of colour.
  const double bar = std::clamp(column * 0.8, 1.0, 36.0);
  // About six time labels, the first with its date.
  const size_t label_every = std::max<size_t>(1, (n + 5) / 6);
  for (size_t i = 0; i < n; ++i) {
    const TimelineBucket& b = t.buckets[i];
    const double x = kLeft + static_cast<double>(i) * column + (column - bar) / 2;
    double y = kTop + kPlot;
    for (const std::string& kind : kinds) {
      const auto it = b.by_kind.find(kind);
      if (it == b.by_kind.end()) continue;
      const double h = static_cast<double>(it->second) / static_cast<double>(top) * kPlot;
      y -= h;
      fmt::print(out,
                 "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" class=\"tl\" "
                 "data-kind=\"{}\"><title>{}: {} {}</title></rect>",
                 x, y, bar, std::max(h, 0.5), colour_of(kind), esc(kind), minute_label(b.start), it->second,
                 esc(kind));
    }
    if (i % label_every == 0) {
      const std::string label = minute_label(b.start);
      fmt::print(out, "<text x=\"{:.1f}\" y=\"{}\" class=\"lbl\">{}</text>", x, kTop + kPlot + 16,
                 i == 0 ? label : label.substr(11));
    }
    fmt::print(out, "\n");
  }
  if (peak == 0) {
    fmt::print(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"empty\">no findings in these {} "
                    "bucket{}</text>\n",
               kLeft + kPlotWidth / 2, kTop + kPlot / 2, n, n == 1 ? "" : "s");
  }
  fmt::print(out, "</svg>\n<ul class=\"legend\">");
  for (const std::string& kind : kinds) {
    fmt::print(out, "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>", colour_of(kind), esc(kind));
  }
  fmt::print(out, "</ul></figure>\n");
}

}  // namespace pgsleuth::report
