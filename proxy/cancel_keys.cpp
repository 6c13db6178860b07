#include "proxy/cancel_keys.hpp"

#include <sys/random.h>

#include <cerrno>
#include <random>

namespace pgsleuth::proxy {

namespace {

// Compares without stopping at the first difference: how long a refusal
// takes says nothing about how much of a guessed secret was right.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

CancelKeys::Ticket CancelKeys::add(uint32_t pid, std::string secret, std::string backend_cancel) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  by_pid_.emplace(pid, Entry{id, std::move(secret), std::move(backend_cancel)});
  return Ticket{pid, id};
}

void CancelKeys::remove(Ticket ticket) {
  if (!ticket) return;
  std::lock_guard lock(mu_);
  auto [begin, end] = by_pid_.equal_range(ticket.pid);
  for (auto it = begin; it != end; ++it) {
    if (it->second.id == ticket.id) {
      by_pid_.erase(it);
      return;
    }
  }
}

std::optional<std::string> CancelKeys::find(uint32_t pid, std::string_view secret) const {
  std::lock_guard lock(mu_);
  auto [begin, end] = by_pid_.equal_range(pid);
  for (auto it = begin; it != end; ++it) {
    if (same_secret(it->second.secret, secret)) return it->second.backend_cancel;
  }
  return std::nullopt;
}

size_t CancelKeys::size() const {
  std::lock_guard lock(mu_);
  return by_pid_.size();
}

void CancelKeys::random_secret(char* out, size_t n) {
  while (n > 0) {
    ssize_t got = ::getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // no getrandom (a very old kernel): the fallback below
    }
    out += got;
    n -= static_cast<size_t>(got);
  }
  if (n == 0) return;
  // libstdc++'s random_device reads the kernel's generator too.
  std::random_device device;
  for (; n > 0; --n) *out++ = static_cast<char>(device());
}

}  // namespace pgsleuth::proxy
