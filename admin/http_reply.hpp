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

// A request whose header announces a body. The endpoint takes none (every
// path is a GET) and closes such a connection after the header, before
// Beast parses a body: Boost 1.81's chunk parser trips its own
// BOOST_ASSERT(n >= 5) in parse_chunk_header on `0;\r\n` after a chunked
// header (fuzz_admin_http found it), which is not ours to fix.
bool announces_body(const RequestParser& parser);

// GET /metrics, /findings, /requests, /healthz; anything else 404 or 405. A
// handler's exception becomes a 500.
HttpResponse respond(const Handlers& handlers, const HttpRequest& req);

}  // namespace pgsleuth::admin
