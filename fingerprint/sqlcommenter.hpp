#pragma once
// sqlcommenter comments (/*key='value',...*/, URL-encoded values) and
// pgsleuth's own inline markers (/* pgsleuth:ignore */,
// /* pgsleuth:ignore=n_plus_one,duplicate_query */).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fingerprint/comment_layout.hpp"

namespace pgsleuth::fingerprint {

struct TraceParent {
  std::string version;   // 2 hex
  std::string trace_id;  // 32 lowercase hex, not all zero
  std::string span_id;   // 16 lowercase hex
  std::string flags;     // 2 hex
};

struct SqlComment {
  std::vector<std::pair<std::string, std::string>> tags;  // URL-decoded
  std::optional<TraceParent> traceparent;
  bool ignore_all = false;
  std::vector<std::string> ignore_kinds;

  // The value of `key`, or nullopt.
  std::optional<std::string_view> get(std::string_view key) const;
  // `route`, else "controller#action", else whichever of the two is present.
  std::optional<std::string> route() const;
};

// Looks at comments before or after the statement (tags, traceparent) and
// at every comment (pgsleuth:ignore markers); a malformed comment is
// ignored, never an error. Scans `sql` itself.
SqlComment parse_sql_comment(std::string_view sql);
// The same from a layout already known (the fingerprinter's one lexer pass).
SqlComment sql_comment_from(std::string_view text, const CommentLayout& layout);

}  // namespace pgsleuth::fingerprint
