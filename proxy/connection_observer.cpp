#include "proxy/connection_observer.hpp"

#include "proxy/wire/message_types.hpp"
#include "proxy/database_ddl.hpp"
#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::proxy {

ConnectionObserver::ConnectionObserver(events::ConnectionInfoPtr conn, StatementTracker::Emit emit)
    : tracker_(std::move(conn), std::move(emit)) {}

void ConnectionObserver::Direction::on_message(const wire::Message& m) {
  if (frontend_) {
    owner_.note_client_message(m);
    owner_.tracker_.on_frontend(m, now);
    return;
  }
  owner_.greeting_.on_message(m);
  if (m.type == wire::backend::kBackendKeyData) return;
  owner_.note_server_message(m);
  owner_.tracker_.on_backend(m, now);
}

void ConnectionObserver::note_client_message(const wire::Message& m) {
  switch (m.type) {
    case wire::frontend::kQuery:
      database_ddl_ = database_ddl_ || has_database_ddl(m.body);
      client_synced_ = true;
      return;
    case wire::frontend::kParse: {
      wire::ByteReader r(m.body);
      if (r.cstring()) database_ddl_ = database_ddl_ || is_database_ddl(r.rest());
      client_synced_ = false;
      return;
    }
    case wire::frontend::kTerminate:
      client_terminated_ = true;
      return;
    case wire::frontend::kSync: case wire::frontend::kFunctionCall:  // a whole request: the server answers it alone
      client_synced_ = true;
      return;
    case wire::frontend::kBind: case wire::frontend::kExecute: case wire::frontend::kDescribe: case wire::frontend::kClose:  // wait for a Sync
      client_synced_ = false;
      return;
    default:  // COPY data and Flush belong to the request around them
      return;
  }
}

void ConnectionObserver::note_server_message(const wire::Message& m) {
  switch (m.type) {
    case wire::backend::kRowDescription:
      rows_described_ = true;
      return;
    case wire::backend::kDataRow:
      // In the simple protocol every result's rows follow its
      // RowDescription (in the extended one the client may not have asked
      // for it).
      if (!rows_described_ && server_fault_.empty() && tracker_.answering_simple_query()) {
        server_fault_ = "DataRow before RowDescription";
      }
      return;
    case wire::backend::kCommandComplete: case wire::backend::kErrorResponse: case wire::backend::kEmptyQueryResponse: case wire::backend::kReadyForQuery:  // the result is over
      rows_described_ = false;
      return;
    default:
      return;
  }
}

void ConnectionObserver::fail(const std::string& why) {
  failed_ = true;
  failure_ = why;
  tracker_.flush();
}

void ConnectionObserver::client_bytes(std::string_view bytes, SteadyTime now) {
  if (failed_) return;
  frontend_.now = now;
  if (!frontend_decoder_.feed(bytes, frontend_)) return fail(frontend_decoder_.error());
  if (tracker_.overflowed()) {
    fail("more than " + std::to_string(StatementTracker::kMaxPending) + " requests in flight");
  }
}

void ConnectionObserver::server_bytes(std::string_view bytes, SteadyTime now) {
  if (failed_) return;
  backend_.now = now;
  if (!backend_decoder_.feed(bytes, backend_)) fail(backend_decoder_.error());
}

void ConnectionObserver::close() { tracker_.flush(); }

}  // namespace pgsleuth::proxy
