#pragma once
// The findings stream as the contract (shared/spec/contract.md, "The
// findings stream") fixes it: every line a finding or, with
// output.request_summaries, a request_summary, each with its fields and
// their types. One checker for every detection test.

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace pgsleuth::test::detection {

// Success when `line` carries every field the contract requires for its
// kind, with the right type and value range; otherwise names each problem.
::testing::AssertionResult follows_contract(const boost::json::object& line);

}  // namespace pgsleuth::test::detection
