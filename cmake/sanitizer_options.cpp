// Linked into every program of a PGSLEUTH_SANITIZE build (see the top-level
// CMakeLists.txt), so the options hold however a program is started: by
// ctest, as a child of a test (pgsleuth behind a fixture), from a script.
// ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS in the environment still
// override them.

#define PGSLEUTH_SANITIZER_HOOK extern "C" __attribute__((visibility("default"), used, no_sanitize("address", "undefined")))

// Any report ends the program (the test fails) and names itself on stderr
// with a SUMMARY line, which tests/support/subprocess.cpp looks for in the
// children's stderr. Leaks count.
PGSLEUTH_SANITIZER_HOOK const char* __asan_default_options() {
  return "halt_on_error=1:detect_leaks=1:print_summary=1:check_initialization_order=1:strict_init_order=1";
}

PGSLEUTH_SANITIZER_HOOK const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:print_summary=1";
}

// Leaks that are not ours, one line each with the reason. None so far.
PGSLEUTH_SANITIZER_HOOK const char* __lsan_default_suppressions() { return ""; }
