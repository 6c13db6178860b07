#pragma once
// libpg_query's own scanner (pg_query_scan), decoded from its protobuf result
// by hand: the protobuf-c headers are not installed, and two fields suffice.

#include <cstdint>
#include <string>
#include <vector>

namespace pgsleuth::fingerprint {

struct PgToken {
  int32_t start = 0;
  int32_t end = 0;
  int32_t type = 0;  // pg_query.proto `Token` enum
};

// Token type numbers from pg_query.proto that the slow path cares about.
namespace pg_token {
inline constexpr int32_t kFconst = 260;
inline constexpr int32_t kSconst = 261;
inline constexpr int32_t kUsconst = 262;
inline constexpr int32_t kBconst = 263;
inline constexpr int32_t kXconst = 264;
inline constexpr int32_t kIconst = 266;
inline constexpr int32_t kParam = 267;
inline constexpr int32_t kSqlComment = 275;
inline constexpr int32_t kCComment = 276;
}  // namespace pg_token

// Scans the NUL-terminated `sql`. False when libpg_query reports an error.
bool pg_scan_tokens(const std::string& sql, std::vector<PgToken>& out);

}  // namespace pgsleuth::fingerprint
