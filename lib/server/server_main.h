#pragma once
// The common start of every fleet server's main():
//
//   int main(int argc, char** argv) {
//     auto runtime = fleet::InitServerOrExit(argc, argv, "auth", "usage text");
//     ... construct services from flags, runtime->AddService(...) ...
//     fleet::StartServerOrExit(*runtime);
//     return fleet::ServeUntilSignal(*runtime);
//   }

#include <memory>

#include "absl/strings/string_view.h"
#include "lib/server/server_runtime.h"

namespace fleet {

// Blocks SIGTERM/SIGINT (before any thread exists), parses the flags (a bad
// flag exits 2 naming it), initialises logging, and builds the runtime from
// the shared server flags with a fresh metrics registry.
std::unique_ptr<ServerRuntime> InitServerOrExit(int argc, char** argv,
                                                absl::string_view service_name,
                                                absl::string_view usage);

// Starts the runtime; if a port cannot be bound, logs the error and exits 1.
void StartServerOrExit(ServerRuntime& runtime);

}  // namespace fleet
