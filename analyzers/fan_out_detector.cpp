#include "analyzers/fan_out_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analyzers/finding_builder.hpp"
#include "analyzers/statement_filters.hpp"
#include "events/value_hash.hpp"

namespace pgsleuth::analyzers {

namespace {

// One client of the database: a pool's connections share all four.
uint64_t origin_of(const events::ConnectionInfoPtr& conn) {
  if (!conn) return 0;
  return events::value_hash(fmt::format("{}\n{}\n{}\n{}", conn->client_addr, conn->application_name,
                                        conn->database, conn->user));
}

uint64_t cell_key(uint64_t origin, uint64_t value) { return origin * 0x9E3779B97F4A7C15ull ^ value; }

template <class T>
void add_distinct(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

void FanOutDetector::add_parent(const AnalyzedStatement& stmt, const RequestWindow* window) {
  if (!is_user_select(*stmt.shape)) return;
  latest_ = std::max(latest_, stmt.event.completed);
  expire_parents(latest_);
  if (parents_.size() >= kMaxParents) drop_oldest_parent();
  Parent p{next_parent_++, origin_of(stmt.event.conn), stmt.event.conn ? stmt.event.conn->connection_id : 0,
           stmt.shape, window ? std::optional(window_of(*window)) : std::nullopt, stmt.event.completed, {}};
  for (uint64_t cell : stmt.event.cell_hashes) {
    if (cells_.size() >= kMaxParentCells) break;
    const uint64_t key = cell_key(p.origin, cell);
    cells_[key] = p.id;
    p.cell_keys.push_back(key);
  }
  parents_.push_back(std::move(p));
}

std::vector<FanOutDetector::Claim> FanOutDetector::claim(const RequestWindow& window, WallTime ended) {
  std::vector<Claim> claims(window.groups().size());
  // A traced request already spans connections; most windows end here.
  if (cells_.empty() || window.source() == WindowSource::Traceparent || !window.first_conn()) return claims;
  const uint64_t origin = origin_of(window.first_conn());
  const uint64_t connection = window.first_conn()->connection_id;
  for (uint32_t g = 0; g < window.groups().size(); ++g) {
    const auto& group = window.groups()[g];
    if (!is_user_select(*group.shape)) continue;
    const auto records = eligible_records(window, group, FindingKind::NPlusOne, false);
    std::map<uint64_t, std::vector<const StatementRecord*>> fed;  // parent id -> lookups it fed
    for (const StatementRecord* rec : records) {
      if (const Parent* p = parent_of(window, origin, connection, *rec, group.shape->fingerprint)) {
        fed[p->id].push_back(rec);
      }
    }
    if (fed.empty()) continue;
    const auto best = std::max_element(fed.begin(), fed.end(),
                                       [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    if (best->second.size() * 2 < records.size()) continue;
    const Parent& parent = *find_parent(best->first);
    const auto key = std::make_pair(parent.id, group.shape->fingerprint);
    auto it = fan_outs_.find(key);
    if (it == fan_outs_.end()) {
      if (fan_outs_.size() >= kMaxFanOuts) continue;
      FanOut f;
      f.lookups.shape = group.shape;
      f.parent = parent.shape;
      f.request = parent.request;
      it = fan_outs_.emplace(key, std::move(f)).first;
    }
    claims[g] = {parent.connection_id == connection ? Claim::Kind::Local : Claim::Kind::Joined, parent.id};
    FanOut& f = it->second;
    for (const StatementRecord* rec : best->second) {
      const Sample& sample = window.sample_for(group, rec->params_hash);
      if (f.lookups.samples.size() < RequestWindow::kMaxSamplesPerGroup) f.lookups.samples.push_back(sample);
      f.records.push_back(*rec);
    }
    add_distinct(f.connections, connection);
    add_distinct(f.windows, window.seq());
    f.last_added = latest_ = std::max(latest_, window.last_completed());
    f.last_wall = std::max(f.last_wall, ended);
  }
  return claims;
}

bool FanOutDetector::may_join(const Claim& claim, const RequestWindow& other) const {
  const Parent* parent = find_parent(claim.parent);
  if (!parent || other.source() == WindowSource::Traceparent || !other.first_conn()) return false;
  return other.first_conn()->connection_id != parent->connection_id && other.last_completed() >= parent->completed &&
         origin_of(other.first_conn()) == parent->origin;
}

bool FanOutDetector::hold(const Claim& claim, const Detection& local, const RequestWindow& window,
                          bool others_may_join) {
  auto it = fan_outs_.find({claim.parent, local.group->shape->fingerprint});
  if (it == fan_outs_.end()) return false;
  FanOut& f = it->second;
  if (f.connections.size() < 2 && !others_may_join) {
    f.local_written = true;
    return false;
  }
  if (f.held) return false;
  f.held = std::make_unique<Held>(Held{FingerprintGroup{local.group->shape, {}, {}}, *local.sample, local});
  f.held->detection.group = &f.held->group;
  f.held->detection.sample = &f.held->sample;
  f.held->detection.request = window_of(window);
  f.held->detection.request_truncated = window.truncated();
  return true;
}

const FanOutDetector::Parent* FanOutDetector::parent_of(const RequestWindow& window, uint64_t origin,
                                                        uint64_t connection, const StatementRecord& rec,
                                                        uint64_t fingerprint) const {
  for (uint64_t value : rec.value_hashes) {
    auto it = cells_.find(cell_key(origin, value));
    if (it == cells_.end()) continue;
    const Parent* p = find_parent(it->second);
    if (!p || p->origin != origin || p->shape->fingerprint == fingerprint) continue;
    // On this connection only a parent in this window: its earlier windows
    // were other requests.
    if (p->connection_id == connection && !(p->request && p->request->request_id == window.id())) continue;
    if (rec.started < p->completed || rec.started - p->completed > kSpan) continue;
    return p;
  }
  return nullptr;
}

const FanOutDetector::Parent* FanOutDetector::find_parent(uint64_t id) const {
  auto p = std::lower_bound(parents_.begin(), parents_.end(), id, [](const Parent& a, uint64_t v) { return a.id < v; });
  return p == parents_.end() || p->id != id ? nullptr : &*p;
}

void FanOutDetector::drop_oldest_parent() {
  for (uint64_t key : parents_.front().cell_keys) {
    auto it = cells_.find(key);
    if (it != cells_.end() && it->second == parents_.front().id) cells_.erase(it);
  }
  parents_.pop_front();
}

void FanOutDetector::expire_parents(SteadyTime now) {
  while (!parents_.empty() && now - parents_.front().completed > kKeep) drop_oldest_parent();
}

void FanOutDetector::tick(SteadyTime now, uint32_t min_repeats, const Emit& emit) {
  expire_parents(now);
  decide([&](const FanOut& f) { return now - f.last_added >= kSettle; }, min_repeats, emit);
}

void FanOutDetector::flush(SteadyTime, uint32_t min_repeats, const Emit& emit) {
  decide([](const FanOut&) { return true; }, min_repeats, emit);
}

template <class Settled>
void FanOutDetector::decide(const Settled& settled, uint32_t min_repeats, const Emit& emit) {
  for (auto it = fan_outs_.begin(); it != fan_outs_.end();) {
    if (!settled(it->second)) {
      ++it;
      continue;
    }
    const FanOut& f = it->second;
    if (f.local_written) {
      // Its window's own N+1 is out; late lookups elsewhere add nothing.
    } else if (f.connections.size() >= 2 || !f.held) {
      if (auto d = detection(f, min_repeats)) emit(*d, f.last_wall);
    } else {
      emit(f.held->detection, f.last_wall);  // the window's own N+1, as it was
    }
    it = fan_outs_.erase(it);
  }
}

std::optional<Detection> FanOutDetector::detection(const FanOut& f, uint32_t min_repeats) const {
  // Windows of one connection are separate requests: not merged.
  if (f.connections.size() < 2 && f.windows.size() > 1) return std::nullopt;
  std::vector<const StatementRecord*> records;
  for (const auto& r : f.records) records.push_back(&r);
  std::sort(records.begin(), records.end(),
            [](const StatementRecord* a, const StatementRecord* b) { return a->started < b->started; });
  const size_t distinct = distinct_params(records);
  if (records.size() < std::max<uint32_t>(min_repeats, 2) || distinct < 2) return std::nullopt;
  findings::NPlusOneDetails details{repeat_evidence(records), distinct,
                                    findings::StatementRef{f.parent->fingerprint_hex, f.parent->normalized}, {}};
  details.connections = f.connections;
  std::sort(details.connections.begin(), details.connections.end());
  Detection d;
  d.details = std::move(details);
  d.group = &f.lookups;
  d.sample = &f.lookups.samples.front();
  d.request = f.request;
  d.count = records.size();
  d.db_time_ms = db_time_ms(records);
  d.over_threshold = static_cast<double>(records.size()) / std::max<uint32_t>(min_repeats, 1);
  d.message = fmt::format(
      "The query on {} ran {} times across {} pooled connections of one client, once per row returned by "
      "an earlier query on {} ({}): an N+1 spread over a connection pool (Promise.all, asyncio.gather), "
      "which no single connection shows whole.",
      table_list(*f.lookups.shape), records.size(), f.connections.size(), table_list(*f.parent),
      f.parent->fingerprint_hex);
  d.suggestion = fmt::format(
      "Load all of them in one query: collect the values and use `WHERE <column> = ANY($1)`, or JOIN {} "
      "into the parent query, or use your ORM's eager loading. Running them concurrently hides the "
      "latency but still costs {} queries and ties up {} connections.",
      table_list(*f.lookups.shape), records.size(), f.connections.size());
  return d;
}

}  // namespace pgsleuth::analyzers
