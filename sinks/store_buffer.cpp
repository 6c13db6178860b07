#include "sinks/store_buffer.hpp"

#include <algorithm>

namespace pgsleuth::sinks {

StoreBuffer::StoreBuffer(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void StoreBuffer::push(std::string json) {
  {
    std::lock_guard lock(mutex_);
    if (lines_.size() >= capacity_) {
      lines_.pop_front();
      ++dropped_;
    }
    lines_.push_back({next_seq_++, std::move(json)});
  }
  ready_.notify_one();
}

std::vector<StoreLine> StoreBuffer::take(size_t max, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, wait, [this] { return !lines_.empty() || woken_; });
  woken_ = false;
  std::vector<StoreLine> out;
  const size_t n = std::min(max, lines_.size());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(std::move(lines_.front()));
    lines_.pop_front();
  }
  taken_ += n;
  return out;
}

void StoreBuffer::done(size_t n) {
  std::lock_guard lock(mutex_);
  taken_ -= std::min(n, taken_);
}

void StoreBuffer::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  ready_.notify_all();
}

size_t StoreBuffer::size() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

size_t StoreBuffer::waiting() const {
  std::lock_guard lock(mutex_);
  return lines_.size() + taken_;
}

uint64_t StoreBuffer::pushed() const {
  std::lock_guard lock(mutex_);
  return next_seq_ - 1;
}

uint64_t StoreBuffer::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace pgsleuth::sinks
