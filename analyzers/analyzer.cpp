#include "analyzers/analyzer.hpp"

#include <fmt/format.h>

#include "analyzers/connection_churn_tracker.hpp"
#include "analyzers/duplicate_query_detector.hpp"
#include "analyzers/fan_out_detector.hpp"
#include "analyzers/finding_builder.hpp"
#include "analyzers/finding_rate_limiter.hpp"
#include "analyzers/n_plus_one_detector.hpp"
#include "analyzers/query_budget_detector.hpp"
#include "analyzers/select_star_detector.hpp"
#include "analyzers/slow_query_detector.hpp"
#include "analyzers/suppression.hpp"
#include "analyzers/unbatched_write_detector.hpp"
#include "analyzers/unbounded_select_detector.hpp"
#include "analyzers/window_manager.hpp"
#include "events/value_hash.hpp"

namespace pgsleuth::analyzers {

struct Analyzer::Impl {
  Impl(const config::AnalysisSettings& s, findings::FindingSink& out)
      : sink(out),
        settings(std::make_shared<const config::AnalysisSettings>(s)),
        windows([this](const RequestWindow& w, SteadyTime now) { window_closed(w, now); }) {}

  void window_closed(const RequestWindow& window, SteadyTime now);
  void connection_closed(const events::ConnectionInfoPtr& conn, SteadyTime now);
  void decide_fan_outs(SteadyTime now, bool at_shutdown) {
    const auto emit = [&](const Detection& d, WallTime ts) { publish(d, nullptr, nullptr, ts, now); };
    if (at_shutdown) return fan_out.flush(now, settings->n_plus_one.min_repeats, emit);
    fan_out.tick(now, settings->n_plus_one.min_repeats, emit);
  }
  void publish(const Detection& d, const RequestWindow* window,
               const events::ConnectionInfoPtr& conn, WallTime ts, SteadyTime now);
  template <class Line>
  void write(const Line& line);

