#pragma once
// Typed views of the message bodies analysis needs. Each parser takes the
// captured body of one message and returns nullopt if it is malformed.
// Views point into the body; copy what must outlive it.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace pgsleuth::wire {

// The whole Terminate message, which has no body.
inline constexpr std::string_view kTerminate{"X\0\0\0\4", 5};

// Parameter type OIDs as sent: 4 bytes each, big-endian, whole ones only
// (a cut message keeps those that arrived). 0 means "let the server infer".
struct TypeOids {
  std::string_view raw;
  size_t size() const { return raw.size() / 4; }
  uint32_t operator[](size_t i) const;
};

struct ParseMsg {
  std::string_view statement;
  std::string_view query;
  TypeOids param_types;
};

// Describe of a statement ('S') or a portal ('P').
struct DescribeMsg {
  char target = 0;
  std::string_view name;
};

struct BindParamView {
  bool is_null = false;
  bool binary = false;
  std::string_view value;   // may be cut short when the Bind was truncated
  uint32_t full_length = 0;
};

struct BindMsg {
  std::string_view portal;
  std::string_view statement;
  std::vector<BindParamView> params;  // at most `max_params`
  uint32_t param_count = 0;           // as declared
};

struct ParameterStatusMsg {
  std::string_view name;
  std::string_view value;
};

struct ExecuteMsg {
  std::string_view portal;
  uint32_t max_rows = 0;
};

struct CloseMsg {
  char target = 0;  // 'S' statement or 'P' portal
  std::string_view name;
};

std::optional<std::string_view> parse_query(std::string_view body);
std::optional<ParseMsg> parse_parse(std::string_view body);
// A truncated Bind still yields the parameters that arrived whole or cut.
std::optional<BindMsg> parse_bind(std::string_view body, bool truncated, size_t max_params,
                                  std::vector<BindParamView>&& reuse = {});
std::optional<ExecuteMsg> parse_execute(std::string_view body);
std::optional<DescribeMsg> parse_describe(std::string_view body);
// The parameter types the server reports for a described statement.
std::optional<TypeOids> parse_parameter_description(std::string_view body);
std::optional<CloseMsg> parse_close(std::string_view body);
std::optional<std::string_view> parse_command_complete(std::string_view body);
// One field of an ErrorResponse or NoticeResponse ('M' the message...).
std::optional<std::string_view> parse_error_field(std::string_view body, char field);
// The SQLSTATE ('C' field) of an ErrorResponse.
std::optional<std::string_view> parse_error_sqlstate(std::string_view body);
std::optional<char> parse_ready_for_query(std::string_view body);
std::optional<ParameterStatusMsg> parse_parameter_status(std::string_view body);

// Calls `cell(value, is_null)` for each column of a DataRow whose bytes are
// in `body`; stops quietly at the end of a truncated body.
template <class CellFn>
void for_each_data_row_cell(std::string_view body, CellFn&& cell);

}  // namespace pgsleuth::wire

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::wire {

template <class CellFn>
void for_each_data_row_cell(std::string_view body, CellFn&& cell) {
  ByteReader r(body);
  auto count = r.i16();
  if (!count) return;
  for (int i = 0; i < *count; ++i) {
    auto len = r.i32();
    if (!len) return;
    if (*len < 0) {
      cell(std::string_view{}, true);
      continue;
    }
    auto v = r.bytes(static_cast<size_t>(*len));
    if (!v) return;
    cell(*v, false);
  }
}

}  // namespace pgsleuth::wire
