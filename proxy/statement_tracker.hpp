#pragma once
// Turns one connection's protocol messages into statement events: maps
// Query / Parse / Bind / Execute and their responses in order, across
// pipelines. Pure: messages and times in, events out; no sockets.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/statement_event.hpp"
#include "proxy/wire/frame_decoder.hpp"
#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

using events::SteadyTime;

class StatementTracker {
 public:
  using Emit = std::function<void(events::StatementEvent&&)>;

  StatementTracker(events::ConnectionInfoPtr conn, Emit emit);

  void on_frontend(const wire::Message& m, SteadyTime now);
  void on_backend(const wire::Message& m, SteadyTime now);
  // Emits the statement held back waiting for ReadyForQuery (at close).
  void flush();

  // Requests sent that the server has not finished answering.
  bool busy() const { return !pending_.empty(); }
  // More requests in flight than tracked: answers can no longer be matched
  // to requests, so the owner stops analysing (forwarding is unaffected).
  bool overflowed() const { return overflowed_; }
  char tx_status() const { return tx_; }
  // The server is answering a simple Query.
  bool answering_simple_query() const {
    return !pending_.empty() && pending_.front().kind == Pending::Kind::SimpleQuery;
  }

  // Bounds on per-connection state.
  // With kMaxParams x kMaxParamBytes per request: at most 16 MB a connection.
  static constexpr size_t kMaxPending = 4096;
  static constexpr size_t kMaxStatements = 4096;
  static constexpr size_t kMaxStatementBytes = 16 * 1024 * 1024;
  static constexpr size_t kMaxPortals = 1024;

 private:
  // What the current execution has returned so far.
  struct Progress {
    SteadyTime started{};
    uint64_t rows = 0;
    uint64_t bytes = 0;
    uint64_t result_hash = 0;
    std::vector<uint64_t> cell_hashes;
  };

  // One request awaiting its answer, in the order the server answers.
  struct Pending {
    // Describe: of a statement (`portal` holds its name), answered first by
    // its ParameterDescription.
    enum class Kind : uint8_t { SimpleQuery, Execute, Sync, FunctionCall, Describe } kind;
    events::SqlText sql;
    std::string portal;
    std::vector<events::BoundParam> params;
    uint32_t statement_index = 0;
    Progress progress;
  };

  struct Statement {
    events::SqlText sql;
    std::vector<uint32_t> param_types;  // at most kMaxParams; 0: unknown
  };

  struct Portal {
    events::SqlText sql;
    std::vector<events::BoundParam> params;
    std::optional<Progress> suspended;  // a partly run execution
    SteadyTime suspended_at{};
  };

  void on_parse(const wire::Message& m);
  void on_bind(const wire::Message& m);
  void on_execute(const wire::Message& m, SteadyTime now);
  void on_close(const wire::Message& m);
  void on_data_row(const wire::Message& m);
  void on_command_complete(const wire::Message& m, SteadyTime now);
  void on_error(const wire::Message& m, SteadyTime now);
  void on_portal_suspended(SteadyTime now);
  void on_ready_for_query(const wire::Message& m);
  void on_parameter_status(const wire::Message& m);
  void complete_head(std::string_view tag, std::string_view sqlstate, SteadyTime now);
  // A suspended execution whose portal goes away without being run to the
  // end (fetchrow-style Execute with a row limit, then Sync) still ran.
  void finish_abandoned(Portal& portal);
  void finish_all_abandoned();
  events::StatementEvent make_event(const events::SqlText& sql, Progress&& progress, SteadyTime completed);
  void forget_statements(std::string_view tag, std::string_view sql, uint32_t index);
  void remember_statement(std::string_view name, std::string_view query, wire::TypeOids types);
  void on_describe(const wire::Message& m);
  void on_parameter_description(const wire::Message& m);
  void push(Pending&& p);
  void emit_held();

  events::ConnectionInfoPtr conn_;
  Emit emit_;
  std::deque<Pending> pending_;
  std::unordered_map<std::string, Statement> statements_;
  size_t statement_bytes_ = 0;
  std::unordered_map<std::string, Portal> portals_;
  char tx_ = 'I';
  bool overflowed_ = false;
  // The last completed statement waits for ReadyForQuery to learn the
  // transaction status it left behind.
  std::optional<events::StatementEvent> held_;
  std::vector<wire::BindParamView> bind_scratch_;
};

}  // namespace pgsleuth::proxy
