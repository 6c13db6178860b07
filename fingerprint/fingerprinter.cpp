#include "fingerprint/fingerprinter.hpp"

#include <xxhash.h>

#include "fingerprint/comment_layout.hpp"
#include "fingerprint/edge_comments.hpp"
#include "fingerprint/shape_cache.hpp"
#include "fingerprint/shape_plan.hpp"
#include "fingerprint/slow_path.hpp"
#include "fingerprint/sql_lexer.hpp"

// What is cached vs computed per statement:
//  - cached per shape key (tokens verbatim, literal values replaced by their
//    lexical class, comments and whitespace ignored): fingerprint, facts,
//    parsed flag, and where the constants sit (ConstantSlot) and how
//    pg_query_normalize numbers them;
//  - per statement: constant values (decoded from the literal tokens) and the
//    normalized text (the statement's own text with those spans replaced by
//    $n), because both depend on the literal values, the whitespace and the
//    comments (a sqlcommenter comment differs on every request).
// IN lists of different lengths have different token sequences, hence
// different keys: each is exact. A shape whose fingerprint may depend on
// literal values (anything but SELECT/INSERT/UPDATE/DELETE/MERGE, or a literal
// that normalize keeps, such as varchar(20)) is keyed on those values too.
// On every miss the slow result is re-derived through the fast path and any
// difference marks the key SlowOnly.

namespace pgsleuth::fingerprint {
namespace {

bool is_dml(StatementKind k) {
  return k == StatementKind::Select || k == StatementKind::Insert || k == StatementKind::Update ||
         k == StatementKind::Delete || k == StatementKind::Merge;
}

uint64_t hash_key(const std::string& key) { return XXH3_64bits(key.data(), key.size()); }

// The comments around a statement are cut where the statement's own text
// has them: pg_query_normalize copies them verbatim, while its output may
// not lex (''x became $1x, trailing junk after a parameter), which would
// leave them in where the fast path, reading the text, cuts them.
void trim_edge_comments_of(std::string& normalized, std::string_view text) {
  const CommentLayout layout = comment_layout(text);
  if (layout.has_code()) {
    const size_t head = layout.code_begin;
    const size_t tail = text.size() - layout.code_end;
    if (normalized.size() >= head + tail && normalized.compare(0, head, text.substr(0, head)) == 0 &&
        normalized.compare(normalized.size() - tail, tail, text.substr(layout.code_end)) == 0) {
      normalized = normalized.substr(head, normalized.size() - head - tail);
      return;
    }
  }
  trim_edge_comments_in_place(normalized);
}

StatementAnalysis from_slow(SlowStatement&& slow, std::string_view text) {
  trim_edge_comments_of(slow.shape.normalized, text);
  return StatementAnalysis{std::make_shared<const StatementShape>(std::move(slow.shape)),
                           std::string(text), std::move(slow.constants), {}};
}

// A statement of several without tags of its own takes the whole text's:
// a comment at the end of a multi-statement Query speaks for all of it.
void inherit_comment(std::vector<StatementAnalysis>& statements, std::string_view whole,
                     const SqlComment& whole_comment) {
  for (auto& s : statements) {
    if (s.comment.tags.empty() && !s.comment.ignore_all && s.text.size() != whole.size()) {
      s.comment = whole_comment;
    }
  }
}

}  // namespace

struct Fingerprinter::Impl {
  explicit Impl(uint64_t cache_bytes) : cache(cache_bytes) {}

  StatementAnalysis analyze_statement(const StatementTokens& st) {
    build_shape_key(st, key);
    const ShapeEntry* entry = cache.find(hash_key(key), key);
    if (entry != nullptr && entry->mode == EntryMode::ValueKeyed) {
      const auto keyed = entry->keyed_literals;
      append_value_key(st, keyed, key);
      entry = cache.find(hash_key(key), key);
      if (entry == nullptr) return miss(st, &keyed);
    }
    if (entry == nullptr) return miss(st, nullptr);
    if (entry->mode == EntryMode::SlowOnly) {
      ++misses;
      return from_slow(analyze_statement_slow(st.text), st.text);
    }
    ++hits;
    return hit(st, *entry);
  }

  static StatementAnalysis hit(const StatementTokens& st, const ShapeEntry& entry) {
    StatementAnalysis out{entry.shape, std::string(st.text), render_constants(st, entry), {}};
    std::string normalized = render_normalized(st, entry);
    if (normalized != entry.shape->normalized) {
      auto shape = std::make_shared<StatementShape>(*entry.shape);
      shape->normalized = std::move(normalized);
      out.shape = std::move(shape);
    }
    return out;
  }

