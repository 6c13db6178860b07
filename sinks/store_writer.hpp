#pragma once
// Findings, route summaries (and request summaries, when the stream has
// them) into a fleet store: the same lines as JSON Lines, batched into
// pgsleuth_findings by a thread of its own. emit() only serialises the line
// and hands it to a bounded StoreBuffer; it never waits for the store.
//
// While the store is unreachable, slow or restarting the writer keeps the
// batch it holds and retries it (idempotently, store_schema.hpp) with a
// backoff from 100 ms to 5 s; new lines wait in the buffer, the oldest
// dropped and counted beyond its bound. One warning per outage, one line
// when the store is back. The URL's password appears in no log line.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/object.hpp>

#include "findings/finding_sink.hpp"
#include "sinks/pg_session.hpp"
#include "sinks/store_buffer.hpp"

namespace pgsleuth::sinks {

struct StoreStats {
  uint64_t written = 0;   // lines the store confirmed
  uint64_t dropped = 0;   // lines dropped because the buffer was full
  uint64_t waiting = 0;   // in the buffer and in the batch being written
};

class StoreWriter : public findings::FindingSink {
 public:
  struct Options {
    std::string url;                 // postgresql://...; checked with store_url_error first
    size_t buffer_lines = 100000;    // output.store_buffer_findings
    size_t batch_lines = 500;        // per INSERT (at most the buffer's size)
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds statement_timeout{10000};
  };

  // Starts the writer thread; connecting is its job, so an unreachable
  // store delays nothing here.
  explicit StoreWriter(Options options);
  ~StoreWriter() override;

  void emit(const findings::Finding& finding) override;
  void emit(const findings::RequestSummary& summary) override;
  void emit(const findings::RouteSummary& summary) override;

  // Writes what waits for at most `budget`, then ends the thread. Returns
  // the lines left unwritten (also logged). Idempotent.
  uint64_t stop(std::chrono::milliseconds budget);
  StoreStats stats() const;

 private:
  void push(const boost::json::object& line);
  void run();
  bool write(const std::vector<StoreLine>& batch);
  void note_failure(const std::string& why);
  void note_drops();
  void back_off();

  Options options_;
  std::string redacted_;
  std::string run_id_;
  StoreBuffer buffer_;
  std::unique_ptr<PgSession> session_;  // the writer thread's

  std::atomic<uint64_t> written_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abort_{false};
  std::mutex mutex_;                    // for the two waits below
  std::condition_variable changed_;
  bool finished_ = false;
  uint64_t unwritten_ = 0;

  // The writer thread's own state.
  bool down_ = false;
  std::chrono::milliseconds backoff_;
  uint64_t drops_logged_at_ = 0;
  bool drops_logged_ = false;

  std::thread thread_;
};

}  // namespace pgsleuth::sinks
