#pragma once
// A binary (format code 1) parameter as PostgreSQL would print it, for the
// built-in scalar types the contract names: integers, floats, numeric,
// bool, text types, uuid, date, time, timestamp(tz), interval. Other types,
// unknown types and values that do not fit their type give nullopt (the
// caller shows them as \x hex, as for bytea). Output styles are the
// server's defaults (DateStyle ISO, IntervalStyle postgres); timestamptz
// is printed in UTC, as a session with TimeZone UTC would.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgsleuth::statements {

std::optional<std::string> binary_param_text(uint32_t type_oid, std::string_view bytes);

}  // namespace pgsleuth::statements
