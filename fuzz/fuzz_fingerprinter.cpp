// Differential: the fingerprinter's cached fast path must answer exactly what
// libpg_query answers uncached, on a miss and again on a hit. A difference is
// a crash. Input: queries separated by NUL bytes, analysed in order through
// one small cache so shapes meet, collide and get evicted within one input.

#include <string>
#include <vector>

#include "fingerprint/fingerprinter.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace pgsleuth::fingerprint;

void same(const std::vector<StatementAnalysis>& fast, const std::vector<StatementAnalysis>& slow) {
  FUZZ_CHECK(fast.size() == slow.size());
  for (size_t i = 0; i < fast.size(); ++i) {
    const StatementAnalysis& f = fast[i];
    const StatementAnalysis& s = slow[i];
    FUZZ_CHECK(f.text == s.text);
    FUZZ_CHECK(f.constants == s.constants);
    const StatementShape& fs = *f.shape;
    const StatementShape& ss = *s.shape;
    FUZZ_CHECK(fs.fingerprint == ss.fingerprint);
    FUZZ_CHECK(fs.fingerprint_hex == ss.fingerprint_hex && fs.fingerprint_hex.size() == 16);
    FUZZ_CHECK(fs.normalized == ss.normalized);
    FUZZ_CHECK(fs.parsed == ss.parsed);
    FUZZ_CHECK(fs.facts.kind == ss.facts.kind);
    FUZZ_CHECK(fs.facts.tables_read == ss.facts.tables_read);
    FUZZ_CHECK(fs.facts.tables_written == ss.facts.tables_written);
    FUZZ_CHECK(fs.facts.has_limit == ss.facts.has_limit);
    FUZZ_CHECK(fs.facts.select_star == ss.facts.select_star);
    FUZZ_CHECK(fs.facts.pure_aggregate == ss.facts.pure_aggregate);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fingerprinter fp(8 * 1024);
  std::string_view in = pgsleuth::fuzz::as_text(data, size);
  while (true) {
    const size_t nul = in.find('\0');
    const std::string_view sql = in.substr(0, nul);
    const auto slow = fp.analyze_uncached(sql);
    same(fp.analyze(sql), slow);  // a miss, or a hit on an earlier query's shape
    same(fp.analyze(sql), slow);  // a hit
    if (nul == std::string_view::npos) break;
    in.remove_prefix(nul + 1);
  }
  FUZZ_CHECK(fp.stats().bytes <= 8 * 1024);
  return 0;
}
