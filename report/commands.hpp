#pragma once
// The subcommands the main program dispatches to. Each returns the process
// exit code and prints to the given streams.
//
// Bad lines in a findings file: `report` names each one on `err` (file:line:
// reason) and skips it, since a person still wants the rest; `check` and
// `baseline` stop with exit 2, since a gate must not pass on a file it could
// not fully read. A missing file is one line on `err`, exit 2.
//
// FILE.jsonl may be a fleet store's postgresql:// URL (store_reader.hpp),
// read exactly as a file. All three take --since DURATION and --instance
// NAME (line_filter.hpp), for a file as for a store.

#include <ostream>
#include <string>
#include <vector>

namespace pgsleuth::report {

// pgsleuth report FILE.jsonl [--format text|html|json] [--output PATH]
// Exit 0, or 2 for bad arguments, an unreadable file or output.
int run_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// pgsleuth check FILE.jsonl [--fail-on KIND,...] [--max-queries-per-request N] [--baseline FILE]
// Exit 0 clean; 1 when the file holds a finding of the fail-on kinds
// (default n_plus_one,duplicate_query) not in the baseline, or a request
// (request_summary or query_budget_exceeded line) with more than N
// statements; 2 for bad arguments or an unreadable or malformed file.
// Baselines cover findings of every kind, query_budget_exceeded included;
// request_summary lines over N are never baselined.
int run_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// pgsleuth baseline FILE.jsonl > baseline.json: every finding's (kind,
// fingerprint, route) as JSON on `out`. Exit 0, or 2 as check.
int run_baseline(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pgsleuth::report
