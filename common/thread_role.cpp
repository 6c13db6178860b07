#include "common/thread_role.hpp"

#include <pthread.h>

#include <cstring>

namespace pgsleuth::common {

void name_this_thread(const char* name) {
  char kept[16];
  std::strncpy(kept, name, sizeof kept - 1);
  kept[sizeof kept - 1] = '\0';
  ::pthread_setname_np(::pthread_self(), kept);
}

}  // namespace pgsleuth::common
