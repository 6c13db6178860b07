#pragma once
// A throwaway certificate authority for TLS tests, made with the openssl
// CLI in a temp dir: its certificate, and certificates it signed (EC P-256,
// valid for two days). Server certificates name localhost and 127.0.0.1.

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test {

class TestCertificates {
 public:
  // Throws std::runtime_error with openssl's output when it fails.
  TestCertificates();

  // Signs <name>.crt / <name>.key with common name `cn`; `server` adds the
  // localhost / 127.0.0.1 names a host name check wants.
  void issue(const std::string& name, const std::string& cn, bool server);

  std::filesystem::path ca() const { return dir_.path() / "ca.crt"; }
  std::filesystem::path cert(const std::string& name) const { return dir_.path() / (name + ".crt"); }
  std::filesystem::path key(const std::string& name) const { return dir_.path() / (name + ".key"); }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  void openssl(const std::vector<std::string>& args) const;

  TempDir dir_;
};

}  // namespace pgsleuth::test
