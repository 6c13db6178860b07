#pragma once
// A thread's name, for the kernel and so for top -H, ps -L, gdb and perf:
// "pgs-io-0" with its CPU time is how a user tells forwarding from analysis.

namespace pgsleuth::common {

// At most 15 characters are kept (the kernel's limit).
void name_this_thread(const char* name);

}  // namespace pgsleuth::common
