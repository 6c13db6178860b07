#include "analyzer_harness.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace pgsleuth::analyzers::testing {

ShapePtr make_shape(ShapeSpec spec) {
  auto shape = std::make_shared<fingerprint::StatementShape>();
  shape->fingerprint = events::value_hash(spec.normalized);
  shape->fingerprint_hex = fmt::format("{:016x}", shape->fingerprint);
  shape->normalized = spec.normalized;
  shape->facts.kind = spec.kind;
  shape->facts.tables_read = spec.reads;
  shape->facts.tables_written = spec.writes;
  shape->facts.has_limit = spec.has_limit;
  shape->facts.select_star = spec.select_star;
  shape->facts.pure_aggregate = spec.pure_aggregate;
  return shape;
}

ShapePtr select_comments_by_post() {
  static const auto s = make_shape(
      {StatementKind::Select, "SELECT id, body FROM comments WHERE post_id = $1", {"comments"}});
  return s;
}
ShapePtr select_posts() {
  static const auto s =
      make_shape({StatementKind::Select, "SELECT id, title FROM posts WHERE blog_id = $1", {"posts"}});
  return s;
}
ShapePtr select_user_by_id() {
  static const auto s =
      make_shape({StatementKind::Select, "SELECT name FROM users WHERE id = $1", {"users"}});
  return s;
}
ShapePtr update_users() {
  static const auto s = make_shape(
      {StatementKind::Update, "UPDATE users SET name = $1 WHERE id = $2", {"users"}, {"users"}});
  return s;
}
ShapePtr insert_events() {
  static const auto s = make_shape(
      {StatementKind::Insert, "INSERT INTO events (name) VALUES ($1)", {}, {"events"}});
  return s;
}
ShapePtr begin_shape() {
  static const auto s = make_shape({StatementKind::TransactionControl, "BEGIN"});
  return s;
}
ShapePtr commit_shape() {
  static const auto s = make_shape({StatementKind::TransactionControl, "COMMIT"});
  return s;
}
ShapePtr catalog_select() {
  static const auto s = make_shape({StatementKind::Select,
                                    "SELECT typname FROM pg_catalog.pg_type WHERE oid = $1",
                                    {"pg_catalog.pg_type"}});
  return s;
}
ShapePtr version_select() {
  static const auto s = make_shape({StatementKind::Select, "SELECT pg_catalog.version()"});
  return s;
}

events::ConnectionInfoPtr make_conn(uint64_t id, std::string client_addr) {
  auto c = std::make_shared<events::ConnectionInfo>();
  c->connection_id = id;
  c->user = "app";
  c->database = "shop";
  c->application_name = "web";
  c->client_addr = std::move(client_addr);
  return c;
}

Stmt::Stmt(ShapePtr shape, events::ConnectionInfoPtr conn) {
  s_.sql = shape->normalized;
  s_.shape = std::move(shape);
  s_.event.conn = std::move(conn);
  s_.event.command_tag = "SELECT 1";
}

Stmt& Stmt::at(SteadyTime started, std::chrono::microseconds duration) {
  s_.event.started = started;
  s_.event.completed = started + duration;
  s_.event.completed_wall = WallTime{} + std::chrono::hours(24 * 365 * 54) +
                      std::chrono::duration_cast<WallTime::duration>(
                          s_.event.completed.time_since_epoch());
  return *this;
}

Stmt& Stmt::params(const std::vector<std::string>& values) {
  literals(values);
  std::vector<std::optional<std::string>> sample(values.begin(), values.end());
  s_.sample_params = std::move(sample);
  return *this;
}

Stmt& Stmt::literals(const std::vector<std::string>& values) {
  s_.values = values;
  s_.value_hashes.clear();
  for (const auto& v : values) s_.value_hashes.push_back(events::value_hash(v));
  return *this;
}

Stmt& Stmt::trace(std::string trace_id, std::optional<std::string> route) {
  s_.trace_id = std::move(trace_id);
  s_.route = std::move(route);
  return *this;
}

Stmt& Stmt::tx(char before, char after) {
  s_.event.tx_before = before;
  s_.event.tx_after = after;
  return *this;
}

Stmt& Stmt::returns(uint64_t rows, const std::vector<std::string>& cells) {
  s_.event.rows = rows;
  s_.event.bytes = rows * 16;
  for (const auto& c : cells) s_.event.cell_hashes.push_back(events::value_hash(c));
  return *this;
}

Stmt& Stmt::result_hash(uint64_t hash) {
  s_.event.result_hash = hash;
  return *this;
}

Stmt& Stmt::failed(std::string sqlstate) {
  s_.event.sqlstate = std::move(sqlstate);
  s_.event.command_tag.clear();
  return *this;
}

Stmt& Stmt::ignore_all() {
  s_.ignore_all = true;
  return *this;
}

Stmt& Stmt::ignore(std::string kind) {
  s_.ignore_kinds.push_back(std::move(kind));
  return *this;
}

Stmt& Stmt::sql(std::string text) {
  s_.sql = std::move(text);
  return *this;
}

std::vector<boost::json::object> RecordingSink::of_kind(std::string_view kind) const {
  std::vector<boost::json::object> out;
  for (const auto& l : lines) {
    if (l.at("kind").as_string() == kind) out.push_back(l);
  }
  return out;
}

boost::json::object RecordingSink::only(std::string_view kind) const {
  auto found = of_kind(kind);
  if (found.size() != 1) {
    throw std::runtime_error(fmt::format("{} {} lines, not one, among {}", found.size(), kind,
                                         boost::json::serialize(boost::json::value_from(lines))));
  }
  return std::move(found[0]);
}

std::vector<boost::json::object> RecordingSink::finding_lines() const {
  std::vector<boost::json::object> out;
  for (const auto& l : lines) {
    if (l.at("kind").as_string() != findings::kRequestSummaryKind) out.push_back(l);
  }
  return out;
}

Harness::Harness(config::AnalysisSettings s)
    : settings(std::move(s)), analyzer(std::make_unique<Analyzer>(settings, sink)) {}

void Harness::run(Stmt stmt, std::chrono::microseconds gap, std::chrono::microseconds duration) {
  stmt.at(now, duration);
  analyzer->on_statement(stmt.build());
  now += duration + gap;
}

void Harness::run_per_id(const ShapePtr& shape, int n, const events::ConnectionInfoPtr& on) {
  for (const auto& id : numbers(n)) run(Stmt(shape, on).params({id}));
}

void Harness::settle() {
  now += 1h;
  analyzer->tick(now);
}

std::vector<std::string> numbers(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(std::to_string(i));
  return out;
}

}  // namespace pgsleuth::analyzers::testing