  // `keyed`: set when `key` already is a value key, with the literals it holds.
  StatementAnalysis miss(const StatementTokens& st, const std::vector<uint32_t>* keyed) {
    ++misses;
    SlowStatement slow = analyze_statement_slow(st.text);
    if (!slow.shape.parsed) return from_slow(std::move(slow), st.text);  // never cached

    StatementAnalysis out = from_slow(SlowStatement(slow), st.text);
    ShapeEntry entry;
    entry.shape = out.shape;
    entry.first_number = slow.first_number;
    auto slots = slow.spans_known ? slots_from_spans(st, slow) : std::nullopt;
    if (!slots) {
      entry.mode = EntryMode::SlowOnly;
      cache.insert(hash_key(key), key, std::move(entry));
      return out;
    }
    entry.slots = std::move(*slots);
    std::vector<uint32_t> value_dependent = uncovered_literals(st, entry.slots);
    if (!is_dml(slow.shape.facts.kind)) {
      value_dependent.clear();
      for (uint32_t i = 0; i < st.tokens.size(); ++i) {
        if (st.tokens[i].kind == TokenKind::Literal) value_dependent.push_back(i);
      }
    }
    if (keyed == nullptr && !value_dependent.empty()) {
      ShapeEntry redirect;
      redirect.mode = EntryMode::ValueKeyed;
      redirect.keyed_literals = value_dependent;
      cache.insert(hash_key(key), key, std::move(redirect));
      append_value_key(st, value_dependent, key);
    } else if (keyed != nullptr && *keyed != value_dependent) {
      entry.mode = EntryMode::SlowOnly;
    }
    // Prove the slots reproduce libpg_query's answer for this very statement.
    std::string normalized = render_normalized(st, entry);
    if (normalized != out.shape->normalized ||
        render_constants(st, entry) != out.constants) {
      entry.mode = EntryMode::SlowOnly;
    }
    cache.insert(hash_key(key), key, std::move(entry));
    return out;
  }

  ShapeCache cache;
  LexedQuery lexed;
  std::string key;
  uint64_t hits = 0;
  uint64_t misses = 0;
};

std::string_view to_string(StatementKind kind) {
  switch (kind) {
    case StatementKind::Select: return "select";
    case StatementKind::Insert: return "insert";
    case StatementKind::Update: return "update";
    case StatementKind::Delete: return "delete";
    case StatementKind::Merge: return "merge";
    case StatementKind::Ddl: return "ddl";
    case StatementKind::Utility: return "utility";
    case StatementKind::TransactionControl: return "transaction_control";
    case StatementKind::SetShow: return "set_show";
    case StatementKind::Unknown: break;
  }
  return "unknown";
}

Fingerprinter::Fingerprinter(uint64_t cache_bytes) : impl_(std::make_unique<Impl>(cache_bytes)) {}
Fingerprinter::~Fingerprinter() = default;

std::vector<StatementAnalysis> Fingerprinter::analyze(std::string_view sql) {
  if (sql.find('\0') != std::string_view::npos || !lex_sql(sql, impl_->lexed)) {
    return analyze_uncached(sql);
  }
  const LexedQuery& lexed = impl_->lexed;
  std::vector<StatementAnalysis> out;
  out.reserve(lexed.statements.size());
  for (const auto& s : lexed.statements) {
    const auto tokens = std::span<const Token>(lexed.tokens).subspan(s.first_token, s.token_count);
    const StatementTokens st{sql.substr(s.begin, s.end - s.begin), tokens, s.begin};
    out.push_back(impl_->analyze_statement(st));
    if (!lexed.comments.empty()) {
      out.back().comment = sql_comment_from(st.text, comment_layout(lexed.comments, tokens, s.begin, s.end));
    }
  }
  if (!lexed.comments.empty()) {
    inherit_comment(out, sql, sql_comment_from(sql, comment_layout(lexed.comments, lexed.tokens, 0, sql.size())));
  }
  // Text that does not parse is split by libpg_query's scanner, whose rules
  // (a piece needs a keyword; parentheses count across ';') the lexer does
  // not reproduce. Unless the lexer's one statement is the whole text, its
  // split may differ: ask the reference. Unparsed shapes are never cached,
  // so this costs only text that already missed.
  const auto whole = trim_sql_space(sql, 0, sql.size());
  const bool one_whole = out.size() == 1 && impl_->lexed.statements[0].begin == whole.first &&
                         impl_->lexed.statements[0].end == whole.second;
  for (const StatementAnalysis& a : out) {
    if (!a.shape->parsed && !one_whole) return analyze_uncached(sql);
  }
  return out;
}

std::vector<StatementAnalysis> Fingerprinter::analyze_uncached(std::string_view sql) {
  std::vector<StatementAnalysis> out;
  if (sql.find('\0') != std::string_view::npos) {
    // No C string holds this; the wire protocol cannot carry it either.
    const auto [b, e] = trim_sql_space(sql, 0, sql.size());
    if (b < e) out.push_back(from_slow(analyze_statement_slow(sql.substr(b, e - b)), sql.substr(b, e - b)));
    return out;
  }
  for (const auto& [b, e] : split_statements_slow(sql)) {
    const auto text = sql.substr(b, e - b);
    out.push_back(from_slow(analyze_statement_slow(text), text));
    out.back().comment = parse_sql_comment(text);
  }
  inherit_comment(out, sql, parse_sql_comment(sql));
  return out;
}

CacheStats Fingerprinter::stats() const {
  return CacheStats{impl_->hits, impl_->misses, impl_->cache.evictions(), impl_->cache.entries(),
                    impl_->cache.bytes()};
}

}  // namespace pgsleuth::fingerprint
