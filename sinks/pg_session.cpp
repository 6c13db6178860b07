#include "sinks/pg_session.hpp"

#include <poll.h>

#include <algorithm>

#include <fmt/format.h>

#include "common/one_line.hpp"
#include "sinks/store_url.hpp"

namespace pgsleuth::sinks {
namespace {

// Polls in slices this long so an abort is seen soon.
constexpr std::chrono::milliseconds kSlice{100};

// libpq's messages span lines ("...failed: Connection refused\n\tIs the
// server running..."): one log line, words separated by single spaces.
std::string tidy(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// libpq prints NOTICEs ("relation ... already exists, skipping") to stderr
// by default; pgsleuth's stderr is its log.
void ignore_notice(void*, const char*) {}

}  // namespace

PgSession::PgSession(const std::string& url, Deadline deadline, const std::atomic<bool>* abort)
    : url_(url), abort_(abort) {
  const char* keys[] = {"dbname", "application_name", nullptr};
  const char* values[] = {url.c_str(), "pgsleuth-store", nullptr};
  conn_.reset(PQconnectStartParams(keys, values, /*expand_dbname=*/1));
  if (!conn_) throw StoreError("cannot allocate a libpq connection");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) fail("cannot connect");
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) fail("cannot connect");
    if (!wait_socket(state == PGRES_POLLING_WRITING, deadline)) {
      throw StoreError("cannot connect: no answer within the connect timeout (or shutting down)");
    }
    state = PQconnectPoll(conn_.get());
  }
  if (PQsetnonblocking(conn_.get(), 1) != 0) fail("cannot make the connection non-blocking");
}

void PgSession::fail(const std::string& what) const {
  std::string message = conn_ ? PQerrorMessage(conn_.get()) : "";
  throw StoreError(common::one_line(without_password(
      fmt::format("{}: {}", what, message.empty() ? "no detail from libpq" : tidy(message)), url_)));
}

bool PgSession::wait_socket(bool for_write, Deadline deadline) const {
  const int fd = PQsocket(conn_.get());
  if (fd < 0) return false;
  while (true) {
    if (abort_ != nullptr && abort_->load()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min(left, kSlice).count()) + 1);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

PgResult PgSession::exec(const std::string& sql, const std::vector<std::string>& params, Deadline deadline) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  const int sent = params.empty() ? PQsendQuery(conn_.get(), sql.c_str())
                                  : PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                      values.data(), nullptr, nullptr, 0);
  if (sent != 1) fail("sending a statement failed");
  // A large batch may not fit the socket buffer at once.
  while (true) {
    const int flushed = PQflush(conn_.get());
    if (flushed == 0) break;
    if (flushed < 0 || !wait_socket(true, deadline)) fail("sending a statement failed");
  }
  PgResult last;
  std::string first_error;
  while (true) {
    while (PQisBusy(conn_.get())) {
      if (!wait_socket(false, deadline)) {
        throw StoreError("no answer within the statement timeout, the store is slow or hung (or shutting down)");
      }
      if (PQconsumeInput(conn_.get()) != 1) fail("the connection broke");
    }
    PgResult r(PQgetResult(conn_.get()));
    if (!r) break;
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_FATAL_ERROR && first_error.empty()) {
      first_error = PQresultErrorMessage(r.get());
      if (first_error.empty()) first_error = "error without a message";
    }
    last = std::move(r);
  }
  if (!first_error.empty()) {
    throw StoreError(common::one_line(without_password(tidy(first_error), url_)));
  }
  if (!last) fail("no result");
  return last;
}

}  // namespace pgsleuth::sinks
