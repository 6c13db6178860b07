// The admin endpoint's request handling: bytes go through Beast's parser with
// the endpoint's limits, as http::async_read would take them off a
// keep-alive connection, and every request parsed gets a well-formed reply.

#include <boost/json.hpp>

#include <sstream>
#include <stdexcept>

#include "admin/http_reply.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

namespace http = boost::beast::http;
using namespace pgsleuth::admin;

const Handlers& handlers() {
  static const Handlers h{
      [] { return std::string("# TYPE pgsleuth_up gauge\npgsleuth_up 1\n"); },
      [] { return boost::json::array{boost::json::object{{"kind", "n_plus_one"}, {"count", 5}}}; },
      []() -> boost::json::array { throw std::runtime_error("requests unavailable"); }};
  return h;
}

// Parses one request's header from the front of `in`, as
// http::async_read_header does; false when none is complete or it announces
// a body (the endpoint then closes without a reply).
bool read_request(std::string_view& in, RequestParser& parser) {
  parser.eager(false);  // as http::async_read_header sets it
  boost::beast::error_code ec;
  while (!parser.is_header_done()) {
    const size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec == http::error::need_more) ec = {};
    if (ec) return false;
    if (used == 0) {  // it wants more than there is: the peer sent no more
      parser.put_eof(ec);
      return !ec && parser.is_done() && !announces_body(parser);
    }
  }
  return !announces_body(parser) && parser.is_done();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = pgsleuth::fuzz::as_text(data, size);
  const AdminLimits limits;
  for (int served = 0; served < 64 && !in.empty(); ++served) {
    RequestParser parser;
    limit_request(parser, limits);
    if (!read_request(in, parser)) return 0;  // the session closes without a reply
    const HttpRequest& req = parser.get();
    HttpResponse res = respond(handlers(), req);
    FUZZ_CHECK(res.result_int() >= 200 && res.result_int() < 600);
    FUZZ_CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
    FUZZ_CHECK(req.method() == http::verb::get || res.result() == http::status::method_not_allowed);
    std::ostringstream wire;
    wire << res;
    FUZZ_CHECK(wire.str().size() > res.body().size());
    if (!res.keep_alive()) return 0;
  }
  return 0;
}
