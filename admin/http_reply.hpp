#pragma once
// The admin endpoint's HTTP handling without the socket: how a request is
// read and the reply to it. Pure (bytes through Beast's parser in, a response
// out), so it can be tested and fuzzed without a connection.

#include <boost/beast/http.hpp>

#include "admin/admin_server.hpp"

namespace pgsleuth::admin {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets a fresh parser's size limits.
void limit_request(RequestParser& parser, const AdminLimits& limits);

// GET /metrics, /findings, /requests, /healthz; anything else 404 or 405. A
// handler's exception becomes a 500.
HttpResponse respond(const Handlers& handlers, const HttpRequest& req);

}  // namespace pgsleuth::admin
