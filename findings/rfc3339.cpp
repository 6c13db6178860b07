#include "findings/rfc3339.hpp"

#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pgsleuth::findings {
namespace {

// Reads exactly `digits` decimal digits at `pos`, moving past them.
std::optional<int> number(std::string_view text, size_t& pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t end = pos + digits; pos < end; ++pos) {
    if (text[pos] < '0' || text[pos] > '9') return std::nullopt;
    value = value * 10 + (text[pos] - '0');
  }
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string rfc3339(WallTime t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(tt), millis);
}

std::optional<WallTime> parse_rfc3339(std::string_view text) {
  size_t pos = 0;
  const auto year = number(text, pos, 4);
  // Nanosecond time points hold 1678..2261; a year outside is no finding's.
  if (!year || *year < 1700 || *year > 2200 || !expect(text, pos, '-')) return std::nullopt;
  const auto month = number(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = number(text, pos, 2);
  if (!day || !(expect(text, pos, 'T') || expect(text, pos, 't'))) return std::nullopt;
  const auto hour = number(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = number(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  const auto second = number(text, pos, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;

  std::chrono::nanoseconds fraction{0};
  if (expect(text, pos, '.')) {
    int64_t scale = 100'000'000;
    const size_t start = pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
    }
    if (pos == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (!(expect(text, pos, 'Z') || expect(text, pos, 'z'))) {
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
    const int sign = text[pos++] == '-' ? -1 : 1;
    const auto oh = number(text, pos, 2);
    if (!oh || !expect(text, pos, ':')) return std::nullopt;
    const auto om = number(text, pos, 2);
    if (!om) return std::nullopt;
    offset = std::chrono::minutes(sign * (*oh * 60 + *om));
  }
  if (pos != text.size()) return std::nullopt;

  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                                         std::chrono::day(*day)};
  if (!date.ok()) return std::nullopt;
  const auto local = std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
                     std::chrono::seconds(*second) + fraction;
  return std::chrono::time_point_cast<WallTime::duration>(local - offset);
}

}  // namespace pgsleuth::findings
