#include "proxy/wire/error_response.hpp"

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::wire {

using namespace std::string_literals;

std::string make_error_response(std::string_view severity, std::string_view sqlstate,
                                std::string_view message) {
  std::string out = "E\0\0\0\0"s;
  auto field = [&](char code, std::string_view value) {
    out.push_back(code);
    out.append(value);
    out.push_back('\0');
  };
  field('S', severity);
  field('V', severity);  // the non-localized severity, as PostgreSQL 9.6+ sends
  field('C', sqlstate);
  field('M', message);
  out.push_back('\0');
  put_u32(out.data() + 1, static_cast<uint32_t>(out.size() - 1));
  return out;
}

}  // namespace pgsleuth::wire
