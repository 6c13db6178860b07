#include "proxy/statement_tracker.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>

#include <xxhash.h>

#include "events/value_hash.hpp"
#include "proxy/wire/message_types.hpp"
#include "proxy/sql_words.hpp"

namespace pgsleuth::proxy {
namespace {

// The transaction status a completed command leaves behind, as far as its
// tag tells; ReadyForQuery corrects it when it arrives. `index`: which
// statement of `sql` completed.
char status_after(char before, std::string_view tag, std::string_view sql, uint32_t index) {
  if (tag == "BEGIN" || tag == "START TRANSACTION") return 'T';
  if (tag == "COMMIT" || tag == "PREPARE TRANSACTION") return 'I';
  if (tag == "ROLLBACK") {
    // ROLLBACK TO SAVEPOINT has the same tag but stays in the block.
    SqlWords words(sql);
    words.skip_statements(index);
    if (words.take("ROLLBACK") || words.take("ABORT")) {
      if (!words.take("WORK")) words.take("TRANSACTION");
      if (words.take("TO")) return before == 'E' ? 'T' : before;
    }
    return 'I';
  }
  return before;
}

void copy_params(const std::vector<wire::BindParamView>& in, const std::vector<uint32_t>& types,
                 std::vector<events::BoundParam>& out) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    out[i].is_null = in[i].is_null;
    out[i].binary = in[i].binary;
    out[i].value.assign(in[i].value.data(), std::min(in[i].value.size(), events::kMaxParamBytes));
    out[i].type_oid = i < types.size() ? types[i] : 0;
  }
}

void assign_types(wire::TypeOids oids, std::vector<uint32_t>& out) {
  out.resize(std::min(oids.size(), events::kMaxParams));
  for (size_t i = 0; i < out.size(); ++i) out[i] = oids[i];
}

}  // namespace

StatementTracker::StatementTracker(events::ConnectionInfoPtr conn, Emit emit)
    : conn_(std::move(conn)), emit_(std::move(emit)) {}

void StatementTracker::push(Pending&& p) {
  if (overflowed_) return;
  if (pending_.size() >= kMaxPending) {
    overflowed_ = true;
    pending_.clear();
    portals_.clear();
    return;
  }
  pending_.push_back(std::move(p));
}

void StatementTracker::on_frontend(const wire::Message& m, SteadyTime now) {
  switch (m.type) {
    case wire::frontend::kQuery: {
      auto q = wire::parse_query(m.body);
      if (!q) return;
      Pending p{Pending::Kind::SimpleQuery, {}, {}, {}, 0, {}};
      p.sql = events::SqlText(q->substr(0, events::kMaxSqlBytes));
      p.progress.started = now;
      push(std::move(p));
      return;
    }
    case wire::frontend::kParse: return on_parse(m);
    case wire::frontend::kBind: return on_bind(m);
    case wire::frontend::kExecute: return on_execute(m, now);
    case wire::frontend::kClose: return on_close(m);
    case wire::frontend::kDescribe: return on_describe(m);
    case wire::frontend::kSync: push(Pending{Pending::Kind::Sync, {}, {}, {}, 0, {}}); return;
    case wire::frontend::kFunctionCall: push(Pending{Pending::Kind::FunctionCall, {}, {}, {}, 0, {}}); return;
    default: return;
  }
}

void StatementTracker::remember_statement(std::string_view name, std::string_view query,
                                          wire::TypeOids types) {
  events::SqlText sql(query.substr(0, events::kMaxSqlBytes));
  auto [it, inserted] = statements_.try_emplace(std::string(name));
  if (!inserted) statement_bytes_ -= it->second.sql->size();
  it->second.sql = sql;
  assign_types(types, it->second.param_types);
  statement_bytes_ += sql->size();
  // Bounded: evict arbitrary named statements; an Execute of one later
  // is reported with an empty text rather than grow without limit.
  while ((statements_.size() > kMaxStatements || statement_bytes_ > kMaxStatementBytes) &&
         statements_.size() > 1) {
    auto victim = statements_.begin();
    if (victim == it) ++victim;
    statement_bytes_ -= victim->second.sql->size();
    statements_.erase(victim);
  }
}

void StatementTracker::on_parse(const wire::Message& m) {
  auto p = wire::parse_parse(m.body);
  if (p) remember_statement(p->statement, p->query, p->param_types);
}

void StatementTracker::on_describe(const wire::Message& m) {
  auto d = wire::parse_describe(m.body);
  // A portal's Describe has no ParameterDescription; a statement's does,
  // even when its name could not be read (it is then not used).
  if (d && d->target == 'P') return;
  push(Pending{Pending::Kind::Describe, {}, d ? std::string(d->name) : std::string(), {}, 0, {}});
}

void StatementTracker::on_parameter_description(const wire::Message& m) {
  if (pending_.empty() || pending_.front().kind != Pending::Kind::Describe) return;
  auto oids = wire::parse_parameter_description(m.body);
  auto st = statements_.find(pending_.front().portal);
  if (oids && st != statements_.end()) assign_types(*oids, st->second.param_types);
  pending_.pop_front();
}

