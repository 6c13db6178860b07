// The body parsers: every view they return points into the body, and a Bind
// never yields more parameters than asked for or than it declares.
// Input: [flags: bit 0 = Bind truncated, bits 1-7 = max params][body...].

#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "proxy/wire/messages.hpp"

using namespace pgsleuth::wire;
using pgsleuth::fuzz::within;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool truncated = data[0] & 1;
  const size_t max_params = data[0] >> 1;
  const std::string_view body = pgsleuth::fuzz::as_text(data + 1, size - 1);

  if (auto q = parse_query(body)) FUZZ_CHECK(within(*q, body));
  if (auto p = parse_parse(body)) FUZZ_CHECK(within(p->statement, body) && within(p->query, body));
  static std::vector<BindParamView> reuse;
  if (auto b = parse_bind(body, truncated, max_params, std::move(reuse))) {
    FUZZ_CHECK(within(b->portal, body) && within(b->statement, body));
    FUZZ_CHECK(b->params.size() <= max_params && b->params.size() <= b->param_count);
    for (const BindParamView& p : b->params) {
      FUZZ_CHECK(within(p.value, body));
      FUZZ_CHECK(p.is_null ? p.value.empty() : p.value.size() <= p.full_length);
    }
    reuse = std::move(b->params);
  }
  if (auto e = parse_execute(body)) FUZZ_CHECK(within(e->portal, body));
  if (auto c = parse_close(body)) FUZZ_CHECK((c->target == 'S' || c->target == 'P') && within(c->name, body));
  if (auto t = parse_command_complete(body)) FUZZ_CHECK(within(*t, body));
  if (auto s = parse_error_sqlstate(body)) FUZZ_CHECK(within(*s, body));
  if (auto z = parse_ready_for_query(body)) FUZZ_CHECK(*z == 'I' || *z == 'T' || *z == 'E');
  for_each_data_row_cell(body, [&](std::string_view v, bool is_null) { FUZZ_CHECK(within(v, body) && (!is_null || v.empty())); });
  return 0;
}
