#include "proxy/observed_messages.hpp"

#include "events/statement_event.hpp"

namespace pgsleuth::proxy {
namespace {

constexpr wire::CapturePolicy kObserved{
    // Text beyond an event's cut is not needed, but a little more tells
    // the tracker the text was cut.
    .sql_bytes = events::kMaxSqlBytes + 1024,
    // Parameters: enough for the tracker's kMaxParams small values.
    .bind_bytes = 32 * 1024,
    // Enough of a row to hash its leading cells; the rest is counted only.
    .data_row_bytes = 2048,
};

}  // namespace

const wire::MessageTable& observed_messages(wire::Direction direction) {
  static const wire::MessageTable frontend = wire::make_message_table(wire::Direction::Frontend, kObserved);
  static const wire::MessageTable backend = wire::make_message_table(wire::Direction::Backend, kObserved);
  return direction == wire::Direction::Frontend ? frontend : backend;
}

}  // namespace pgsleuth::proxy
