#include "proxy/wire/messages.hpp"

#include <algorithm>

namespace pgsleuth::wire {

std::optional<std::string_view> parse_query(std::string_view body) {
  // A truncated Query has no terminator in the captured part: keep it all.
  auto nul = body.find('\0');
  return nul == std::string_view::npos ? body : body.substr(0, nul);
}

namespace {

// `count` OIDs from `r`, as many as are there whole.
TypeOids type_oids(ByteReader& r, int16_t count) {
  const std::string_view rest = r.rest();
  const size_t whole = std::min(rest.size() / 4, static_cast<size_t>(std::max<int16_t>(count, 0)));
  return TypeOids{rest.substr(0, whole * 4)};
}

// Describe and Close lay out alike: 'S' (a statement) or 'P' (a portal), then its name.
template <typename Msg>
std::optional<Msg> parse_target_and_name(std::string_view body) {
  ByteReader r(body);
  auto target = r.u8();
  auto name = r.cstring();
  if (!target || !name || (*target != 'S' && *target != 'P')) return std::nullopt;
  return Msg{static_cast<char>(*target), *name};
}

}  // namespace

uint32_t TypeOids::operator[](size_t i) const {
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data() + i * 4);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::optional<ParseMsg> parse_parse(std::string_view body) {
  ByteReader r(body);
  auto name = r.cstring();
  if (!name) return std::nullopt;
  std::string_view rest = r.rest();
  auto nul = rest.find('\0');
  if (nul == std::string_view::npos) return ParseMsg{*name, rest, {}};
  ByteReader types(rest.substr(nul + 1));
  auto count = types.i16();
  return ParseMsg{*name, rest.substr(0, nul), count ? type_oids(types, *count) : TypeOids{}};
}

std::optional<DescribeMsg> parse_describe(std::string_view body) { return parse_target_and_name<DescribeMsg>(body); }

std::optional<TypeOids> parse_parameter_description(std::string_view body) {
  ByteReader r(body);
  auto count = r.i16();
  if (!count || *count < 0) return std::nullopt;
  return type_oids(r, *count);
}

std::optional<BindMsg> parse_bind(std::string_view body, bool truncated, size_t max_params,
                                  std::vector<BindParamView>&& reuse) {
  ByteReader r(body);
  BindMsg msg;
  msg.params = std::move(reuse);
  msg.params.clear();
  auto portal = r.cstring();
  auto stmt = r.cstring();
  auto nformats = r.i16();
  if (!portal || !stmt || !nformats || *nformats < 0) return std::nullopt;
  msg.portal = *portal;
  msg.statement = *stmt;
  // Format codes: none = all text, one = applies to all, else one each.
  auto formats = r.bytes(static_cast<size_t>(*nformats) * 2);
  if (!formats) return truncated ? std::optional<BindMsg>(msg) : std::nullopt;
  auto nparams = r.i16();
  if (!nparams) return truncated ? std::optional<BindMsg>(msg) : std::nullopt;
  if (*nparams < 0) return std::nullopt;
  msg.param_count = static_cast<uint32_t>(*nparams);
  auto format_of = [&](int i) {
    if (*nformats == 0) return false;
    int idx = *nformats == 1 ? 0 : i;
    if (idx >= *nformats) return false;
    return ((*formats)[idx * 2 + 1] & 1) != 0;
  };
  for (int i = 0; i < *nparams && msg.params.size() < max_params; ++i) {
    auto len = r.i32();
    if (!len) break;
    BindParamView p;
    p.binary = format_of(i);
    if (*len < 0) {
      p.is_null = true;
    } else {
      p.full_length = static_cast<uint32_t>(*len);
      size_t have = std::min<size_t>(r.remaining(), p.full_length);
      p.value = *r.bytes(have);
      if (have < p.full_length) {
        msg.params.push_back(p);
        break;
      }
    }
    msg.params.push_back(p);
  }
  return msg;
}

std::optional<ExecuteMsg> parse_execute(std::string_view body) {
  ByteReader r(body);
  auto portal = r.cstring();
  auto max_rows = r.u32();
  if (!portal || !max_rows) return std::nullopt;
  return ExecuteMsg{*portal, *max_rows};
}

std::optional<CloseMsg> parse_close(std::string_view body) { return parse_target_and_name<CloseMsg>(body); }

std::optional<std::string_view> parse_command_complete(std::string_view body) {
  ByteReader r(body);
  return r.cstring();
}

std::optional<std::string_view> parse_error_field(std::string_view body, char field) {
  ByteReader r(body);
  while (true) {
    auto code = r.u8();
    if (!code || *code == 0) return std::nullopt;
    auto value = r.cstring();
    if (!value) return std::nullopt;
    if (*code == static_cast<uint8_t>(field)) return *value;
  }
}

std::optional<std::string_view> parse_error_sqlstate(std::string_view body) { return parse_error_field(body, 'C'); }

std::optional<char> parse_ready_for_query(std::string_view body) {
  if (body.size() != 1) return std::nullopt;
  char s = body[0];
  if (s != 'I' && s != 'T' && s != 'E') return std::nullopt;
  return s;
}

std::optional<ParameterStatusMsg> parse_parameter_status(std::string_view body) {
  ByteReader r(body);
  auto name = r.cstring();
  auto value = r.cstring();
  if (!name || !value) return std::nullopt;
  return ParameterStatusMsg{*name, *value};
}

}  // namespace pgsleuth::wire
