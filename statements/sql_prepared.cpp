#include "statements/sql_prepared.hpp"

#include <string_view>
#include <vector>

#include "events/value_hash.hpp"
#include "fingerprint/literal_value.hpp"
#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::statements {
namespace {

using fingerprint::Token;
using fingerprint::TokenKind;

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool word_is(std::string_view text, const Token& t, std::string_view lower) {
  if (t.kind != TokenKind::Word || t.end - t.begin != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (ascii_lower(text[t.begin + i]) != lower[i]) return false;
  }
  return true;
}

// A statement name as PostgreSQL folds it: unquoted to lower case, quoted
// as written ("" undoubled).
std::optional<std::string> name_of(std::string_view text, const Token& t) {
  if (t.kind == TokenKind::Word) {
    std::string out(text.substr(t.begin, t.end - t.begin));
    for (auto& c : out) c = ascii_lower(c);
    return out;
  }
  if (t.kind != TokenKind::QuotedIdent || t.end - t.begin < 2) return std::nullopt;
  std::string out;
  for (uint32_t i = t.begin + 1; i + 1 < t.end; ++i) {
    out += text[i];
    if (text[i] == '"') ++i;
  }
  return out;
}

bool punct_is(std::string_view text, const Token& t, char c) {
  return t.kind == TokenKind::Punct && t.end == t.begin + 1 && text[t.begin] == c;
}

// EXECUTE's `(arg, ...)` from its first token: each argument's value as
// the server would print it when it is one literal, else its text.
std::vector<std::string> arguments(std::string_view text, const Token* tok, size_t n) {
  std::vector<std::string> out;
  if (n < 2 || !punct_is(text, tok[0], '(')) return out;
  int depth = 0;
  size_t first = 1;  // the current argument's first token
  for (size_t i = 1; i < n; ++i) {
    const bool open = punct_is(text, tok[i], '(');
    const bool close = punct_is(text, tok[i], ')');
    if (open) ++depth;
    if (close && depth > 0) {
      --depth;
      continue;
    }
    if (depth > 0 || !(close || punct_is(text, tok[i], ','))) continue;
    if (i == first) break;  // "()" or ",,": nothing to take
    if (i == first + 1 && tok[first].kind == TokenKind::Literal) {
      const uint32_t b = fingerprint::text_begin(tok[first]);
      out.push_back(fingerprint::literal_value(text.substr(b, tok[first].end - b), tok[first].literal));
    } else {
      const uint32_t b = fingerprint::text_begin(tok[first]);
      out.emplace_back(text.substr(b, tok[i - 1].end - b));
    }
    if (close) break;
    first = i + 1;
  }
  return out;
}

// The commands this looks at all start with one of these words; anything
// else is left alone without lexing it again.
bool may_concern_prepared(const fingerprint::StatementShape& shape) {
  if (shape.facts.kind != fingerprint::StatementKind::Utility) return false;
  const std::string_view n = shape.normalized;
  const auto starts = [&](std::string_view word) {
    if (n.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (ascii_lower(n[i]) != word[i]) return false;
    }
    return true;
  };
  return starts("prepare") || starts("execute") || starts("deallocate") || starts("discard");
}

}  // namespace

void SqlPreparedStatements::on_statement(AnalyzedStatement& s, fingerprint::Fingerprinter& fingerprinter) {
  if (!s.shape || !s.event.conn || !may_concern_prepared(*s.shape)) return;
  fingerprint::LexedQuery lexed;
  if (!fingerprint::lex_sql(s.sql, lexed) || lexed.statements.empty()) return;
  const auto& st = lexed.statements.front();
  const Token* tok = lexed.tokens.data() + st.first_token;
  const size_t n = st.token_count;
  const std::string_view text = s.sql;
  const uint64_t conn = s.event.conn->connection_id;
  if (n >= 2 && word_is(text, tok[0], "discard") && word_is(text, tok[1], "all")) {
    by_connection_.erase(conn);
    return;
  }
  if (n >= 2 && word_is(text, tok[0], "deallocate")) {
    size_t i = 1;
    if (word_is(text, tok[i], "prepare") && n > 2) ++i;
    if (word_is(text, tok[i], "all")) {
      by_connection_.erase(conn);
    } else if (auto name = name_of(text, tok[i]); name && by_connection_.count(conn)) {
      by_connection_[conn].erase(*name);
    }
    return;
  }
  if (n >= 2 && word_is(text, tok[0], "execute")) {
    const auto known = by_connection_.find(conn);
    const auto name = name_of(text, tok[1]);
    if (known == by_connection_.end() || !name) return;
    const auto found = known->second.find(*name);
    if (found == known->second.end()) return;
    s.shape = found->second;
    s.values = arguments(text, tok + 2, n - 2);
    s.value_hashes.clear();
    for (const auto& v : s.values) s.value_hashes.push_back(events::value_hash(v));
    return;
  }
  if (n < 4 || !word_is(text, tok[0], "prepare")) return;
  const auto name = name_of(text, tok[1]);
  if (!name) return;
  size_t i = 2;
  if (punct_is(text, tok[i], '(')) {
    int depth = 0;
    for (; i < n; ++i) {
      if (punct_is(text, tok[i], '(')) ++depth;
      if (punct_is(text, tok[i], ')') && --depth == 0) break;
    }
    ++i;
  }
  if (i + 1 >= n || !word_is(text, tok[i], "as")) return;
  const std::string_view body = text.substr(tok[i + 1].begin, st.end - tok[i + 1].begin);
  auto analyses = fingerprinter.analyze(body);
  if (analyses.empty() || !analyses.front().shape) return;
  if (by_connection_.size() >= kMaxConnections && !by_connection_.count(conn)) {
    by_connection_.erase(by_connection_.begin());
  }
  auto& names = by_connection_[conn];
  if (names.size() >= kMaxNamesPerConnection && !names.count(*name)) names.erase(names.begin());
  names[*name] = analyses.front().shape;
}

}  // namespace pgsleuth::statements
