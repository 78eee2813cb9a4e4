#pragma once
// Flags shared by every fleet server binary:
//   --listen=HOST:PORT          gRPC address (port 0: ephemeral)
//   --metrics_listen=HOST:PORT  Prometheus /metrics address (port 0: ephemeral)
//   --drain_timeout=DURATION    how long in-flight RPCs may run after SIGTERM
//   --log_level=debug|info|warn|error
//   --max_message_bytes=N       largest gRPC message accepted or sent

#include "absl/strings/string_view.h"
#include "lib/server/server_runtime.h"

namespace fleet {

// Reads the shared flags (after ParseFlagsOrExit) into server options and
// initialises logging; a bad value exits 2 naming the flag.
ServerOptions ServerOptionsFromFlags(absl::string_view service_name);

}  // namespace fleet
