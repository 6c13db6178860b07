#include "statements/statement_builder.hpp"

#include "statements/param_text.hpp"
#include "events/value_hash.hpp"
#include "fingerprint/sqlcommenter.hpp"

namespace pgsleuth::statements {
namespace {

void apply_comment(const fingerprint::SqlComment& comment, AnalyzedStatement& s) {
  if (comment.traceparent) s.trace_id = comment.traceparent->trace_id;
  s.route = comment.route();
  s.ignore_all = comment.ignore_all;
  s.ignore_kinds = comment.ignore_kinds;
}

}  // namespace

AnalyzedStatement StatementBuilder::build(events::StatementEvent&& ev) {
  if (!ev.sql.same_copy(last_sql_)) {
    last_analyses_ = fingerprinter_.analyze(*ev.sql);
    last_sql_ = ev.sql;
  }
  AnalyzedStatement s;
  if (ev.statement_index < last_analyses_.size()) {
    auto& a = last_analyses_[ev.statement_index];
    apply_comment(a.comment, s);
    // A simple Query's text is its own (the proxy makes one per Query) and
    // brings each of its statements once, in order: its last one is the
    // last use of the analysis, which is taken rather than copied.
    if (!ev.extended && ev.statement_index + 1 == last_analyses_.size()) {
      s.shape = std::move(a.shape);
      s.sql = std::move(a.text);
      s.values = std::move(a.constants);
      last_sql_ = events::SqlText();
      last_analyses_.clear();
    } else {
      s.shape = a.shape;
      s.sql = a.text;
      if (!ev.extended) s.values = a.constants;
    }
  } else {
    // More results than statements found in the text (it did not split as
    // the server did): fall back to the whole text.
    auto whole = fingerprinter_.analyze_uncached(*ev.sql);
    if (!whole.empty()) s.shape = whole.front().shape;
    s.sql = *ev.sql;
    apply_comment(fingerprint::parse_sql_comment(s.sql), s);
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
  s.event = std::move(ev);
  prepared_.on_statement(s, fingerprinter_);
  return s;
}

}  // namespace pgsleuth::statements
