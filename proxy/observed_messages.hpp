#pragma once
// The message tables the connection observer decodes with: the wire
// layer's framing, capturing as much statement text as an event keeps
// (events::kMaxSqlBytes) and enough of Bind and DataRow for analysis.

#include "proxy/wire/message_table.hpp"

namespace pgsleuth::proxy {

const wire::MessageTable& observed_messages(wire::Direction direction);

}  // namespace pgsleuth::proxy
