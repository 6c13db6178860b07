#pragma once
// Watches one connection's two byte streams on the side of forwarding:
// frames them, and hands the messages to the statement tracker. When the
// stream stops making sense it stops watching (the bytes keep flowing and
// the server decides what they mean).

#include <string>
#include <string_view>
#include <utility>

#include "proxy/observed_messages.hpp"
#include "proxy/server_greeting.hpp"
#include "proxy/statement_tracker.hpp"
#include "proxy/wire/frame_decoder.hpp"

namespace pgsleuth::proxy {

class ConnectionObserver {
 public:
  ConnectionObserver(events::ConnectionInfoPtr conn, StatementTracker::Emit emit);

  void client_bytes(std::string_view bytes, SteadyTime now);
  void server_bytes(std::string_view bytes, SteadyTime now);
  void close();

  bool active() const { return !failed_; }
  // Why observation stopped; empty while active.
  const std::string& failure() const { return failure_; }
  bool busy() const { return tracker_.busy(); }
  // The server-to-client stream seen so far ends on a whole message.
  bool server_at_message_boundary() const { return backend_decoder_.at_message_boundary(); }
  char tx_status() const { return tracker_.tx_status(); }
  // The server broke the protocol in a way framing cannot see (rows
  // nobody described); empty while it has not.
  const std::string& server_fault() const { return server_fault_; }
  const ServerGreeting& greeting() const { return greeting_; }
  // The client sent a statement that needs other sessions off a database
  // (database_ddl.hpp); reading it clears it.
  bool take_database_ddl() { return std::exchange(database_ddl_, false); }
  // The client-to-server stream so far ends on a whole message, and that
  // message closed its request (Query or Sync): no extended-protocol
  // messages wait for a Sync on the server.
  bool client_at_rest() const { return frontend_decoder_.at_message_boundary() && client_synced_; }
  // The client sent a whole Terminate message.
  bool client_terminated() const { return client_terminated_; }
  // The connection's whole state is known and at rest, so its server
  // connection may serve another client: nothing asked and unanswered, no
  // transaction, no half message either way, and a server that let the
  // client in without asking anything.
  bool reusable_at_rest() const {
    return active() && !busy() && tx_status() == 'I' && client_at_rest() && server_at_message_boundary() &&
           greeting_.reusable();
  }

 private:
  class Direction : public wire::MessageObserver {
   public:
    Direction(ConnectionObserver& owner, bool frontend) : owner_(owner), frontend_(frontend) {}
    void on_message(const wire::Message& m) override;
    SteadyTime now{};

   private:
    ConnectionObserver& owner_;
    bool frontend_;
  };

  void fail(const std::string& why);
  void note_client_message(const wire::Message& m);
  void note_server_message(const wire::Message& m);

  StatementTracker tracker_;
  wire::FrameDecoder frontend_decoder_{wire::Direction::Frontend, observed_messages(wire::Direction::Frontend)};
  wire::FrameDecoder backend_decoder_{wire::Direction::Backend, observed_messages(wire::Direction::Backend)};
  Direction frontend_{*this, true};
  Direction backend_{*this, false};
  ServerGreeting greeting_;
  bool client_synced_ = true;
  bool rows_described_ = false;  // a RowDescription began the current result
  std::string server_fault_;
  bool database_ddl_ = false;
  bool client_terminated_ = false;
  bool failed_ = false;
  std::string failure_;
};

}  // namespace pgsleuth::proxy
