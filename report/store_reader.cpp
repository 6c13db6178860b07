#include "report/store_reader.hpp"

#include <libpq-fe.h>

#include <memory>

#include <fmt/format.h>

#include "common/one_line.hpp"
#include "findings/rfc3339.hpp"
#include "sinks/store_schema.hpp"
#include "sinks/store_url.hpp"

namespace pgsleuth::report {
namespace {

struct ConnFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultClear>;

[[noreturn]] void fail(const std::string& url, const std::string& why) {
  throw FileError(common::one_line(fmt::format("{}: cannot read the fleet store: {}", sinks::redacted_url(url),
                                               sinks::without_password(why, url))));
}

void ignore_notice(void*, const char*) {}

}  // namespace

void read_store(const std::string& url, const LineFilter& filter,
                const std::function<bool(const findings::Line&)>& on_line,
                const std::function<bool(const LineProblem&)>& on_problem) {
  if (const std::string why = sinks::store_url_error(url); !why.empty()) fail(url, why);
  // The URL's own connect_timeout, if any, overrides this one.
  const char* keys[] = {"connect_timeout", "dbname", "application_name", nullptr};
  const char* values[] = {"10", url.c_str(), "pgsleuth-report", nullptr};
  std::unique_ptr<PGconn, ConnFinish> conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) fail(url, conn ? PQerrorMessage(conn.get()) : "out of memory");
  PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);

  const std::string since = filter.since ? findings::rfc3339(*filter.since) : "";
  const char* params[] = {filter.since ? since.c_str() : nullptr,
                          filter.instance ? filter.instance->c_str() : nullptr};
  if (PQsendQueryParams(conn.get(), sinks::store_select_sql().c_str(), 2, nullptr, params, nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(conn.get()) != 1) {
    fail(url, PQerrorMessage(conn.get()));
  }
  size_t number = 0;
  bool reading = true;
  // Every result is consumed, even after a callback stops: libpq needs the
  // query finished before the connection closes cleanly.
  while (Result r{PQgetResult(conn.get())}) {
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_FATAL_ERROR) {
      if (!reading) continue;  // the cancel we asked for
      fail(url, PQresultErrorMessage(r.get()));
    }
    if (status != PGRES_SINGLE_TUPLE || !reading) continue;
    ++number;
    const char* text = PQgetvalue(r.get(), 0, 0);
    try {
      reading = on_line(findings::parse_line(text));
    } catch (const findings::BadLine& e) {
      reading = on_problem({number, e.what()});
    }
    if (!reading) {
      char why[256];
      if (PGcancel* cancel = PQgetCancel(conn.get())) {
        PQcancel(cancel, why, sizeof why);
        PQfreeCancel(cancel);
      }
    }
  }
}

}  // namespace pgsleuth::report
