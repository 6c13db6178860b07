#pragma once
// A file in the system temp directory that is removed when the test ends.

#include <boost/core/noncopyable.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace pgsleuth::testing {

class TempFile : boost::noncopyable {
 public:
  explicit TempFile(const std::string& contents, const std::string& suffix = ".toml") {
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() / ("pgsleuth-test-" + std::to_string(rd()) + suffix)).string();
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace pgsleuth::testing
