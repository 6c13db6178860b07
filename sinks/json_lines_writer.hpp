#pragma once
// Findings as JSON Lines: one object per line, flushed per line so a reader
// (or `tail -f`) sees each finding as soon as its window ends.

#include <cstdio>
#include <string>

#include <boost/json/object.hpp>

#include "findings/finding_sink.hpp"

namespace pgsleuth::sinks {

class JsonLinesWriter : public findings::FindingSink {
 public:
  // `path` "-" writes to standard output; any other path is appended to.
  // Throws std::runtime_error naming the path when it cannot be opened.
  explicit JsonLinesWriter(const std::string& path);
  ~JsonLinesWriter() override;

  // Each throws std::runtime_error when the line cannot be written.
  void emit(const findings::Finding& finding) override;
  void emit(const findings::RequestSummary& summary) override;
  void emit(const findings::RouteSummary& summary) override;
  void write(const boost::json::object& line);

  uint64_t lines_written() const { return lines_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  uint64_t lines_ = 0;
};

}  // namespace pgsleuth::sinks
