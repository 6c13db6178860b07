#pragma once
// The pieces the JSON of findings, summaries and details share: how a
// number, an optional string, a window and a connection are written, and
// the two ways a field is read (see json.hpp: checked or best effort).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "findings/finding.hpp"

namespace pgsleuth::findings::json_fields {

namespace json = boost::json;

// Writing.
json::value integer(uint64_t v);  // int64 when it fits, as a parser returns it
json::value optional_string(const std::optional<std::string>& s);
json::value optional_number(const std::optional<double>& d);
json::array strings(const std::vector<std::string>& items);
// request_id, request_source, route: all null without a window.
void put_window(json::object& o, const Window* window);
// connection_id, database, user, application_name, client_addr: all null without one.
void put_connection(json::object& o, const std::optional<Connection>& connection);
// Every string of `o` valid UTF-8: text from the wire may hold any bytes.
json::object with_valid_utf8(json::object o);

// Reading, checked: another type is a BadLine naming the field.
std::optional<std::string> checked_string(const json::object& o, std::string_view name);
double checked_number(const json::object& o, std::string_view name);
uint64_t checked_count(const json::object& o);  // required, a non-negative integer
std::optional<Window> checked_window(const json::object& o);
// A string; one that is not an RFC 3339 time reads as the epoch.
WallTime checked_time(const json::object& o, std::string_view name);

// Reading, best effort: `into` keeps its value when the field is absent,
// null or of another type.
void read_into(const json::object& o, std::string_view name, std::string& into);
void read_into(const json::object& o, std::string_view name, std::optional<std::string>& into);
void read_into(const json::object& o, std::string_view name, uint64_t& into);
void read_into(const json::object& o, std::string_view name, double& into);
void read_into(const json::object& o, std::string_view name, std::optional<double>& into);
void read_into(const json::object& o, std::string_view name, bool& into);
void read_into(const json::object& o, std::string_view name, std::vector<std::string>& into);
const json::object* object_or_null(const json::object& o, std::string_view name);
const json::array* array_or_null(const json::object& o, std::string_view name);
std::optional<Connection> connection_or_null(const json::object& o);

}  // namespace pgsleuth::findings::json_fields
