#pragma once
// N+1s spread over pooled connections (Promise.all, asyncio.gather): one
// result's rows feed lookups that run at once on several connections, so
// no connection's window sees them all, and the one that sees the most
// sees no parent. Many-row SELECTs are remembered as they run, with their
// cells, per client (address, application, database, user). When a
// window ends, a SELECT group of it with no parent in the window whose
// parameters are cells of another connection's parent that completed just
// before is claimed: it joins that parent's fan-out instead of making a
// finding of its own. A fan-out with enough lookups is one n_plus_one,
// with its parent, the parent's request and the connections involved.
// Lookups of one connection in several of its windows are not merged:
// those windows are separate requests.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

class FanOutDetector {
 public:
  // A lookup starts at most this long after its parent completed: a pool
  // runs them at once, and a later lookup of the same value is not one.
  static constexpr auto kSpan = std::chrono::seconds(1);
  // A fan-out is decided once no lookup has joined it for this long.
  static constexpr auto kSettle = std::chrono::milliseconds(500);
  // Parents are kept this long after they completed: a lookup's window may
  // end well after the lookup (a long request).
  static constexpr auto kKeep = std::chrono::seconds(10);
  static constexpr size_t kMaxParents = 1024;
  static constexpr size_t kMaxParentCells = 65536;
  static constexpr size_t kMaxFanOuts = 256;

  // The detection (its request is the parent's) and the wall time its
  // last lookup's window ended.
  using Emit = std::function<void(const Detection&, WallTime ts)>;

  // Cheap, for every statement: whether it may be a parent (a many-row
  // SELECT). Only those are then added, with the window they joined.
  static bool may_be_parent(const AnalyzedStatement& stmt) {
    return stmt.event.rows >= 2 && !stmt.event.cell_hashes.empty() && stmt.shape;
  }
  void add_parent(const AnalyzedStatement& stmt, const RequestWindow* window);
  // What a window's SELECT group is to the fan-outs when the window ends.
  struct Claim {
    enum class Kind : uint8_t { None, Joined, Local } kind = Kind::None;
    uint64_t parent = 0;
  };
  // When `window` ends, before its detectors, by group index. Joined: fed
  // by another connection's result, the group is part of that fan-out and
  // makes no finding of its own. Local: fed by a result in this window, it
  // counts towards that result's fan-out too, and its own n_plus_one waits
  // (hold) until the fan-out is decided.
  std::vector<Claim> claim(const RequestWindow& window, WallTime ended);
  // Whether `other`, still open, may yet add lookups to the claim's fan-out.
  bool may_join(const Claim& claim, const RequestWindow& other) const;
  // The window's own n_plus_one about a Local group. Without other
  // connections' lookups, and none still possible, false: write it now (and
  // the fan-out adds nothing more). Else true: it is held, and written as it
  // is unless the fan-out reaches other connections (then the fan-out is).
  bool hold(const Claim& claim, const Detection& local, const RequestWindow& window, bool others_may_join);
  void tick(SteadyTime now, uint32_t min_repeats, const Emit& emit);
  // At shutdown, once every window has ended.
  void flush(SteadyTime now, uint32_t min_repeats, const Emit& emit);

 private:
  struct Parent {
    uint64_t id = 0;
    uint64_t origin = 0;
    uint64_t connection_id = 0;
    std::shared_ptr<const fingerprint::StatementShape> shape;
    std::optional<findings::Window> request;
    SteadyTime completed{};
    std::vector<uint64_t> cell_keys;  // its entries in cells_
  };
  // A window's own n_plus_one, copied out of the window.
  struct Held {
    FingerprintGroup group;
    Sample sample;
    Detection detection;
  };
  struct FanOut {
    FingerprintGroup lookups;  // their shape and samples
    std::vector<StatementRecord> records;
    std::vector<uint64_t> connections;  // distinct, in order of arrival
    std::vector<uint64_t> windows;      // distinct window seqs
    std::shared_ptr<const fingerprint::StatementShape> parent;
    std::optional<findings::Window> request;
    SteadyTime last_added{};
    WallTime last_wall{};
    std::unique_ptr<Held> held;  // the parent's window's own finding
    bool local_written = false;  // ... written at once: nothing more to say
  };

  // The parent whose cells fed `rec`: another connection's, or one in
  // this same window.
  const Parent* parent_of(const RequestWindow& window, uint64_t origin, uint64_t connection,
                          const StatementRecord& rec, uint64_t fingerprint) const;
  const Parent* find_parent(uint64_t id) const;
  void drop_oldest_parent();
  void expire_parents(SteadyTime now);
  template <class Settled>
  void decide(const Settled& settled, uint32_t min_repeats, const Emit& emit);
  std::optional<Detection> detection(const FanOut& fan_out, uint32_t min_repeats) const;

  uint64_t next_parent_ = 1;
  std::deque<Parent> parents_;                    // ids ascending
  std::unordered_map<uint64_t, uint64_t> cells_;  // hash(origin, cell value) -> parent id
  std::map<std::pair<uint64_t, uint64_t>, FanOut> fan_outs_;  // (parent id, lookup fingerprint)
  SteadyTime latest_{};                           // the latest time seen
};

}  // namespace pgsleuth::analyzers
