#include "sinks/json_lines_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/json_text.hpp"
#include <fmt/format.h>

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

void JsonLinesWriter::emit(const boost::json::object& finding) {
  std::string line = common::json_text(finding);
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw std::runtime_error(
        fmt::format("cannot write to findings file '{}': {}", path_, std::strerror(errno)));
  }
  ++lines_;
}

}  // namespace pgsleuth::sinks
