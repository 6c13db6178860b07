#pragma once
// Bounded LRU of statement shapes keyed by the fast path's shape key. Bytes
// are accounted per entry; inserting past the limit evicts the least recently
// used entries. Keys are stored in full, so a hash collision is a miss, never
// a wrong answer.

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fingerprint/fingerprinter.hpp"
#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::fingerprint {

// Where a constant sits in a statement of this shape, in the lexer's tokens
// (indices relative to the statement's first token).
struct ConstantSlot {
  uint32_t first_token = 0;
  uint32_t last_token = 0;  // first_token, or first_token + 1 for "- <number>"
  uint32_t number = 0;      // its $n; constants are reported in $n order
  bool fixed = false;       // a keyword or identifier libpg_query made a constant
  std::string fixed_value;  // its value (the same for every statement of the key)
};

enum class EntryMode : uint8_t {
  Shape,       // everything below is valid for every statement with this key
  ValueKeyed,  // the shape depends on some literal values: look up again with them
  SlowOnly,    // the fast path could not be proven exact here: always ask libpg_query
};

struct ShapeEntry {
  EntryMode mode = EntryMode::Shape;
  std::vector<uint32_t> keyed_literals;  // ValueKeyed: tokens whose text joins the key
  std::shared_ptr<const StatementShape> shape;
  std::vector<ConstantSlot> slots;
  uint32_t first_number = 1;
};

class ShapeCache {
 public:
  explicit ShapeCache(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for `key`, marked most recently used; nullptr when absent.
  const ShapeEntry* find(uint64_t hash, std::string_view key);
  // Stores `entry` unless it alone exceeds the limit; evicts as needed.
  void insert(uint64_t hash, std::string key, ShapeEntry entry);

  uint64_t evictions() const { return evictions_; }
  uint64_t entries() const { return index_.size(); }
  uint64_t bytes() const { return bytes_; }

 private:
  struct Node {
    uint64_t hash;
    std::string key;
    ShapeEntry entry;
    uint64_t bytes;
  };
  void erase(std::list<Node>::iterator it);

  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  uint64_t evictions_ = 0;
  std::list<Node> lru_;  // front: most recently used
  std::unordered_map<uint64_t, std::list<Node>::iterator> index_;
};

}  // namespace pgsleuth::fingerprint
