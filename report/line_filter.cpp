#include "report/line_filter.hpp"

#include <charconv>

#include <fmt/format.h>

namespace pgsleuth::report {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  uint64_t n = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [stop, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc{} || stop != end || n == 0 || n > 100'000'000) return std::nullopt;
  switch (text.back()) {
    case 's': return std::chrono::seconds(n);
    case 'm': return std::chrono::seconds(n * 60);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'd': return std::chrono::seconds(n * 86400);
    default: return std::nullopt;
  }
}

LineFilter line_filter(const SubcommandArgs& args, std::string_view command, findings::WallTime now) {
  LineFilter filter;
  if (const auto it = args.flags.find("since"); it != args.flags.end()) {
    const auto duration = parse_duration(it->second);
    if (!duration) {
      throw ArgError(fmt::format("pgsleuth {}: --since '{}': must be a positive duration such as 30s, 15m, 2h or 7d",
                                 command, it->second));
    }
    filter.since = now - *duration;
  }
  if (const auto it = args.flags.find("instance"); it != args.flags.end()) filter.instance = it->second;
  return filter;
}

bool LineFilter::matches(const findings::Line& line) const {
  return std::visit(
      [this](const auto& l) {
        if (since && l.ts < *since) return false;
        if (instance && l.instance != *instance) return false;
        return true;
      },
      line);
}

}  // namespace pgsleuth::report
