#pragma once
// SQL-level prepared statements: `PREPARE name [(types)] AS stmt`, then
// `EXECUTE name(args)`, which the contract counts as executions of `stmt`
// (its fingerprint, its tables, `args` as its parameters). Remembered per
// connection until DEALLOCATE, DISCARD ALL or the connection's end; bounded
// in names per connection and in connections. Analysis thread only.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "fingerprint/fingerprinter.hpp"
#include "statements/analyzed_statement.hpp"

namespace pgsleuth::statements {

class SqlPreparedStatements {
 public:
  static constexpr size_t kMaxNamesPerConnection = 256;
  static constexpr size_t kMaxConnections = 4096;

  // Looks at one built statement: a PREPARE is remembered (its body
  // fingerprinted with `fingerprinter`), an EXECUTE of a known name takes the
  // prepared statement's shape (its arguments are already its values), a
  // DEALLOCATE or DISCARD ALL forgets.
  void on_statement(AnalyzedStatement& s, fingerprint::Fingerprinter& fingerprinter);
  void connection_closed(uint64_t connection_id) { by_connection_.erase(connection_id); }

 private:
  using Names = std::unordered_map<std::string, std::shared_ptr<const fingerprint::StatementShape>>;
  std::unordered_map<uint64_t, Names> by_connection_;
};

}  // namespace pgsleuth::statements