void StatementTracker::on_bind(const wire::Message& m) {
  auto b = wire::parse_bind(m.body, m.truncated(), events::kMaxParams, std::move(bind_scratch_));
  if (!b) return;
  if (portals_.size() >= kMaxPortals && !portals_.count(std::string(b->portal))) {
    portals_.erase(portals_.begin());
  }
  Portal& portal = portals_[std::string(b->portal)];
  finish_abandoned(portal);
  auto st = statements_.find(std::string(b->statement));
  static const Statement kUnknown;
  const Statement& statement = st == statements_.end() ? kUnknown : st->second;
  portal.sql = statement.sql;
  copy_params(b->params, statement.param_types, portal.params);
  bind_scratch_ = std::move(b->params);
}

void StatementTracker::on_execute(const wire::Message& m, SteadyTime now) {
  auto e = wire::parse_execute(m.body);
  if (!e) return;
  Pending p{Pending::Kind::Execute, {}, std::string(e->portal), {}, 0, {}};
  auto it = portals_.find(p.portal);
  if (it != portals_.end()) {
    p.sql = it->second.sql;
    p.params = it->second.params;
    if (it->second.suspended) {
      p.progress = std::move(*it->second.suspended);
      it->second.suspended.reset();
    }
  }
  if (p.progress.started == SteadyTime{}) p.progress.started = now;
  push(std::move(p));
}

void StatementTracker::on_close(const wire::Message& m) {
  auto c = wire::parse_close(m.body);
  if (!c) return;
  if (c->target == 'P') {
    auto it = portals_.find(std::string(c->name));
    if (it != portals_.end()) {
      finish_abandoned(it->second);
      portals_.erase(it);
    }
    return;
  }
  auto it = statements_.find(std::string(c->name));
  if (it != statements_.end()) {
    statement_bytes_ -= it->second.sql->size();
    statements_.erase(it);
  }
}

void StatementTracker::on_backend(const wire::Message& m, SteadyTime now) {
  switch (m.type) {
    case wire::backend::kDataRow: return on_data_row(m);
    case wire::backend::kCommandComplete: return on_command_complete(m, now);
    case wire::backend::kErrorResponse: return on_error(m, now);
    case wire::backend::kPortalSuspended: return on_portal_suspended(now);
    case wire::backend::kEmptyQueryResponse:  // EmptyQueryResponse: nothing ran
      if (!pending_.empty() && pending_.front().kind == Pending::Kind::Execute) pending_.pop_front();
      return;
    case wire::backend::kReadyForQuery: return on_ready_for_query(m);
    case wire::backend::kParameterStatus: return on_parameter_status(m);
    case wire::backend::kParameterDescription: return on_parameter_description(m);
    default: return;
  }
}

void StatementTracker::on_data_row(const wire::Message& m) {
  if (pending_.empty()) return;
  Progress& pr = pending_.front().progress;
  ++pr.rows;
  pr.bytes += m.body_length;
  pr.result_hash = XXH3_64bits_withSeed(m.body.data(), m.body.size(), pr.result_hash);
  if (pr.cell_hashes.size() >= events::kMaxCellHashes) return;
  wire::for_each_data_row_cell(m.body, [&](std::string_view v, bool is_null) {
    if (!is_null && v.size() <= events::kMaxHashedCellBytes &&
        pr.cell_hashes.size() < events::kMaxCellHashes) {
      pr.cell_hashes.push_back(events::value_hash(v));
    }
  });
}

events::StatementEvent StatementTracker::make_event(const events::SqlText& sql, Progress&& progress,
                                                   SteadyTime completed) {
  events::StatementEvent ev;
  ev.conn = conn_;
  ev.sql = sql;
  ev.started = progress.started;
  ev.completed = completed;
  ev.completed_wall = std::chrono::system_clock::now();
  ev.rows = progress.rows;
  ev.bytes = progress.bytes;
  ev.result_hash = progress.result_hash;
  ev.cell_hashes = std::move(progress.cell_hashes);
  ev.tx_before = tx_;
  ev.tx_after = tx_;
  return ev;
}

void StatementTracker::finish_abandoned(Portal& portal) {
  if (!portal.suspended) return;
  emit_held();
  events::StatementEvent ev = make_event(portal.sql, std::move(*portal.suspended), portal.suspended_at);
  portal.suspended.reset();
  ev.extended = true;
  ev.params = portal.params;
  emit_(std::move(ev));
}

void StatementTracker::finish_all_abandoned() {
  for (auto& [name, portal] : portals_) finish_abandoned(portal);
}

