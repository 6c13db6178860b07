#pragma once
// The last N findings or request summaries for the admin endpoint. The
// analysis thread pushes, the admin thread reads; a mutex is fine because
// this is off the forwarding path.

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace pgsleuth::admin {

class RecentRing {
 public:
  explicit RecentRing(size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}

  // Overwrites the oldest entry once full.
  void push(boost::json::object item) {
    std::lock_guard lock(mutex_);
    slots_[next_] = std::move(item);
    next_ = (next_ + 1) % slots_.size();
    if (size_ < slots_.size()) ++size_;
  }

  // Newest first.
  boost::json::array newest_first() const {
    std::lock_guard lock(mutex_);
    boost::json::array out;
    out.reserve(size_);
    for (size_t i = 0; i < size_; ++i) {
      out.push_back(slots_[(next_ + slots_.size() - 1 - i) % slots_.size()]);
    }
    return out;
  }

  // Largest `field` first (request summaries by "count" for /requests);
  // entries without a numeric `field` go last, newest first among equals.
  boost::json::array largest_first(std::string_view field) const {
    boost::json::array out = newest_first();
    const auto number = [field](const boost::json::value& v) {
      const auto* o = v.if_object();
      const auto* f = o ? o->if_contains(field) : nullptr;
      return f && f->is_number() ? f->to_number<double>() : -1.0;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const boost::json::value& a, const boost::json::value& b) { return number(a) > number(b); });
    return out;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return size_;
  }
  size_t capacity() const { return slots_.size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<boost::json::object> slots_;
  size_t next_ = 0;  // where the next push goes
  size_t size_ = 0;
};

}  // namespace pgsleuth::admin
