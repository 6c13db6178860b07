#include "tests/support/pg_environment.hpp"

#include <stdexcept>

namespace pgsleuth::test {

std::unique_ptr<PgCluster>& PgClusterEnvironment::instance() {
  static std::unique_ptr<PgCluster> cluster;
  return cluster;
}

void PgClusterEnvironment::SetUp() {
  try {
    instance() = std::make_unique<PgCluster>();
  } catch (const std::exception& error) {
    // A fatal failure in an environment's SetUp skips every test, which
    // ctest then reports as a failure of the binary.
    FAIL() << "cannot start PostgreSQL: " << error.what();
  }
}

void PgClusterEnvironment::TearDown() { instance().reset(); }

PgCluster& PgClusterEnvironment::cluster() {
  if (!instance()) throw std::runtime_error("the PostgreSQL test cluster is not running");
  return *instance();
}

}  // namespace pgsleuth::test
