#include "app/statement_builder.hpp"

#include "app/param_text.hpp"
#include "events/value_hash.hpp"
#include "fingerprint/sqlcommenter.hpp"

namespace pgsleuth::app {

analyzers::AnalyzedStatement StatementBuilder::build(events::StatementEvent&& ev) {
  if (!ev.sql.same_copy(last_sql_)) {
    last_analyses_ = fingerprinter_.analyze(*ev.sql);
    last_sql_ = ev.sql;
  }
  analyzers::AnalyzedStatement s;
  if (ev.statement_index < last_analyses_.size()) {
    const auto& a = last_analyses_[ev.statement_index];
    s.shape = a.shape;
    s.sql = a.text;
    if (!ev.extended) s.values = a.constants;
  } else {
    // More results than statements found in the text (it did not split as
    // the server did): fall back to the whole text.
    auto whole = fingerprinter_.analyze_uncached(*ev.sql);
    if (!whole.empty()) s.shape = whole.front().shape;
    s.sql = *ev.sql;
  }
  if (!s.shape) {
    auto shape = std::make_shared<fingerprint::StatementShape>();
    shape->parsed = false;
    s.shape = std::move(shape);
  }
  if (ev.extended) {
    std::vector<std::optional<std::string>> params;
    params.reserve(ev.params.size());
    for (const auto& p : ev.params) {
      // Hash the value as sent (binary ones too), as cells are hashed.
      s.value_hashes.push_back(p.is_null ? 0 : events::value_hash(p.value));
      params.emplace_back(p.is_null ? std::nullopt : std::optional<std::string>(param_text(p)));
      s.values.push_back(p.is_null ? "\\N" : *params.back());
    }
    s.sample_params = std::move(params);
  } else {
    for (const auto& v : s.values) s.value_hashes.push_back(events::value_hash(v));
  }
  fingerprint::SqlComment comment = fingerprint::parse_sql_comment(s.sql);
  if (comment.tags.empty() && !comment.ignore_all && s.sql.size() != ev.sql->size()) {
    comment = fingerprint::parse_sql_comment(*ev.sql);
  }
  if (comment.traceparent) s.trace_id = comment.traceparent->trace_id;
  s.route = comment.route();
  s.ignore_all = comment.ignore_all;
  s.ignore_kinds = std::move(comment.ignore_kinds);
  s.conn = std::move(ev.conn);
  s.started = ev.started;
  s.completed = ev.completed;
  s.completed_wall = ev.completed_wall;
  s.rows = ev.rows;
  s.bytes = ev.bytes;
  s.command_tag = std::move(ev.command_tag);
  s.sqlstate = std::move(ev.sqlstate);
  s.tx_before = ev.tx_before;
  s.tx_after = ev.tx_after;
  s.result_hash = ev.result_hash;
  s.cell_hashes = std::move(ev.cell_hashes);
  return s;
}

}  // namespace pgsleuth::app