  findings::FindingSink& sink;
  SettingsPtr settings;
  WindowManager windows;
  SelectStarDetector select_star;
  FindingRateLimiter limiter;
  ConnectionChurnTracker churn;
  FanOutDetector fan_out;
  AnalyzerStats stats;
  WindowObserver observer;
};

void Analyzer::Impl::window_closed(const RequestWindow& window, SteadyTime now) {
  ++stats.windows_closed;
  const WallTime ts = window_end_wall(window, now);
  // Lookups fed by a result may be part of a fan-out over pooled
  // connections: their N+1 is decided with it.
  const auto claims = fan_out.claim(window, ts);
  Detections found;
  detect_n_plus_one(window, found);
  std::erase_if(found, [&](const Detection& d) {
    const auto& claim = claims[static_cast<size_t>(d.group - window.groups().data())];
    if (claim.kind != FanOutDetector::Claim::Kind::Local) return claim.kind == FanOutDetector::Claim::Kind::Joined;
    const bool others = windows.any_open([&](const RequestWindow& w) {
      return w.seq() != window.seq() && fan_out.may_join(claim, w);
    });
    return fan_out.hold(claim, d, window, others);
  });
  detect_duplicate_queries(window, found);
  detect_unbatched_writes(window, found);
  detect_unbounded_selects(window, found);
  select_star.detect(window, found);
  detect_slow_queries(window, found);
  detect_query_budget(window, found);
  if (observer) observer(window, found);

  for (const auto& d : found) publish(d, &window, window.first_conn(), ts, now);
  write(build_request_summary(window, ts));
}

void Analyzer::Impl::connection_closed(const events::ConnectionInfoPtr& conn, SteadyTime now) {
  const auto burst = churn.closed(conn, now, settings->connection_churn);
  if (!burst) return;
  const auto& c = settings->connection_churn;
  Detection d;
  d.details = findings::ConnectionChurnDetails{c.within_s, c.max_lifetime_ms, round_ms(burst->median_lifetime_ms)};
  // Not about one statement: the fingerprint is a stable hash of the client
  // address, so the allowlist and rate limit work per address.
  d.fingerprint = fmt::format("{:016x}", events::value_hash("connection_churn " + conn->client_addr));
  d.count = burst->connections;
  d.over_threshold = static_cast<double>(burst->connections) / std::max<uint32_t>(c.min_connections, 1);
  d.message = fmt::format(
      "Client {} opened {} connections within {} s that each lived under {} ms: a new "
      "connection per request.",
      conn->client_addr, burst->connections, c.within_s, c.max_lifetime_ms);
  d.suggestion =
      "Keep connections open across requests with a connection pool (the driver's or ORM's "
      "pool, or PgBouncer); each new connection costs a fork and authentication on the server.";
  publish(d, nullptr, conn, std::chrono::system_clock::now(), now);
}

void Analyzer::Impl::publish(const Detection& d, const RequestWindow* window,
                             const events::ConnectionInfoPtr& conn, WallTime ts, SteadyTime now) {
  const std::string fingerprint =
      d.group ? d.group->shape->fingerprint_hex : d.fingerprint.value_or("");
  const Suppression allowlist(window ? window->settings().suppress : settings->suppress);
  const std::optional<std::string> no_route;
  const auto& route = window ? window->route() : d.request ? d.request->route : no_route;
  if (allowlist.suppressed(fingerprint, d.group ? d.group->shape.get() : nullptr, route)) {
    return;
  }
  const auto held_back =
      limiter.admit(to_string(d.kind()), fingerprint, settings->max_repeats_per_minute, now);
  if (!held_back) {
    ++stats.findings_suppressed;
    return;
  }
  auto finding = build_finding(d, severity_for(d.over_threshold, d.db_time_ms), window, conn, ts);
  finding.suppressed_since_last = *held_back;
  ++stats.findings;
  write(finding);
}

template <class Line>
void Analyzer::Impl::write(const Line& line) {
  try {
    sink.emit(line);
  } catch (const std::exception&) {
    // A failing sink must not stop analysis (nor the proxy); it is counted.
    ++stats.sink_errors;
  }
}

Analyzer::Analyzer(const config::AnalysisSettings& settings, findings::FindingSink& sink)
    : impl_(std::make_unique<Impl>(settings, sink)) {}

Analyzer::~Analyzer() = default;

void Analyzer::on_connection_opened(const events::ConnectionInfoPtr& conn, SteadyTime now) {
  impl_->churn.opened(conn, now);
}

void Analyzer::on_connection_closed(const events::ConnectionInfoPtr& conn, SteadyTime now) {
  if (!conn) return;
  impl_->windows.connection_closed(conn->connection_id, now);
  impl_->connection_closed(conn, now);
}

void Analyzer::on_statement(AnalyzedStatement&& stmt) {
  ++impl_->stats.statements;
  impl_->windows.add(stmt, impl_->settings);
  if (FanOutDetector::may_be_parent(stmt)) impl_->fan_out.add_parent(stmt, impl_->windows.last_window());
}

void Analyzer::tick(SteadyTime now) {
  impl_->windows.tick(now);
  impl_->decide_fan_outs(now, false);
}

void Analyzer::close_all(SteadyTime now) {
  impl_->windows.close_all(now);
  impl_->decide_fan_outs(now, true);
}

void Analyzer::reload(const config::AnalysisSettings& settings) {
  impl_->settings = std::make_shared<const config::AnalysisSettings>(settings);
}

void Analyzer::observe_windows(WindowObserver observer) { impl_->observer = std::move(observer); }

void Analyzer::publish(findings::Finding finding, SteadyTime now) {
  const auto held_back = impl_->limiter.admit(to_string(finding.kind()), finding.fingerprint.value_or(""),
                                              impl_->settings->max_repeats_per_minute, now);
  if (!held_back) {
    ++impl_->stats.findings_suppressed;
    return;
  }
  finding.suppressed_since_last = *held_back;
  ++impl_->stats.findings;
  impl_->write(finding);
}

AnalyzerStats Analyzer::stats() const {
  AnalyzerStats s = impl_->stats;
  s.windows_open = impl_->windows.open_count();
  return s;
}

}  // namespace pgsleuth::analyzers
