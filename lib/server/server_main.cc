#include "lib/server/server_main.h"

#include <cstdlib>
#include <iostream>

#include "lib/flags/parse_flags.h"
#include "lib/logging/log.h"
#include "lib/server/server_flags.h"
#include "lib/server/shutdown_signal.h"

namespace fleet {

std::unique_ptr<ServerRuntime> InitServerOrExit(int argc, char** argv,
                                                absl::string_view service_name,
                                                absl::string_view usage) {
  BlockShutdownSignals();
  ParseFlagsOrExit(argc, argv, usage);
  return std::make_unique<ServerRuntime>(ServerOptionsFromFlags(service_name),
                                         std::make_shared<prometheus::Registry>());
}

void StartServerOrExit(ServerRuntime& runtime) {
  if (absl::Status status = runtime.Start(); !status.ok()) {
    log::Error("startup failed", {{"error", status.ToString()}});
    std::cerr << ProgramName() << ": " << status.message() << std::endl;
    std::exit(1);
  }
}

}  // namespace fleet
