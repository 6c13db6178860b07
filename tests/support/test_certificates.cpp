#include "tests/support/test_certificates.hpp"

#include <stdexcept>
#include <vector>

#include "tests/support/subprocess.hpp"

namespace pgsleuth::test {

TestCertificates::TestCertificates() : dir_("pgsleuth-certs-") {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           (dir_.path() / "ca.key").string(), "-out", ca().string(), "-days", "2", "-subj", "/CN=pgsleuth test CA"});
}

void TestCertificates::issue(const std::string& name, const std::string& cn, bool server) {
  const std::string csr = (dir_.path() / (name + ".csr")).string();
  const std::string ext = (dir_.path() / (name + ".ext")).string();
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           key(name).string(), "-out", csr, "-subj", "/CN=" + cn});
  write_file(ext, server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
  openssl({"x509", "-req", "-in", csr, "-CA", ca().string(), "-CAkey", (dir_.path() / "ca.key").string(),
           "-CAcreateserial", "-out", cert(name).string(), "-days", "2", "-extfile", ext});
  std::filesystem::permissions(key(name), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

void TestCertificates::openssl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_command(argv, {}, std::chrono::seconds(30));
  if (result.exit_code != 0) throw std::runtime_error("openssl " + args[0] + " failed: " + result.err);
}

}  // namespace pgsleuth::test
