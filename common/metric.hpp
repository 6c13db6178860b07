#pragma once
// A metric's identity, declared once, in the table of the stage that counts
// it (as Envoy's ALL_POSTGRES_PROXY_STATS does): the counting, the summing
// over threads and the exposition all walk that table, so a new metric is
// one line in one table.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pgsleuth {

enum class MetricType { Counter, Gauge, Histogram };

struct MetricInfo {
  std::string_view name;  // Prometheus family name
  MetricType type = MetricType::Counter;
  std::string_view help;
  // Several entries of one family (consecutive in their table) differ by
  // this one label, e.g. direction="client_to_server". Empty: no label.
  std::string_view label = {};
  std::string_view label_value = {};
};

// The entry of `family` (declared once, with its label) for one value of
// that label, so that a family's name and help are not spelt per entry.
constexpr MetricInfo labelled(MetricInfo family, std::string_view label_value) {
  family.label_value = label_value;
  return family;
}

// A table of metrics indexed by the enum `Id`, whose last enumerator is
// `Count`. Each entry names its id, so the table cannot drift from the enum.
template <class Id>
struct MetricEntry {
  Id id;
  MetricInfo info;
};

template <class Id>
inline constexpr size_t kMetricCount = static_cast<size_t>(Id::Count);

template <class Id>
using MetricTable = std::array<MetricEntry<Id>, kMetricCount<Id>>;

template <class Id>
constexpr bool in_enum_order(const MetricTable<Id>& table) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (static_cast<size_t>(table[i].id) != i) return false;
  }
  return true;
}

// Plain values, one per metric of a table: a snapshot, or a sum.
template <class Id>
struct MetricValues {
  std::array<uint64_t, kMetricCount<Id>> values{};
  uint64_t& operator[](Id id) { return values[static_cast<size_t>(id)]; }
  uint64_t operator[](Id id) const { return values[static_cast<size_t>(id)]; }
};

// Written by one thread only (so relaxed load+store, no read-modify-write),
// read by any. Its own cache lines: threads do not share them.
template <class Id>
struct alignas(64) SingleWriterCounters {
  std::array<std::atomic<uint64_t>, kMetricCount<Id>> values{};

  void add(Id id, uint64_t n = 1) {
    auto& c = values[static_cast<size_t>(id)];
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void sub(Id id, uint64_t n = 1) {
    auto& c = values[static_cast<size_t>(id)];
    c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
  void add_to(MetricValues<Id>& sum) const {
    for (size_t i = 0; i < values.size(); ++i) sum.values[i] += values[i].load(std::memory_order_relaxed);
  }
};

}  // namespace pgsleuth
