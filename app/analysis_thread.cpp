#include "app/analysis_thread.hpp"

#include <spdlog/spdlog.h>

#include "common/thread_role.hpp"

namespace pgsleuth::app {

using Clock = std::chrono::steady_clock;

AnalysisThread::AnalysisThread(std::vector<events::SpscRing<events::Event>*> queues,
                               Options options, findings::FindingSink& sink)
    : queues_(std::move(queues)),
      options_(std::move(options)),
      sink_(sink),
      analyzer_(std::make_unique<analyzers::Analyzer>(options_.settings, sink_)),
      builder_(options_.cache_bytes) {
  if (!options_.events_path.empty()) event_log_ = std::make_unique<EventLog>(options_.events_path);
  if (auto* adv = options_.advisor) {
    advisor_feed_ = std::make_unique<advisor::CandidateFeed>(
        options_.advisor_min_total_ms, [adv](advisor::Candidate&& c) { return adv->submit(std::move(c)); });
    analyzer_->observe_windows([feed = advisor_feed_.get()](const analyzers::RequestWindow& w,
                                                            const analyzers::Detections& found) {
      feed->window_closed(w, found);
    });
  }
}

AnalysisThread::~AnalysisThread() { stop(); }

void AnalysisThread::start() {
  thread_ = std::thread([this] { run(); });
}

void AnalysisThread::stop(std::chrono::milliseconds drain_budget) {
  if (!thread_.joinable()) return;
  drain_deadline_ = Clock::now() + drain_budget;
  stopping_ = true;
  thread_.join();
}

void AnalysisThread::reload(const config::AnalysisSettings& settings) {
  std::lock_guard lock(mutex_);
  pending_reload_ = settings;
}

AnalysisMetrics AnalysisThread::metrics() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void AnalysisThread::run() {
  common::name_this_thread("pgs-analysis");
  auto last_tick = Clock::now();
  while (true) {
    bool stopping = stopping_.load();
    size_t n = drain();
    auto now = Clock::now();
    if (now - last_tick >= std::chrono::milliseconds(50)) {
      analyzer_->tick(now);
      take_advice();
      clock_sinks(false);
      if (event_log_) event_log_->flush();
      publish_metrics();
      last_tick = now;
    }
    if (stopping && n == 0) break;
    if (stopping && drain_overdue()) {
      local_.dropped_at_shutdown = drop_queued();
      if (const size_t dropped = local_.dropped_at_shutdown) {
        spdlog::warn("shutdown: {} queued events left unanalysed (analysis was still behind when its drain time ran out)",
                     dropped);
      }
      break;
    }
    // Idle: poll again soon. Producers never signal, so they never wait;
    // 5 ms keeps this thread's wakeups (each a context switch that competes
    // with forwarding on a small machine) to 200 a second.
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  analyzer_->close_all(Clock::now());
  take_advice();
  clock_sinks(true);
  if (event_log_) event_log_->flush();
  publish_metrics();
}

void AnalysisThread::clock_sinks(bool last) {
  try {
    sink_.on_clock(std::chrono::system_clock::now(), last);
  } catch (const std::exception& e) {
    spdlog::error("writing route summaries failed: {}", e.what());
  }
}

// The advisor's findings go through the analyzer's rate limit to the sinks,
// on this thread like every other finding.
void AnalysisThread::take_advice() {
  if (!options_.advisor) return;
  options_.advisor->take_findings(
      [this](findings::Finding&& f) { analyzer_->publish(std::move(f), Clock::now()); });
}

size_t AnalysisThread::drain() {
  {
    std::lock_guard lock(mutex_);
    if (pending_reload_) {
      analyzer_->reload(*pending_reload_);
      pending_reload_.reset();
    }
  }
  size_t total = 0;
  events::Event ev;
  for (auto* q : queues_) {
    // Bounded per queue per round so one busy thread cannot starve the timer.
    for (int i = 0; i < 4096 && q->try_pop(ev); ++i) {
      handle(std::move(ev));
      ++total;
      if ((i & 15) == 15 && drain_overdue()) return total;
    }
  }
  return total;
}

bool AnalysisThread::drain_overdue() const {
  return stopping_.load(std::memory_order_acquire) && Clock::now() >= drain_deadline_;
}

size_t AnalysisThread::drop_queued() {
  size_t dropped = 0;
  events::Event ev;
  for (auto* q : queues_) {
    while (q->try_pop(ev)) ++dropped;
  }
  return dropped;
}

void AnalysisThread::handle(events::Event&& ev) {
  if (event_log_) event_log_->write(ev);
  try {
    if (auto* s = std::get_if<events::StatementEvent>(&ev)) {
      durations_.observe(std::chrono::duration<double>(s->completed - s->started).count());
      if (!s->sqlstate.empty()) ++local_.statement_errors;
      analyzers::AnalyzedStatement stmt = builder_.build(std::move(*s));
      ++local_.statements_by_kind[std::string(fingerprint::to_string(stmt.shape->facts.kind))];
      analyzer_->on_statement(std::move(stmt));
    } else if (auto* o = std::get_if<events::ConnectionOpened>(&ev)) {
      analyzer_->on_connection_opened(o->conn, o->conn->opened_at);
    } else if (auto* c = std::get_if<events::ConnectionClosed>(&ev)) {
      if (c->conn) builder_.connection_closed(c->conn->connection_id);
      analyzer_->on_connection_closed(c->conn, c->closed_at);
    }
  } catch (const std::exception& e) {
    // A fault in analysis loses one event, never a connection.
    spdlog::error("analysis failed on one event: {}", e.what());
  }
}

void AnalysisThread::publish_metrics() {
  local_.cache = builder_.cache_stats();
  local_.analyzer = analyzer_->stats();
  std::lock_guard lock(mutex_);
  published_ = local_;
}

}  // namespace pgsleuth::app
