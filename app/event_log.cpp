#include "app/event_log.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <boost/json.hpp>

#include "statements/param_text.hpp"

namespace pgsleuth::app {

namespace json = boost::json;

EventLog::EventLog(const std::string& path) {
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open events file " + path + ": " + std::strerror(errno));
  owned_ = true;
}

EventLog::~EventLog() {
  if (owned_ && file_) std::fclose(file_);
}

namespace {

json::object connection_fields(const char* type, const events::ConnectionInfo& c) {
  return json::object{{"type", type},
                      {"connection_id", c.connection_id},
                      {"user", c.user},
                      {"database", c.database},
                      {"application_name", c.application_name},
                      {"client_addr", c.client_addr}};
}

json::object statement_fields(const events::StatementEvent& s) {
  json::object o{{"type", "statement"},
                 {"connection_id", s.conn ? s.conn->connection_id : 0},
                 {"sql", s.sql.str()},
                 {"statement_index", s.statement_index},
                 {"extended", s.extended}};
  if (s.extended) {
    json::array params;
    for (const auto& p : s.params) {
      if (p.is_null) {
        params.emplace_back(nullptr);
      } else {
        params.emplace_back(statements::param_text(p));
      }
    }
    o["params"] = std::move(params);
  } else {
    o["params"] = nullptr;
  }
  o["rows"] = s.rows;
  o["bytes"] = s.bytes;
  o["command_tag"] = s.command_tag;
  o["sqlstate"] = s.sqlstate;
  o["tx_before"] = std::string(1, s.tx_before);
  o["tx_after"] = std::string(1, s.tx_after);
  o["duration_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(s.completed - s.started).count();
  return o;
}

}  // namespace

void EventLog::write(const events::Event& event) {
  json::object o = std::visit(
      [](const auto& e) -> json::object {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::StatementEvent>) {
          return statement_fields(e);
        } else if constexpr (std::is_same_v<T, events::ConnectionOpened>) {
          return connection_fields("connection_opened", *e.conn);
        } else {
          return json::object{{"type", "connection_closed"}, {"connection_id", e.conn->connection_id}};
        }
      },
      event);
  std::string line = json::serialize(o);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), file_);
}

void EventLog::flush() { std::fflush(file_); }

}  // namespace pgsleuth::app
