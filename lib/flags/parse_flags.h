#pragma once
// Strict command-line parsing for every fleet binary, on top of absl flags.
//
// Accepted forms: --name=value, --name value, and for booleans --name,
// --noname, --name=true|false. "--" ends the flags. --help prints every flag
// defined by this project (not abseil's own) and exits 0.
//
// Any error (unknown flag, bad value, missing value, unexpected positional
// argument) prints ONE line "<program>: <what is wrong with --flag>" to stderr
// and exits with code 2. Call it once, first thing in main.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fleet {

// Parses argv into the absl flags. Returns the positional arguments (after
// "--" or not starting with '-'); when `allow_positional` is false, any
// positional argument is an error.
std::vector<std::string> ParseFlagsOrExit(int argc, char** argv, absl::string_view usage,
                                          bool allow_positional = false);

// For validation after parsing (for example a value out of range): prints
// "<program>: --<flag>: <message>" and exits 2.
[[noreturn]] void ExitWithFlagError(absl::string_view flag, absl::string_view message);

// The program name parsed from argv[0] (basename), for messages.
const std::string& ProgramName();

}  // namespace fleet
