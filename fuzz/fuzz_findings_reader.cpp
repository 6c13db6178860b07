// The findings file behind `report` and `check`: any bytes are read,
// summarised and rendered in every format without a crash, and the commands
// exit with one of their documented codes. The file is a memfd, read by path
// exactly as the commands read a real one.

#include <sys/mman.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "report/commands.hpp"

namespace {

using namespace pgsleuth::report;

struct Result {
  int code;
  std::string out;
};

Result run(int (*command)(const std::vector<std::string>&, std::ostream&, std::ostream&),
           std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = command(args, out, err);
  return {code, out.str()};
}

bool is_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("findings.jsonl", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  FUZZ_CHECK(fd >= 0 && ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));

  for (const char* format : {"text", "html"}) FUZZ_CHECK(run(run_report, {path, "--format", format}).code == 0);
  const Result json = run(run_report, {path, "--format", "json"});
  FUZZ_CHECK(json.code == 0 && is_json(json.out));
  for (const Result& r : {run(run_check, {path}),
                          run(run_check, {path, "--fail-on", "none", "--max-queries-per-request", "3"})}) {
    FUZZ_CHECK(r.code == 0 || r.code == 1 || r.code == 2);
  }
  const Result baseline = run(run_baseline, {path});
  FUZZ_CHECK(baseline.code == 2 || (baseline.code == 0 && is_json(baseline.out)));
  return 0;
}
