#include "fingerprint/pg_scan.hpp"

#include <pg_query.h>

namespace pgsleuth::fingerprint {
namespace {

// Minimal protobuf wire-format reader: varints and length-delimited fields.
struct WireReader {
  const uint8_t* p;
  const uint8_t* end;

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      const uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  // Skips a field of `wire_type`; false on malformed input.
  bool skip(uint64_t wire_type) {
    uint64_t n = 0;
    switch (wire_type) {
      case 0: return varint(n);
      case 1: n = 8; break;
      case 2: if (!varint(n)) return false; break;
      case 5: n = 4; break;
      default: return false;
    }
    if (n > static_cast<uint64_t>(end - p)) return false;
    p += n;
    return true;
  }
};

bool decode_token(WireReader r, PgToken& token) {
  while (r.p < r.end) {
    uint64_t tag = 0, value = 0;
    if (!r.varint(tag)) return false;
    const uint64_t field = tag >> 3, wire = tag & 7;
    if (wire != 0) {
      if (!r.skip(wire)) return false;
      continue;
    }
    if (!r.varint(value)) return false;
    if (field == 1) token.start = static_cast<int32_t>(value);
    if (field == 2) token.end = static_cast<int32_t>(value);
    if (field == 4) token.type = static_cast<int32_t>(value);
  }
  return true;
}

}  // namespace

bool pg_scan_tokens(const std::string& sql, std::vector<PgToken>& out) {
  out.clear();
  PgQueryScanResult result = pg_query_scan(sql.c_str());
  bool ok = result.error == nullptr;
  if (ok) {
    WireReader r{reinterpret_cast<const uint8_t*>(result.pbuf.data),
                 reinterpret_cast<const uint8_t*>(result.pbuf.data) + result.pbuf.len};
    while (ok && r.p < r.end) {
      uint64_t tag = 0, len = 0;
      ok = r.varint(tag);
      if (!ok) break;
      if ((tag >> 3) != 2 || (tag & 7) != 2) {
        ok = r.skip(tag & 7);
        continue;
      }
      ok = r.varint(len) && len <= static_cast<uint64_t>(r.end - r.p);
      if (!ok) break;
      PgToken token;
      ok = decode_token(WireReader{r.p, r.p + len}, token);
      r.p += len;
      out.push_back(token);
    }
  }
  pg_query_free_scan_result(result);
  return ok;
}

}  // namespace pgsleuth::fingerprint
