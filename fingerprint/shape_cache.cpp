#include "fingerprint/shape_cache.hpp"

namespace pgsleuth::fingerprint {
namespace {

uint64_t strings_bytes(const std::vector<std::string>& v) {
  uint64_t n = v.capacity() * sizeof(std::string);
  for (const auto& s : v) n += s.capacity();
  return n;
}

// An estimate that errs high: heap blocks plus list and hash-map nodes.
uint64_t entry_bytes(const std::string& key, const ShapeEntry& e) {
  constexpr uint64_t kNodeOverhead = 96;
  uint64_t n = kNodeOverhead + sizeof(ShapeEntry) + key.capacity() +
               e.keyed_literals.capacity() * sizeof(uint32_t) +
               e.slots.capacity() * sizeof(ConstantSlot);
  for (const auto& slot : e.slots) n += slot.fixed_value.capacity();
  if (e.shape) {
    n += sizeof(StatementShape) + e.shape->normalized.capacity() +
         e.shape->fingerprint_hex.capacity() + strings_bytes(e.shape->facts.tables_read) +
         strings_bytes(e.shape->facts.tables_written);
  }
  return n;
}

}  // namespace

const ShapeEntry* ShapeCache::find(uint64_t hash, std::string_view key) {
  const auto it = index_.find(hash);
  if (it == index_.end() || it->second->key != key) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->entry;
}

void ShapeCache::insert(uint64_t hash, std::string key, ShapeEntry entry) {
  const uint64_t bytes = entry_bytes(key, entry);
  if (bytes > max_bytes_) return;
  if (const auto it = index_.find(hash); it != index_.end()) erase(it->second);
  while (bytes_ + bytes > max_bytes_ && !lru_.empty()) {
    erase(std::prev(lru_.end()));
    ++evictions_;
  }
  lru_.push_front(Node{hash, std::move(key), std::move(entry), bytes});
  index_.emplace(hash, lru_.begin());
  bytes_ += bytes;
}

void ShapeCache::erase(std::list<Node>::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->hash);
  lru_.erase(it);
}

}  // namespace pgsleuth::fingerprint
