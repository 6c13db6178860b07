#include "sinks/json_lines_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "common/json_text.hpp"
#include "findings/json.hpp"

namespace pgsleuth::sinks {

JsonLinesWriter::JsonLinesWriter(const std::string& path) : path_(path) {
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) {
    throw std::runtime_error(
        fmt::format("cannot open findings file '{}': {}", path, std::strerror(errno)));
  }
  owned_ = true;
}

JsonLinesWriter::~JsonLinesWriter() {
  if (owned_) {
    std::fclose(file_);
  } else {
    std::fflush(file_);
  }
}

void JsonLinesWriter::emit(const findings::Finding& finding) { write(findings::to_json(finding)); }

void JsonLinesWriter::emit(const findings::RequestSummary& summary) { write(findings::to_json(summary)); }

void JsonLinesWriter::emit(const findings::RouteSummary& summary) { write(findings::to_json(summary)); }

void JsonLinesWriter::write(const boost::json::object& object) {
  std::string line = common::json_text(object);
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw std::runtime_error(
        fmt::format("cannot write to findings file '{}': {}", path_, std::strerror(errno)));
  }
  ++lines_;
}

}  // namespace pgsleuth::sinks
