#include "fingerprint/slow_path.hpp"

#include <pg_query.h>
#include <algorithm>
#include <xxhash.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "fingerprint/parse_tree_facts.hpp"
#include "fingerprint/pg_scan.hpp"
#include "fingerprint/slow_constants.hpp"
#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::fingerprint {
namespace json = boost::json;
namespace {

bool is_constant_token(int32_t type) {
  return type == pg_token::kFconst || type == pg_token::kSconst || type == pg_token::kUsconst ||
         type == pg_token::kBconst || type == pg_token::kXconst || type == pg_token::kIconst;
}

// Text that does not parse: constants replaced as far as the scanner gets, so
// repeats with other literal values still share a (fallback) fingerprint.
SlowStatement unparsed(std::string_view text) {
  SlowStatement out;
  out.shape.parsed = false;
  out.shape.facts.kind = StatementKind::Unknown;
  std::vector<PgToken> tokens;
  const std::string z(text);
  if (text.find('\0') == std::string_view::npos && pg_scan_tokens(z, tokens)) {
    uint32_t n = highest_param(z, tokens) + 1;
    size_t copied = 0;
    for (const auto& t : tokens) {
      if (!is_constant_token(t.type)) continue;
      out.shape.normalized.append(z, copied, static_cast<size_t>(t.start) - copied);
      out.shape.normalized += fmt::format("${}", n++);
      copied = static_cast<size_t>(t.end);
    }
    out.shape.normalized.append(z, copied);
  } else {
    out.shape.normalized = z;
  }
  out.shape.fingerprint = XXH3_64bits(out.shape.normalized.data(), out.shape.normalized.size());
  out.shape.fingerprint_hex = fingerprint_hex(out.shape.fingerprint);
  return out;
}

// The parse tree of a single statement, or null when it cannot be had.
json::value parse_tree(const std::string& z) {
  PgQueryParseResult result = pg_query_parse(z.c_str());
  json::value stmt;
  if (result.error == nullptr) {
    json::parse_options options;
    options.max_depth = 100000;  // libpg_query's own stack limit bounds the depth
    // String literals carry the client encoding's bytes (LATIN1 is legal);
    // rejecting them would give such a statement another fingerprint here
    // than on the cached path.
    options.allow_invalid_utf8 = true;
    boost::system::error_code ec;
    json::value tree = json::parse(result.parse_tree, ec, json::storage_ptr(), options);
    const auto* stmts = ec || !tree.is_object() ? nullptr : tree.as_object().if_contains("stmts");
    if (stmts && stmts->is_array() && stmts->as_array().size() == 1 &&
        stmts->as_array()[0].is_object()) {
      if (const auto* s = stmts->as_array()[0].as_object().if_contains("stmt")) stmt = *s;
    }
  }
  pg_query_free_parse_result(result);
  return stmt;
}

void add_piece(std::string_view sql, size_t begin, size_t end, bool skip_comment_only,
               std::vector<std::pair<size_t, size_t>>& pieces) {
  const auto piece = trim_sql_space(sql, begin, end);
  if (piece.first >= piece.second) return;
  // The scanner split can yield comment-only pieces; the server skips those.
  std::vector<PgToken> tokens;
  if (skip_comment_only && pg_scan_tokens(std::string(sql.substr(piece.first, piece.second - piece.first)), tokens) &&
      std::all_of(tokens.begin(), tokens.end(), [](const PgToken& t) {
        return t.type == pg_token::kSqlComment || t.type == pg_token::kCComment;
      })) {
    return;
  }
  pieces.push_back(piece);
}

}  // namespace

std::string fingerprint_hex(uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

SlowStatement analyze_statement_slow(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return unparsed(text);
  const std::string z(text);
  PgQueryFingerprintResult fp = pg_query_fingerprint(z.c_str());
  const bool fp_ok = fp.error == nullptr;
  SlowStatement out;
  if (fp_ok) {
    out.shape.fingerprint = fp.fingerprint;
    out.shape.fingerprint_hex = fingerprint_hex(fp.fingerprint);
  }
  pg_query_free_fingerprint_result(fp);
  if (!fp_ok) return unparsed(text);

  PgQueryNormalizeResult norm = pg_query_normalize(z.c_str());
  const bool norm_ok = norm.error == nullptr;
  if (norm_ok) out.shape.normalized = norm.normalized_query;
  pg_query_free_normalize_result(norm);
  const json::value stmt = norm_ok ? parse_tree(z) : json::value();
  std::vector<PgToken> tokens;
  if (stmt.is_null() || !pg_scan_tokens(z, tokens)) return unparsed(text);

  out.shape.facts = facts_from_parse_tree(stmt);
  const ConstantValues values = constant_values(stmt, z);
  out.first_number = highest_param(z, tokens) + 1;
  out.spans_known = align_normalized(z, out.shape.normalized, tokens, out.first_number, out.spans);
  out.constants = out.spans_known ? values_at_spans(values, z, tokens, out.spans)
                                  : values_in_order(values, z, tokens);
  return out;
}

std::vector<std::pair<size_t, size_t>> split_statements_slow(std::string_view sql) {
  std::vector<std::pair<size_t, size_t>> pieces;
  const std::string z(sql);
  PgQuerySplitResult split = pg_query_split_with_parser(z.c_str());
  bool by_parser = split.error == nullptr;
  if (!by_parser) {
    pg_query_free_split_result(split);
    split = pg_query_split_with_scanner(z.c_str());
  }
  if (split.error != nullptr) {
    const auto whole = trim_sql_space(sql, 0, sql.size());
    if (whole.first < whole.second) pieces.push_back(whole);
  } else {
    size_t covered = 0;
    for (int i = 0; i < split.n_stmts; ++i) {
      const size_t begin = static_cast<size_t>(split.stmts[i]->stmt_location);
      const size_t len = static_cast<size_t>(split.stmts[i]->stmt_len);
      covered = len == 0 ? sql.size() : begin + len;
      add_piece(sql, begin, covered, !by_parser, pieces);
    }
    // libpg_query's scanner split leaves out what follows its last split:
    // a last statement with no ';' after it, or everything when a ';' sits
    // inside unbalanced parentheses (the server then rejects the whole text
    // as one statement). `covered` is a token boundary, so skipping ';' and
    // space from it never enters a quoted string or a comment.
    if (!by_parser && covered < sql.size()) {
      size_t tail = covered;
      while (tail < sql.size() && (sql[tail] == ';' || is_sql_space(sql[tail]))) ++tail;
      add_piece(sql, tail, sql.size(), true, pieces);
    }
  }
  pg_query_free_split_result(split);
  return pieces;
}

}  // namespace pgsleuth::fingerprint
