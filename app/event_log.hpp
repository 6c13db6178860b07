#pragma once
// The `--events PATH` debug stream: every event the proxy hands to analysis,
// as JSON Lines. It shows exactly what analysis sees, for tests and the demo.

#include <cstdio>
#include <string>

#include "events/statement_event.hpp"

namespace pgsleuth::app {

class EventLog {
 public:
  explicit EventLog(const std::string& path);  // "-" = stdout; throws if it cannot open
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void write(const events::Event& event);
  void flush();

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace pgsleuth::app
