#include "statements/binary_param.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace pgsleuth::statements {
namespace {

// pg_type OIDs of the built-in types decoded here.
enum Oid : uint32_t {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
  kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kUnknown = 705, kBpchar = 1042,
  kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114, kTimestampTz = 1184,
  kInterval = 1186, kNumeric = 1700, kUuid = 2950, kJsonb = 3802,
};

uint64_t be(std::string_view b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}
int16_t be16(std::string_view b, size_t at) { return static_cast<int16_t>(be(b, at, 2)); }
int32_t be32(std::string_view b, size_t at) { return static_cast<int32_t>(be(b, at, 4)); }
int64_t be64(std::string_view b, size_t at) { return static_cast<int64_t>(be(b, at, 8)); }

template <class Float>
std::string float_text(Float f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", f);  // shortest exact, as PostgreSQL 12+ prints
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

constexpr int64_t kDaysFrom1970To2000 = 10957;
constexpr int64_t kUsPerDay = 86400LL * 1000000;

// Days since 2000-01-01 as PostgreSQL's ISO date ("0044-03-15 BC" before year 1).
std::string date_text(int64_t days) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days + kDaysFrom1970To2000, y, m, d);
  if (y <= 0) return fmt::format("{:04}-{:02}-{:02} BC", 1 - y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

// Microseconds into a day (or a duration's time part) as HH:MM:SS[.ffffff].
std::string time_text(int64_t us) {
  std::string out = fmt::format("{:02}:{:02}:{:02}", us / 3600000000LL, us / 60000000 % 60, us / 1000000 % 60);
  if (const int64_t frac = us % 1000000) {
    std::string digits = fmt::format("{:06}", frac);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string timestamp_text(int64_t us, bool with_zone) {
  if (us == std::numeric_limits<int64_t>::max()) return "infinity";
  if (us == std::numeric_limits<int64_t>::min()) return "-infinity";
  int64_t days = us / kUsPerDay;
  int64_t rest = us % kUsPerDay;
  if (rest < 0) {
    rest += kUsPerDay;
    --days;
  }
  std::string out = date_text(days);
  const bool bc = out.ends_with(" BC");
  if (bc) out.resize(out.size() - 3);
  out += " " + time_text(rest) + (with_zone ? "+00" : "") + (bc ? " BC" : "");
  return out;
}

// IntervalStyle postgres: "1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00".
std::string interval_text(int64_t us, int32_t days, int32_t months) {
  std::string out;
  bool negative_before = false;
  const auto part = [&](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}{} {}{}", !out.empty() && n > 0 && negative_before ? "+" : "", n, unit,
                       n == 1 ? "" : "s");  // "-1 days", as PostgreSQL says
    negative_before = negative_before || n < 0;
  };
  part(months / 12, "year");
  part(months % 12, "mon");
  part(days, "day");
  if (us != 0 || out.empty()) {
    if (!out.empty()) out += ' ';
    if (us < 0) {
      out += "-";
      us = -us;
    } else if (negative_before) {
      out += "+";
    }
    out += time_text(us);
  }
  return out;
}

// NUMERIC's binary form: ndigits, weight, sign, dscale, then base-10000 digits.
std::optional<std::string> numeric_text(std::string_view b) {
  if (b.size() < 8) return std::nullopt;
  const int ndigits = be16(b, 0);
  const int weight = be16(b, 2);
  const auto sign = static_cast<uint16_t>(be16(b, 4));
  const int dscale = be16(b, 6);
  if (ndigits < 0 || dscale < 0 || b.size() != 8 + 2 * static_cast<size_t>(ndigits)) return std::nullopt;
  if (sign == 0xC000) return "NaN";
  if (sign == 0xD000) return "Infinity";
  if (sign == 0xF000) return "-Infinity";
  if (sign != 0 && sign != 0x4000) return std::nullopt;
  const auto digit = [&](int i) { return i >= 0 && i < ndigits ? be16(b, 8 + 2 * i) : 0; };
  std::string out = sign == 0x4000 ? "-" : "";
  if (weight < 0) {
    out += '0';
  } else {
    for (int i = 0; i <= weight; ++i) out += i == 0 ? fmt::format("{}", digit(i)) : fmt::format("{:04}", digit(i));
  }
  if (dscale > 0) {
    std::string frac;
    for (int i = weight + 1; static_cast<int>(frac.size()) < dscale; ++i) frac += fmt::format("{:04}", digit(i));
    out += "." + frac.substr(0, dscale);
  }
  return out;
}

std::string uuid_text(std::string_view b) {
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", static_cast<unsigned char>(b[i]));
  }
  return out;
}

}  // namespace

std::optional<std::string> binary_param_text(uint32_t type_oid, std::string_view b) {
  switch (type_oid) {
    case kBool: return b.size() == 1 ? std::optional<std::string>(b[0] ? "t" : "f") : std::nullopt;
    case kChar: return b.size() == 1 ? std::optional<std::string>(b) : std::nullopt;
    case kInt2: return b.size() == 2 ? std::optional(fmt::format("{}", be16(b, 0))) : std::nullopt;
    case kInt4: return b.size() == 4 ? std::optional(fmt::format("{}", be32(b, 0))) : std::nullopt;
    case kInt8: return b.size() == 8 ? std::optional(fmt::format("{}", be64(b, 0))) : std::nullopt;
    case kOid: return b.size() == 4 ? std::optional(fmt::format("{}", be(b, 0, 4))) : std::nullopt;
    case kFloat4: {
      if (b.size() != 4) return std::nullopt;
      const auto bits = static_cast<uint32_t>(be(b, 0, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      return float_text(f);
    }
    case kFloat8: {
      if (b.size() != 8) return std::nullopt;
      const uint64_t bits = be(b, 0, 8);
      double f;
      std::memcpy(&f, &bits, 8);
      return float_text(f);
    }
    case kNumeric: return numeric_text(b);
    case kText: case kVarchar: case kBpchar: case kName: case kUnknown: case kJson:
      return std::string(b);
    case kJsonb:  // a version byte, then the text
      return !b.empty() && b[0] == 1 ? std::optional<std::string>(b.substr(1)) : std::nullopt;
    case kUuid: return b.size() == 16 ? std::optional(uuid_text(b)) : std::nullopt;
    case kDate: {
      if (b.size() != 4) return std::nullopt;
      const int32_t days = be32(b, 0);
      if (days == std::numeric_limits<int32_t>::max()) return "infinity";
      if (days == std::numeric_limits<int32_t>::min()) return "-infinity";
      return date_text(days);
    }
    case kTime: {
      if (b.size() != 8) return std::nullopt;
      const int64_t us = be64(b, 0);
      return us >= 0 && us <= kUsPerDay ? std::optional(time_text(us)) : std::nullopt;
    }
    case kTimestamp: case kTimestampTz:
      return b.size() == 8 ? std::optional(timestamp_text(be64(b, 0), type_oid == kTimestampTz)) : std::nullopt;
    case kInterval:
      return b.size() == 16 ? std::optional(interval_text(be64(b, 0), be32(b, 8), be32(b, 12))) : std::nullopt;
    default: return std::nullopt;  // bytea and the rest: hex
  }
}

}  // namespace pgsleuth::statements
