#include "sinks/store_writer.hpp"

#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/thread_role.hpp"
#include "common/json_text.hpp"
#include "findings/json.hpp"
#include "sinks/store_schema.hpp"
#include "sinks/store_url.hpp"

namespace pgsleuth::sinks {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::milliseconds kIdleWait{200};

// Tells this process's lines from those of every other run (of this or any
// instance), so (run_id, seq) is unique across the fleet.
std::string new_run_id() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", random(), random(), random(), random());
}

// jsonb refuses \u0000 in strings, and a line it refuses would be retried
// forever; U+FFFD is what with_valid_utf8 writes for other bad bytes.
std::string storable(std::string json) {
  for (size_t i = 0; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') continue;
    if (json.compare(i + 1, 5, "u0000") == 0) json.replace(i + 2, 4, "fffd");
    ++i;  // the escaped character is never the start of an escape
  }
  return json;
}

std::string pairs_json(const std::vector<StoreLine>& batch) {
  std::string out = "[";
  for (const StoreLine& line : batch) {
    if (out.size() > 1) out += ',';
    out += fmt::format("[{},", line.seq);
    out += line.json;
    out += ']';
  }
  out += ']';
  return out;
}

}  // namespace

StoreWriter::StoreWriter(Options options)
    : options_(std::move(options)),
      redacted_(redacted_url(options_.url)),
      run_id_(new_run_id()),
      buffer_(options_.buffer_lines),
      backoff_(kFirstBackoff) {
  options_.batch_lines = std::max<size_t>(1, std::min(options_.batch_lines, buffer_.capacity()));
  thread_ = std::thread([this] {
    common::name_this_thread("pgs-store");
    run();
  });
}

StoreWriter::~StoreWriter() { stop(std::chrono::milliseconds(0)); }

void StoreWriter::emit(const findings::Finding& finding) { push(findings::to_json(finding)); }
void StoreWriter::emit(const findings::RequestSummary& summary) { push(findings::to_json(summary)); }
void StoreWriter::emit(const findings::RouteSummary& summary) { push(findings::to_json(summary)); }

void StoreWriter::push(const boost::json::object& line) { buffer_.push(storable(common::json_text(line))); }

uint64_t StoreWriter::stop(std::chrono::milliseconds budget) {
  if (!thread_.joinable()) return unwritten_;
  stopping_ = true;
  buffer_.wake();
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, budget, [this] { return finished_; });
  }
  {
    std::lock_guard lock(mutex_);  // back_off() checks it under the lock: no lost wakeup
    abort_ = true;                 // every other wait of the writer ends within a poll slice
  }
  buffer_.wake();
  changed_.notify_all();
  thread_.join();
  if (unwritten_ > 0) {
    spdlog::warn("findings store {}: {} lines not written at shutdown (the store was unreachable or slow)", redacted_,
                 unwritten_);
  }
  return unwritten_;
}

StoreStats StoreWriter::stats() const {
  return {written_.load(), buffer_.dropped(), buffer_.waiting()};
}

void StoreWriter::run() {
  std::vector<StoreLine> batch;
  while (!abort_) {
    if (batch.empty()) {
      if (stopping_ && buffer_.size() == 0) break;
      batch = buffer_.take(options_.batch_lines, kIdleWait);
      if (batch.empty()) continue;
    }
    if (write(batch)) {
      written_ += batch.size();
      buffer_.done(batch.size());
      batch.clear();
    } else {
      back_off();
    }
    note_drops();
  }
  session_.reset();
  std::lock_guard lock(mutex_);
  unwritten_ = buffer_.waiting();
  finished_ = true;
  changed_.notify_all();
}

bool StoreWriter::write(const std::vector<StoreLine>& batch) {
  try {
    if (!session_) {
      session_ = std::make_unique<PgSession>(options_.url, Clock::now() + options_.connect_timeout, &abort_);
      session_->exec(store_schema_sql(), {}, Clock::now() + options_.statement_timeout);
    }
    session_->exec(store_insert_sql(), {pairs_json(batch), run_id_}, Clock::now() + options_.statement_timeout);
  } catch (const StoreError& e) {
    session_.reset();
    note_failure(e.what());
    return false;
  }
  if (down_) {
    spdlog::info("findings store {} is reachable again: writing the {} lines that waited ({} dropped)", redacted_,
                 buffer_.waiting(), buffer_.dropped() - drops_logged_at_);
    down_ = false;
    drops_logged_ = false;
  }
  backoff_ = kFirstBackoff;
  return true;
}

void StoreWriter::note_failure(const std::string& why) {
  if (down_ || abort_) return;
  down_ = true;
  drops_logged_at_ = buffer_.dropped();
  spdlog::warn("findings store {} unreachable or failing ({}): holding up to {} lines, retrying with backoff", redacted_, why,
               buffer_.capacity());
}

void StoreWriter::note_drops() {
  const uint64_t dropped = buffer_.dropped();
  if (drops_logged_ || dropped == drops_logged_at_) return;
  drops_logged_ = true;
  spdlog::warn("findings store {}: buffer full ({} lines): dropping the oldest, counted in pgsleuth_store_dropped_total",
               redacted_, buffer_.capacity());
}

void StoreWriter::back_off() {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, backoff_, [this] { return abort_.load(); });
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

}  // namespace pgsleuth::sinks