void StatementTracker::complete_head(std::string_view tag, std::string_view sqlstate,
                                     SteadyTime now) {
  assert(!pending_.empty());
  Pending& head = pending_.front();
  emit_held();
  events::StatementEvent ev = make_event(head.sql, std::move(head.progress), now);
  ev.statement_index = head.statement_index;
  ev.extended = head.kind == Pending::Kind::Execute;
  if (ev.extended) ev.params = std::move(head.params);
  ev.command_tag = tag;
  ev.sqlstate = sqlstate;
  ev.tx_before = tx_;
  if (sqlstate.empty()) {
    tx_ = status_after(tx_, tag, *ev.sql, head.statement_index);
  } else if (tx_ == 'T') {
    tx_ = 'E';
  }
  ev.tx_after = tx_;
  held_ = std::move(ev);
  // The next statement of a multi-statement Query starts now.
  head.progress = Progress{};
  head.progress.started = now;
  ++head.statement_index;
}

void StatementTracker::on_command_complete(const wire::Message& m, SteadyTime now) {
  if (pending_.empty()) return;
  auto tag = wire::parse_command_complete(m.body);
  Pending::Kind kind = pending_.front().kind;
  if (kind != Pending::Kind::SimpleQuery && kind != Pending::Kind::Execute) return;
  if (tag && (*tag == "DEALLOCATE" || *tag == "DEALLOCATE ALL" || *tag == "DISCARD ALL")) {
    forget_statements(*tag, *pending_.front().sql, pending_.front().statement_index);
  }
  complete_head(tag.value_or(""), "", now);
  if (kind == Pending::Kind::Execute) pending_.pop_front();
}

void StatementTracker::forget_statements(std::string_view tag, std::string_view sql, uint32_t index) {
  if (tag != "DEALLOCATE") {
    statements_.clear();
    statement_bytes_ = 0;
    if (tag == "DISCARD ALL") {
      finish_all_abandoned();
      portals_.clear();
    }
    return;
  }
  // DEALLOCATE [PREPARE] name
  SqlWords words(sql);
  words.skip_statements(index);
  if (!words.take("DEALLOCATE")) return;
  words.take("PREPARE");
  const auto name = words.identifier();
  if (!name) return;
  auto it = statements_.find(*name);
  if (it != statements_.end()) {
    statement_bytes_ -= it->second.sql->size();
    statements_.erase(it);
  }
}

void StatementTracker::on_error(const wire::Message& m, SteadyTime now) {
  if (pending_.empty()) return;
  auto state = wire::parse_error_sqlstate(m.body).value_or("XX000");
  Pending::Kind kind = pending_.front().kind;
  if (kind == Pending::Kind::SimpleQuery || kind == Pending::Kind::Execute) {
    complete_head("", state, now);
  }
  if (kind == Pending::Kind::SimpleQuery || kind == Pending::Kind::FunctionCall) return;
  // Extended protocol: the server skips everything up to the next Sync.
  while (!pending_.empty() && pending_.front().kind != Pending::Kind::Sync) pending_.pop_front();
}

void StatementTracker::on_portal_suspended(SteadyTime now) {
  if (pending_.empty() || pending_.front().kind != Pending::Kind::Execute) return;
  Pending head = std::move(pending_.front());
  pending_.pop_front();
  // The execution goes on with the next Execute of this portal, which may
  // already be queued (pipelined) or arrive later.
  for (Pending& p : pending_) {
    if (p.kind == Pending::Kind::Sync) break;
    if (p.kind == Pending::Kind::Execute && p.portal == head.portal) {
      p.progress = std::move(head.progress);
      return;
    }
  }
  auto it = portals_.find(head.portal);
  if (it == portals_.end()) return;
  it->second.suspended = std::move(head.progress);
  it->second.suspended_at = now;
}

void StatementTracker::on_ready_for_query(const wire::Message& m) {
  auto status = wire::parse_ready_for_query(m.body);
  // Everything up to the request this answers is done (or was skipped).
  while (!pending_.empty()) {
    Pending::Kind kind = pending_.front().kind;
    pending_.pop_front();
    if (kind != Pending::Kind::Execute && kind != Pending::Kind::Describe) break;
  }
  if (status) tx_ = *status;
  if (held_) {
    held_->tx_after = tx_;
    emit_held();
  }
  // Outside a transaction block every portal is gone.
  if (tx_ == 'I') {
    finish_all_abandoned();
    portals_.clear();
  }
}

void StatementTracker::on_parameter_status(const wire::Message& m) {
  // The session changed a value that findings attribute statements by
  // (`SET application_name` after login, as pgjdbc does): the events of
  // statements that run from now on carry the new one. A fresh copy, since
  // events already sent share the old one.
  auto p = wire::parse_parameter_status(m.body);
  if (!p || m.truncated() || p->name != "application_name" || p->value == conn_->application_name) return;
  auto updated = std::make_shared<events::ConnectionInfo>(*conn_);
  updated->application_name = std::string(p->value);  // bounded by the message capture
  conn_ = std::move(updated);
}

void StatementTracker::emit_held() {
  if (!held_) return;
  events::StatementEvent ev = std::move(*held_);
  held_.reset();
  emit_(std::move(ev));
}

void StatementTracker::flush() { emit_held(); }

}  // namespace pgsleuth::proxy
