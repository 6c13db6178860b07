#pragma once
// Decides which request window each statement belongs to (traceparent, then
// transaction, then idle gap) and ends windows: by statement, by timer, by
// connection close, at shutdown, and early when too many are open.

#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzers/request_window.hpp"

namespace pgsleuth::analyzers {

class WindowManager {
 public:
  // Called once per window as it ends, with the time it was ended at.
  using CloseHandler = std::function<void(const RequestWindow&, SteadyTime now)>;

  explicit WindowManager(CloseHandler on_close);

  // `settings` are the ones a window opened now would use.
  void add(const AnalyzedStatement& stmt, const SettingsPtr& settings);
  void tick(SteadyTime now);
  void connection_closed(uint64_t connection_id, SteadyTime now);
  void close_all(SteadyTime now);

  size_t open_count() const { return windows_.size(); }
  template <class Pred>
  bool any_open(const Pred& pred) const {
    for (const auto& [seq, window] : windows_) {
      if (pred(*window)) return true;
    }
    return false;
  }
  // The window the last statement added went to, while it is open.
  const RequestWindow* last_window() const;

 private:
  struct Deadline {
    SteadyTime at;
    uint64_t seq;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };

  void add_traced(const AnalyzedStatement& stmt, const SettingsPtr& settings);
  void add_untraced(const AnalyzedStatement& stmt, const SettingsPtr& settings);
  RequestWindow& open(std::string id, WindowSource source, const SettingsPtr& settings,
                      SteadyTime now);
  RequestWindow* find(uint64_t seq);
  void append(RequestWindow& window, const AnalyzedStatement& stmt);
  void close(uint64_t seq, SteadyTime now);
  static std::optional<SteadyTime> deadline_of(const RequestWindow& window);

  CloseHandler on_close_;
  uint64_t next_seq_ = 1;
  uint64_t last_seq_ = 0;
  std::map<uint64_t, std::unique_ptr<RequestWindow>> windows_;  // by seq: oldest first
  std::unordered_map<std::string, uint64_t> by_trace_;
  std::unordered_map<uint64_t, uint64_t> by_connection_;        // tx or idle-gap window
  static constexpr size_t kMaxOpenerConnections = 65536;
  std::unordered_map<uint64_t, RequestOpeners> openers_;        // by connection, until it closes
  // Timer: at most one entry per open idle-gap or traceparent window, never
  // later than its real deadline; stale entries of ended windows are skipped.
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
};

}  // namespace pgsleuth::analyzers
