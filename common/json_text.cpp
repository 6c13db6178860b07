#include "common/json_text.hpp"

#include <cmath>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace pgsleuth::common {

void append_json_text(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, v] : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        out += boost::json::serialize(boost::json::string_view(key));
        out.push_back(':');
        append_json_text(out, v);
      }
      out.push_back('}');
      return;
    }
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& v : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text(out, v);
      }
      out.push_back(']');
      return;
    }
    case boost::json::kind::double_: {
      double d = value.get_double();
      if (!std::isfinite(d)) {
        out += "null";
      } else {
        fmt::format_to(std::back_inserter(out), "{}", d);
      }
      return;
    }
    default:
      out += boost::json::serialize(value);
  }
}

std::string json_text(const boost::json::value& value) {
  std::string out;
  append_json_text(out, value);
  return out;
}

}  // namespace pgsleuth::common
