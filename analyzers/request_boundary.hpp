#pragma once
// Where one request ends and the next begins inside an idle_gap window.
//
// A persistent connection (Django's CONN_MAX_AGE, a pool's connection)
// serves requests back to back, often far closer than idle_gap_ms. Merging
// them makes false findings (five clean pages become one "duplicate ran 5
// times"; eight detail pages one N+1), so the window is cut where the
// evidence says a new request began. This is a splitter rather than a rule
// inside each detector because every detector, the request summaries and
// the per-route numbers all want the same thing: requests as the
// application saw them, each with its own true counts.
//
// A statement starts the next request when both hold:
//  - repetition: it has the fingerprint that began this window, or an
//    earlier request on this connection (the request shape starts again:
//    A B C, A ...; "began" counts only statements of user tables, so a
//    driver's SET or version() at connect does not hide the first
//    request's shape);
//  - timing: the quiet time before it is at least kMinRequestGapMs and,
//    once the window has kMinRhythmGaps gaps to judge by, at least
//    kRhythmFactor times their median: the connection's own rhythm inside
//    a request, measured on the gaps before statements other than the
//    window's first (gaps before its repeats may be between requests, and
//    would make one merge beget the next). One or two gaps are noise on a
//    busy machine (a 3 ms pause before an author lookup was seen), hence
//    the minimum.
// Lineage overrides the timing in one direction: the head again after
// statements fed by its cells (a parent whose children have run) starts the
// next request once the gap passes kMinLineageGapMs, however the rhythm
// looks on a busy machine. Only reads count as fed: a row read, updated by
// its id and read again is one request.
// A loop of the window's first statement stays one request: tight, or made
// of that statement alone with other parameters each time (the price:
// one-statement requests with different parameters, back to back, stay
// merged as such a loop would). Value
// lineage is not a veto here: small integers returned by one request (ids
// 1..10) are the next request's parameters by coincidence often enough to
// keep merged pages merged. It is used where it is strong instead: the
// N+1 detector does not count children each fed by its own single-row
// parent execution (n_plus_one_detector.cpp).

#include <array>
#include <cstdint>
#include <unordered_map>

#include "statements/analyzed_statement.hpp"

namespace pgsleuth::analyzers {

class RequestWindow;

// A request cycle through a web framework takes longer than this between
// one request's last statement and the next one's first; an ORM's loop
// over already loaded rows, or code reading the same row twice, does not
// (measured with Django 3.2: 0.17-0.5 ms between lazy loads, 1.3 ms and
// more between pages served back to back).
inline constexpr double kMinRequestGapMs = 1.0;
// With lineage (the head again after SELECTs fed by its rows) the floor is
// lower: Django's in-process test client serves detail pages with no
// pause between them 0.86-1.2 ms apart (measured at the ORM), which 1.0 ms
// merged in 1 full test run in 3, while a loop over such lookup pairs runs
// at the lazy loads' pace.
inline constexpr double kMinLineageGapMs = 0.6;
inline constexpr double kRhythmFactor = 2.0;
inline constexpr uint32_t kMinRhythmGaps = 3;

// The gaps between consecutive statements of a window, as a coarse
// logarithmic histogram: constant size and O(1) to add, and a median good
// to a factor of sqrt(2), which is all a factor-of-two rule needs.
class GapRhythm {
 public:
  void add(double gap_ms);
  bool empty() const { return count_ == 0; }
  uint32_t count() const { return count_; }
  // The approximate median gap; 0 when empty.
  double median_ms() const;

 private:
  static constexpr size_t kBuckets = 40;  // half-octaves from 8 us: up to ~8 s
  std::array<uint32_t, kBuckets> counts_{};
  uint32_t count_ = 0;
};

// The fingerprints that began the last few requests on one connection.
class RequestOpeners {
 public:
  bool contains(uint64_t fingerprint) const;
  void add(uint64_t fingerprint);

 private:
  static constexpr size_t kMax = 8;
  std::array<uint64_t, kMax> fingerprints_{};
  uint8_t size_ = 0;
  uint8_t next_ = 0;
};

// `openers`: by connection id; `conn` is the statement's.
bool starts_next_request(const RequestWindow& window,
                         const std::unordered_map<uint64_t, RequestOpeners>& openers, uint64_t conn,
                         const statements::AnalyzedStatement& stmt);

}  // namespace pgsleuth::analyzers
