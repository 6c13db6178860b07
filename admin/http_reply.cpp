#include "admin/http_reply.hpp"

#include <fmt/format.h>

#include "common/json_text.hpp"

namespace pgsleuth::admin {

namespace http = boost::beast::http;

void limit_request(RequestParser& parser, const AdminLimits& limits) {
  parser.header_limit(static_cast<uint32_t>(limits.max_request_bytes));
  parser.body_limit(limits.max_request_bytes);
}

bool announces_body(const RequestParser& parser) {
  return parser.chunked() || parser.content_length().value_or(0) > 0;
}

HttpResponse respond(const Handlers& handlers, const HttpRequest& req) {
  HttpResponse res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(http::field::server, "pgsleuth");
  const auto reply = [&](http::status status, std::string_view type, std::string body) {
    res.result(status);
    res.set(http::field::content_type, type);
    res.body() = std::move(body);
  };
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));

  if (req.method() != http::verb::get) {
    res.set(http::field::allow, "GET");
    reply(http::status::method_not_allowed, "text/plain; charset=utf-8", "only GET\n");
  } else {
    try {
      if (target == "/metrics" && handlers.metrics) {
        reply(http::status::ok, "text/plain; version=0.0.4; charset=utf-8", handlers.metrics());
      } else if (target == "/findings" && handlers.findings) {
        reply(http::status::ok, "application/json", common::json_text(handlers.findings()));
      } else if (target == "/requests" && handlers.requests) {
        reply(http::status::ok, "application/json", common::json_text(handlers.requests()));
      } else if (target == "/routes" && handlers.routes) {
        reply(http::status::ok, "application/json", common::json_text(handlers.routes()));
      } else if (target == "/healthz") {
        reply(http::status::ok, "text/plain; charset=utf-8", "ok");
      } else {
        reply(http::status::not_found, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (const std::exception& e) {
      reply(http::status::internal_server_error, "text/plain; charset=utf-8", fmt::format("error: {}\n", e.what()));
    }
  }
  res.prepare_payload();
  return res;
}

}  // namespace pgsleuth::admin
