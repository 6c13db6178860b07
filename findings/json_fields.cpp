#include "findings/json_fields.hpp"

#include <limits>

#include <fmt/format.h>

#include "findings/json.hpp"
#include "findings/rfc3339.hpp"
#include "findings/valid_utf8.hpp"

namespace pgsleuth::findings::json_fields {
namespace {

// The field's value, or null when it is absent or null.
const json::value* present(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<uint64_t> as_uint(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  return std::nullopt;
}

}  // namespace

json::value integer(uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
  return v;
}

json::value optional_string(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}

json::value optional_number(const std::optional<double>& d) {
  if (!d) return nullptr;
  return *d;
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  out.reserve(items.size());
  for (const auto& s : items) out.emplace_back(json::string(s));
  return out;
}

void put_window(json::object& o, const Window* window) {
  if (!window) {
    o["request_id"] = nullptr;
    o["request_source"] = nullptr;
    o["route"] = nullptr;
    return;
  }
  o["request_id"] = window->request_id;
  o["request_source"] = window->request_source;
  o["route"] = optional_string(window->route);
}

void put_connection(json::object& o, const std::optional<Connection>& c) {
  if (!c) {
    for (const char* key : {"connection_id", "database", "user", "application_name", "client_addr"}) {
      o[key] = nullptr;
    }
    return;
  }
  o["connection_id"] = integer(c->connection_id);
  o["database"] = c->database;
  o["user"] = c->user;
  o["application_name"] = c->application_name;
  o["client_addr"] = c->client_addr;
}

json::object with_valid_utf8(json::object o) {
  json::value v(std::move(o));
  make_valid_utf8(v);
  return std::move(v.as_object());
}

std::optional<std::string> checked_string(const json::object& o, std::string_view name) {
  const json::value* v = present(o, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw BadLine(fmt::format("field '{}' must be a string", name));
  return std::string(v->get_string());
}

double checked_number(const json::object& o, std::string_view name) {
  const json::value* v = present(o, name);
  if (v == nullptr) return 0;
  if (!v->is_number()) throw BadLine(fmt::format("field '{}' must be a number", name));
  return v->to_number<double>();
}

uint64_t checked_count(const json::object& o) {
  const json::value* v = o.if_contains("count");
  if (v == nullptr) throw BadLine("field 'count' is missing");
  if (const auto n = as_uint(*v)) return *n;
  throw BadLine("field 'count' must be a non-negative integer");
}

std::optional<Window> checked_window(const json::object& o) {
  auto id = checked_string(o, "request_id");
  auto source = checked_string(o, "request_source");
  std::optional<std::string> route;
  if (const json::value* v = present(o, "route")) {
    if (!v->is_string()) throw BadLine("field 'route' must be a string or null");
    route = std::string(v->get_string());
  }
  if (!id && !source && !route) return std::nullopt;
  return Window{id.value_or(""), source.value_or(""), std::move(route)};
}

WallTime checked_time(const json::object& o, std::string_view name) {
  return parse_rfc3339(checked_string(o, name).value_or("")).value_or(WallTime{});
}

void read_into(const json::object& o, std::string_view name, std::string& into) {
  const json::value* v = present(o, name);
  if (v != nullptr && v->is_string()) into = v->get_string();
}

void read_into(const json::object& o, std::string_view name, std::optional<std::string>& into) {
  const json::value* v = present(o, name);
  if (v != nullptr && v->is_string()) into = std::string(v->get_string());
}

void read_into(const json::object& o, std::string_view name, uint64_t& into) {
  const json::value* v = present(o, name);
  if (const auto n = v ? as_uint(*v) : std::nullopt) into = *n;
}

void read_into(const json::object& o, std::string_view name, double& into) {
  const json::value* v = present(o, name);
  if (v != nullptr && v->is_number()) into = v->to_number<double>();
}

void read_into(const json::object& o, std::string_view name, std::optional<double>& into) {
  const json::value* v = present(o, name);
  if (v != nullptr && v->is_number()) into = v->to_number<double>();
}

void read_into(const json::object& o, std::string_view name, bool& into) {
  const json::value* v = present(o, name);
  if (v != nullptr && v->is_bool()) into = v->get_bool();
}

void read_into(const json::object& o, std::string_view name, std::vector<std::string>& into) {
  const json::array* items = array_or_null(o, name);
  if (items == nullptr) return;
  into.clear();
  for (const json::value& item : *items) {
    if (item.is_string()) into.emplace_back(item.get_string());
  }
}

const json::object* object_or_null(const json::object& o, std::string_view name) {
  const json::value* v = present(o, name);
  return v == nullptr ? nullptr : v->if_object();
}

const json::array* array_or_null(const json::object& o, std::string_view name) {
  const json::value* v = present(o, name);
  return v == nullptr ? nullptr : v->if_array();
}

std::optional<Connection> connection_or_null(const json::object& o) {
  const json::value* id = present(o, "connection_id");
  const auto connection_id = id ? as_uint(*id) : std::nullopt;
  if (!connection_id) return std::nullopt;
  Connection c{*connection_id, {}, {}, {}, {}};
  read_into(o, "database", c.database);
  read_into(o, "user", c.user);
  read_into(o, "application_name", c.application_name);
  read_into(o, "client_addr", c.client_addr);
  return c;
}

}  // namespace pgsleuth::findings::json_fields
