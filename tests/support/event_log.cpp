#include "tests/support/event_log.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/poll.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test {

JsonEvents EventLog::read_all() const {
  std::string text = read_file(path_);
  JsonEvents events;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string_view line(text.data() + start, end - start);
    if (line.empty()) continue;
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(line, error);
    if (error || !value.is_object()) {
      throw std::runtime_error("events file " + path_.string() + ": not a JSON object: " +
                               std::string(line));
    }
    events.push_back(std::move(value.as_object()));
  }
  return events;
}

JsonEvents EventLog::poll_until(const std::function<bool(const JsonEvents&)>& done,
                                std::chrono::milliseconds timeout) const {
  return test::poll_until([this] { return read_all(); }, done, timeout);
}

std::string string_field(const boost::json::object& event, const char* name) {
  const boost::json::value* value = event.if_contains(name);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->as_string());
}

std::vector<int64_t> connections_of_application(const JsonEvents& events,
                                                const std::string& application_name) {
  std::vector<int64_t> ids;
  for (const auto& event : events) {
    const auto* id = event.if_contains("connection_id");
    if (string_field(event, "type") == "connection_opened" && id != nullptr && id->is_number() &&
        string_field(event, "application_name") == application_name) {
      ids.push_back(id->to_number<int64_t>());
    }
  }
  return ids;
}

JsonEvents statements_of(const JsonEvents& events, const std::vector<int64_t>& connection_ids) {
  JsonEvents out;
  for (const auto& event : events) {
    const auto* id = event.if_contains("connection_id");
    if (string_field(event, "type") != "statement" || id == nullptr || !id->is_number()) continue;
    if (std::find(connection_ids.begin(), connection_ids.end(), id->to_number<int64_t>()) !=
        connection_ids.end()) {
      out.push_back(event);
    }
  }
  return out;
}

JsonEvents statements_containing(const JsonEvents& events, const std::string& application_name,
                                 const std::string& needle) {
  JsonEvents out;
  for (auto& event : statements_of(events, connections_of_application(events, application_name))) {
    if (string_field(event, "sql").find(needle) != std::string::npos) out.push_back(event);
  }
  return out;
}

}  // namespace pgsleuth::test
