#pragma once
// One PostgreSQL cluster per test binary, started before the first test and
// stopped after the last. Register it once in the test binary, at namespace
// scope:
//
//   static auto* const pg_env = ::testing::AddGlobalTestEnvironment(
//       new pgsleuth::test::PgClusterEnvironment);
//
// and reach the cluster from any test with PgClusterEnvironment::cluster().

#include <gtest/gtest.h>

#include <memory>

#include "tests/support/pg_cluster.hpp"

namespace pgsleuth::test {

class PgClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  // The running cluster. Fails the calling test (fatal) when SetUp could not
  // start it.
  static PgCluster& cluster();

 private:
  static std::unique_ptr<PgCluster>& instance();
};

}  // namespace pgsleuth::test
