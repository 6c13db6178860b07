#pragma once
// The lines waiting for the fleet store, between the analysis thread (which
// only pushes, and never waits for the store) and the store's writer thread
// (which takes batches). Bounded: when full, a push drops the oldest line
// and counts it. Each line gets the next sequence number, so a batch the
// writer retries is recognised by the store (store_schema.hpp).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace pgsleuth::sinks {

struct StoreLine {
  uint64_t seq = 0;   // from 1, in push order
  std::string json;   // the line as written to JSON Lines
};

class StoreBuffer {
 public:
  explicit StoreBuffer(size_t capacity);

  // Holds the lock only to append (and drop the oldest when full).
  void push(std::string json);
  // Up to `max` lines, oldest first, out of the buffer (no longer its to
  // drop) but still waiting until done(). Waits up to `wait` for the first
  // one, or until wake().
  std::vector<StoreLine> take(size_t max, std::chrono::milliseconds wait);
  // `n` taken lines are written (or given up).
  void done(size_t n);
  void wake();

  size_t size() const;     // in the buffer
  size_t waiting() const;  // in the buffer and taken, not done
  size_t capacity() const { return capacity_; }
  uint64_t pushed() const;
  uint64_t dropped() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<StoreLine> lines_;
  uint64_t next_seq_ = 1;
  uint64_t dropped_ = 0;
  size_t taken_ = 0;
  bool woken_ = false;
};

}  // namespace pgsleuth::sinks
