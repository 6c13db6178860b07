#pragma once
// Waiting for what another thread or process writes (events, findings,
// metrics, logs, server state): re-read until it holds or a deadline passes.
// Never read such a thing once. The deadline only costs time when a test
// fails, so it is generous: a CI machine with both cores busy, or a
// sanitizer build, is many times slower than a quiet laptop.

#include <chrono>
#include <thread>
#include <utility>

namespace pgsleuth::test {

inline constexpr std::chrono::milliseconds kSettleTimeout{30000};

// Calls `read()` until `done(value)` holds or `timeout` passes; returns the
// last value read either way, so the caller asserts on what it got.
template <class Read, class Done>
auto poll_until(Read&& read, Done&& done, std::chrono::milliseconds timeout = kSettleTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto value = read();
    if (done(std::as_const(value)) || std::chrono::steady_clock::now() >= deadline) return value;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// True once `holds()` does; false when `timeout` passed first.
template <class Holds>
bool eventually(Holds&& holds, std::chrono::milliseconds timeout = kSettleTimeout) {
  return poll_until([&] { return static_cast<bool>(holds()); }, [](bool b) { return b; }, timeout);
}

}  // namespace pgsleuth::test
