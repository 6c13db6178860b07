// The proxy core with the analysis replaced by a trivial counting
// subscriber: the I/O threads decode every message and produce statement
// events exactly as pgsleuth does, and one thread takes them off the queues
// and counts them. It measures the condition issue 2 sets for the speed
// target ("statement events produced and consumed by a trivial counting
// subscriber"); bench/proxy_bench.sh with COUNTING=1 runs it.
//   counting_proxy --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <variant>

#include "proxy/proxy_server.hpp"

namespace {

std::atomic<bool> stop{false};

bool split(const char* arg, std::string& host, uint16_t& port) {
  std::string s(arg);
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  port = static_cast<uint16_t>(std::stoi(s.substr(colon + 1)));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  pgsleuth::proxy::ProxyOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    bool ok = std::strcmp(argv[i], "--listen") == 0 ? split(argv[i + 1], options.listen_host, options.listen_port)
              : std::strcmp(argv[i], "--upstream") == 0
                  ? split(argv[i + 1], options.upstream_host, options.upstream_port)
                  : false;
    if (!ok) {
      std::fprintf(stderr, "usage: counting_proxy --listen HOST:PORT --upstream HOST:PORT\n");
      return 2;
    }
  }
  std::signal(SIGTERM, [](int) { stop = true; });
  std::signal(SIGINT, [](int) { stop = true; });

  pgsleuth::proxy::ProxyServer server(options);
  server.start();
  std::fprintf(stderr, "listening on %s\n", server.listen_address().c_str());

  uint64_t statements = 0;
  pgsleuth::events::Event event;
  while (!stop) {
    bool any = false;
    for (size_t i = 0; i < server.thread_count(); ++i) {
      auto* queue = server.event_queue(i);
      while (queue && queue->try_pop(event)) {
        any = true;
        statements += std::holds_alternative<pgsleuth::events::StatementEvent>(event);
      }
    }
    // The same pacing as pgsleuth's analysis thread when its queues are empty.
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server.stop(std::chrono::milliseconds(0));
  auto c = server.counters();
  std::fprintf(stderr, "statement events counted: %llu, dropped: %llu\n",
               static_cast<unsigned long long>(statements), static_cast<unsigned long long>(c[pgsleuth::proxy::ProxyMetric::EventsDropped]));
  return 0;
}
