#pragma once
// A directory under $TMPDIR (or /tmp) that exists for the lifetime of the
// object and is removed with everything in it afterwards.

#include <boost/core/noncopyable.hpp>

#include <filesystem>
#include <string>

namespace pgsleuth::test {

class TempDir : boost::noncopyable {
 public:
  // `prefix` names the directory (e.g. "pgsleuth-pg-") so leftovers are easy
  // to trace. Throws std::runtime_error when it cannot be created.
  explicit TempDir(const std::string& prefix);
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path`, replacing the file. Throws on failure.
void write_file(const std::filesystem::path& path, const std::string& content);
// The whole file, or "" when it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace pgsleuth::test
