#pragma once
// The fleet-engine subcommands. Each parses its own arguments (a usage error
// exits 2 with one line naming the argument), prints its result as one JSON
// document on stdout and returns OK, or returns the error, which main prints
// as one line on stderr before exiting 1.

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace fleet::tools {

absl::Status RunInfo(const std::vector<std::string>& argv);
absl::Status RunTokenize(const std::vector<std::string>& argv);
absl::Status RunDetokenize(const std::vector<std::string>& argv);
absl::Status RunLogits(const std::vector<std::string>& argv);
absl::Status RunGenerate(const std::vector<std::string>& argv);
absl::Status RunMakeTestModel(const std::vector<std::string>& argv);
absl::Status RunBench(const std::vector<std::string>& argv);

// Prints "fleet-engine <command>: <message>" and exits 2.
[[noreturn]] void ExitUsage(const std::string& command, const std::string& message);

}  // namespace fleet::tools
