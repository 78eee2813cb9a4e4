#include "lib/server/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>

#include "lib/logging/log.h"

namespace fleet {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  const sigset_t set = ShutdownSignals();
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
    log::Error("pthread_sigmask failed", {{"error", std::strerror(rc)}});
    std::abort();
  }
}

int WaitForShutdownSignal() {
  const sigset_t set = ShutdownSignals();
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace fleet
