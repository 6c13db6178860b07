#include "analyzers/window_manager.hpp"

#include <fmt/format.h>

namespace pgsleuth::analyzers {

namespace {

std::chrono::milliseconds ms(uint32_t v) { return std::chrono::milliseconds(v); }

bool in_transaction(const AnalyzedStatement& stmt) {
  return stmt.event.tx_before != 'I' || stmt.event.tx_after != 'I';
}

uint64_t connection_id(const AnalyzedStatement& stmt) {
  return stmt.event.conn ? stmt.event.conn->connection_id : 0;
}

}  // namespace

WindowManager::WindowManager(CloseHandler on_close) : on_close_(std::move(on_close)) {}

void WindowManager::add(const AnalyzedStatement& stmt, const SettingsPtr& settings) {
  if (stmt.trace_id && !stmt.trace_id->empty()) {
    add_traced(stmt, settings);
  } else {
    add_untraced(stmt, settings);
  }
}

void WindowManager::add_traced(const AnalyzedStatement& stmt, const SettingsPtr& settings) {
  const auto found = by_trace_.find(*stmt.trace_id);
  if (found != by_trace_.end()) {
    RequestWindow* window = find(found->second);
    const auto idle = ms(window->settings().window.traceparent_idle_ms);
    if (stmt.event.started - window->last_completed() <= idle) {
      append(*window, stmt);
      return;
    }
    close(window->seq(), stmt.event.started);
  }
  append(open(*stmt.trace_id, WindowSource::Traceparent, settings, stmt.event.started), stmt);
}

void WindowManager::add_untraced(const AnalyzedStatement& stmt, const SettingsPtr& settings) {
  const uint64_t conn = connection_id(stmt);
  const bool tx = in_transaction(stmt);
  RequestWindow* current = nullptr;
  if (const auto found = by_connection_.find(conn); found != by_connection_.end()) {
    current = find(found->second);
  }
  if (current) {
    const bool keep =
        current->source() == WindowSource::Transaction
            ? tx && stmt.event.tx_before != 'I'  // a block continues; 'I' before means we missed its end
            : !tx &&
                  stmt.event.started - current->last_completed() <=
                      ms(current->settings().window.idle_gap_ms) &&
                  !starts_next_request(*current, openers_, conn, stmt);
    if (!keep) {
      close(current->seq(), stmt.event.started);
      current = nullptr;
    }
  }
  if (!current) {
    const auto source = tx ? WindowSource::Transaction : WindowSource::IdleGap;
    const auto id = fmt::format("{}-{}-{}", conn, tx ? "tx" : "gap", next_seq_);
    current = &open(id, source, settings, stmt.event.started);
  }
  const bool had_head = current->head_fingerprint().has_value();
  append(*current, stmt);
  if (!had_head && current->source() == WindowSource::IdleGap && current->head_fingerprint()) {
    // Bounded even if a connection's close was lost (a full ring drops events).
    if (openers_.size() >= kMaxOpenerConnections && !openers_.count(conn)) openers_.clear();
    openers_[conn].add(*current->head_fingerprint());
  }
  if (current->source() == WindowSource::Transaction && stmt.event.tx_after == 'I') {
    close(current->seq(), stmt.event.completed);
  }
}

RequestWindow& WindowManager::open(std::string id, WindowSource source,
                                   const SettingsPtr& settings, SteadyTime now) {
  while (!windows_.empty() && windows_.size() >= settings->window.max_open_windows) {
    close(windows_.begin()->first, now);
  }
  const uint64_t seq = next_seq_++;
  auto window = std::make_unique<RequestWindow>(seq, std::move(id), source, settings, now);
  auto& ref = *window;
  windows_.emplace(seq, std::move(window));
  return ref;
}

RequestWindow* WindowManager::find(uint64_t seq) {
  const auto found = windows_.find(seq);
  return found == windows_.end() ? nullptr : found->second.get();
}

const RequestWindow* WindowManager::last_window() const {
  const auto found = windows_.find(last_seq_);
  return found == windows_.end() ? nullptr : found->second.get();
}

void WindowManager::append(RequestWindow& window, const AnalyzedStatement& stmt) {
  window.add(stmt);
  last_seq_ = window.seq();
  if (window.source() == WindowSource::Traceparent) {
    by_trace_[window.id()] = window.seq();
  } else {
    by_connection_[connection_id(stmt)] = window.seq();
  }
  // One timer entry per window: deadlines only move later, so tick re-arms
  // an entry that fires early instead of pushing one per statement.
  if (window.statement_count() == 1) {
    if (auto at = deadline_of(window)) deadlines_.push(Deadline{*at, window.seq()});
  }
}

std::optional<SteadyTime> WindowManager::deadline_of(const RequestWindow& window) {
  const auto& w = window.settings().window;
  switch (window.source()) {
    case WindowSource::Traceparent: return window.last_completed() + ms(w.traceparent_idle_ms);
    case WindowSource::IdleGap: return window.last_completed() + ms(w.idle_gap_ms);
    case WindowSource::Transaction: return std::nullopt;  // ends by COMMIT/ROLLBACK or close
  }
  return std::nullopt;
}

void WindowManager::tick(SteadyTime now) {
  while (!deadlines_.empty() && deadlines_.top().at < now) {
    const Deadline due = deadlines_.top();
    deadlines_.pop();
    const RequestWindow* window = find(due.seq);
    if (!window) continue;  // already ended by a statement or a close
    const SteadyTime at = *deadline_of(*window);
    if (at < now) {
      close(due.seq, now);
    } else {
      deadlines_.push(Deadline{at, due.seq});
    }
  }
}

void WindowManager::connection_closed(uint64_t conn, SteadyTime now) {
  openers_.erase(conn);
  const auto found = by_connection_.find(conn);
  if (found != by_connection_.end()) close(found->second, now);
}

void WindowManager::close_all(SteadyTime now) {
  while (!windows_.empty()) close(windows_.begin()->first, now);
  deadlines_ = {};
  openers_.clear();
}

void WindowManager::close(uint64_t seq, SteadyTime now) {
  const auto found = windows_.find(seq);
  if (found == windows_.end()) return;
  const std::unique_ptr<RequestWindow> window = std::move(found->second);
  windows_.erase(found);
  if (window->source() == WindowSource::Traceparent) {
    by_trace_.erase(window->id());
  } else if (window->first_conn()) {
    // Untraced windows never span connections.
    const auto current = by_connection_.find(window->first_conn()->connection_id);
    if (current != by_connection_.end() && current->second == seq) by_connection_.erase(current);
  } else {
    by_connection_.erase(0);
  }
  on_close_(*window, now);
}

}  // namespace pgsleuth::analyzers
