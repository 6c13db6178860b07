#pragma once
// The stream as several destinations (output.findings and
// output.findings_copy): each gets every line, in order. A destination that
// throws (a file that cannot be written) does so after the others had it.

#include <memory>
#include <vector>

#include "findings/finding_sink.hpp"

namespace pgsleuth::sinks {

class FanOut : public findings::FindingSink {
 public:
  // Destinations that never throw first.
  explicit FanOut(std::vector<std::unique_ptr<findings::FindingSink>> sinks) : sinks_(std::move(sinks)) {}

  void emit(const findings::Finding& f) override { each([&](auto& s) { s.emit(f); }); }
  void emit(const findings::RequestSummary& s) override { each([&](auto& d) { d.emit(s); }); }
  void emit(const findings::RouteSummary& s) override { each([&](auto& d) { d.emit(s); }); }
  void on_clock(findings::WallTime now, bool last) override { each([&](auto& d) { d.on_clock(now, last); }); }

 private:
  template <class F>
  void each(F&& f) {
    for (auto& s : sinks_) f(*s);
  }
  std::vector<std::unique_ptr<findings::FindingSink>> sinks_;
};

}  // namespace pgsleuth::sinks
