// sqlcommenter parsing: any text gives a comment value (malformed comments
// are ignored), and a traceparent it accepts has W3C's shape.

#include "fingerprint/sqlcommenter.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

bool lower_hex(const std::string& s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgsleuth::fingerprint;
  const SqlComment c = parse_sql_comment(pgsleuth::fuzz::as_text(data, size));
  if (c.traceparent) {
    const TraceParent& t = *c.traceparent;
    FUZZ_CHECK(t.version.size() == 2 && t.flags.size() == 2);
    FUZZ_CHECK(lower_hex(t.trace_id, 32) && t.trace_id != std::string(32, '0'));
    FUZZ_CHECK(lower_hex(t.span_id, 16));
  }
  for (const auto& [key, value] : c.tags) FUZZ_CHECK(c.get(key).has_value());
  FUZZ_CHECK(c.route().has_value() == (c.get("route") || c.get("controller") || c.get("action")));
  if (auto r = c.get("route")) FUZZ_CHECK(*c.route() == *r);
  for (const std::string& kind : c.ignore_kinds) FUZZ_CHECK(!kind.empty());
  return 0;
}
