#include "advisor/advisor.hpp"

#include <spdlog/spdlog.h>

#include "common/thread_role.hpp"

namespace pgsleuth::advisor {

Advisor::Advisor(ReviewSettings settings)
    : reviewer_(
          std::move(settings), [this](AdvisorMetric m) { advisor_counts_.add(m); },
          [this](std::chrono::steady_clock::time_point at) { return wait_until(at); },
          [this](findings::Finding&& f) {
            // A full outbox means the analysis thread is far behind: drop, as everywhere.
            if (!outbox_.try_push(std::move(f))) spdlog::warn("index advisor: a finding was dropped (queue full)");
          }) {}

Advisor::~Advisor() { stop(); }

void Advisor::start() {
  thread_ = std::thread([this] {
    common::name_this_thread("pgs-advisor");
    run();
  });
}

void Advisor::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool Advisor::submit(Candidate&& candidate) {
  analysis_counts_.add(AdvisorMetric::Candidates);
  if (!inbox_.try_push(std::move(candidate))) {
    analysis_counts_.add(AdvisorMetric::CandidatesDropped);
    return false;
  }
  wake_.notify_one();
  return true;
}

void Advisor::take_findings(const std::function<void(findings::Finding&&)>& take) {
  findings::Finding f;
  while (outbox_.try_pop(f)) take(std::move(f));
}

MetricValues<AdvisorMetric> Advisor::metrics() const {
  MetricValues<AdvisorMetric> sum;
  analysis_counts_.add_to(sum);
  advisor_counts_.add_to(sum);
  return sum;
}

bool Advisor::wait_until(std::chrono::steady_clock::time_point at) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, at, [this] { return stopping_.load(); });
  return !stopping_;
}

void Advisor::run() {
  Candidate c;
  while (!stopping_) {
    if (inbox_.try_pop(c)) {
      try {
        reviewer_.review(c);
      } catch (const std::exception& e) {
        // One candidate lost, never the advisor (nor anything else).
        spdlog::error("index advisor: reviewing {} failed: {}", c.fingerprint, e.what());
      }
      continue;
    }
    // A submit's notify can come between the empty pop and this wait; the
    // timeout bounds that lost wakeup.
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_.load(); });
  }
}

}  // namespace pgsleuth::advisor
