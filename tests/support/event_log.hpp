#pragma once
// Reads the proxy's `--events` file (JSON Lines: connection_opened,
// statement, connection_closed objects) while the proxy is still writing it.

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace pgsleuth::test {

using JsonEvents = std::vector<boost::json::object>;

class EventLog {
 public:
  explicit EventLog(std::filesystem::path path) : path_(std::move(path)) {}

  // Every complete line so far (a last line without its newline is still
  // being written and is left out). Throws std::runtime_error naming the
  // line when one is not a JSON object. While the proxy runs, what a read
  // finds is a moment's state: use poll_until, or read once it stopped.
  JsonEvents read_all() const;
  // Re-reads the file until `done(events)` holds or `timeout` passes; returns
  // the last read either way, so the caller asserts on what it got.
  JsonEvents poll_until(const std::function<bool(const JsonEvents&)>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The ids of the connections whose connection_opened event carries this
// application_name.
std::vector<int64_t> connections_of_application(const JsonEvents& events,
                                                const std::string& application_name);
// The statement events of these connections, in file order.
JsonEvents statements_of(const JsonEvents& events, const std::vector<int64_t>& connection_ids);
// Statement events of the application whose sql contains `needle`.
JsonEvents statements_containing(const JsonEvents& events, const std::string& application_name,
                                 const std::string& needle);
// A string field, or "" when missing or not a string.
std::string string_field(const boost::json::object& event, const char* name);

}  // namespace pgsleuth::test
