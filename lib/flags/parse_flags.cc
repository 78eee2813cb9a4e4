#include "lib/flags/parse_flags.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fleet {
namespace {

std::string& MutableProgramName() {
  static std::string* name = new std::string("fleet");  // intentionally leaked
  return *name;
}

[[noreturn]] void Fail(absl::string_view message) {
  std::cerr << ProgramName() << ": " << message << " (see --help)" << std::endl;
  std::exit(2);
}

bool IsOwnFlag(const absl::CommandLineFlag& flag) {
  return !absl::StrContains(flag.Filename(), "absl/");
}

void PrintHelpAndExit(absl::string_view usage) {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOwnFlag(*flag)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(), [](auto* a, auto* b) { return a->Name() < b->Name(); });
  std::cout << ProgramName() << ": " << usage << "\n\nFlags:\n";
  for (const absl::CommandLineFlag* flag : flags) {
    std::cout << "  --" << flag->Name() << " (default: \"" << flag->DefaultValue() << "\")\n      "
              << flag->Help() << "\n";
  }
  std::cout.flush();
  std::exit(0);
}

void SetFlag(absl::CommandLineFlag* flag, absl::string_view value) {
  std::string error;
  if (flag->ParseFrom(value, &error)) return;
  // absl says "Illegal value 'v' specified for flag 'f'[; detail]": keep only
  // the detail, in our own one-line shape.
  absl::string_view detail = error;
  if (absl::StartsWith(detail, "Illegal value")) {
    const size_t semicolon = detail.find("; ");
    detail = semicolon == absl::string_view::npos ? "" : detail.substr(semicolon + 2);
  }
  Fail(absl::StrCat("invalid value '", value, "' for --", flag->Name(), detail.empty() ? "" : ": ",
                    detail));
}

}  // namespace

const std::string& ProgramName() { return MutableProgramName(); }

void ExitWithFlagError(absl::string_view flag, absl::string_view message) {
  Fail(absl::StrCat("--", flag, ": ", message));
}

std::vector<std::string> ParseFlagsOrExit(int argc, char** argv, absl::string_view usage,
                                          bool allow_positional) {
  if (argc > 0) {
    absl::string_view argv0 = argv[0];
    const size_t slash = argv0.rfind('/');
    MutableProgramName() =
        std::string(slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1));
  }
  std::vector<std::string> positional;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    if (arg == "help" || arg == "h") PrintHelpAndExit(usage);

    const size_t eq = arg.find('=');
    const absl::string_view name = arg.substr(0, eq);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag != nullptr && !IsOwnFlag(*flag)) flag = nullptr;
    if (eq != absl::string_view::npos) {
      if (flag == nullptr) Fail(absl::StrCat("unknown flag --", name));
      SetFlag(flag, arg.substr(eq + 1));
      continue;
    }
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && IsOwnFlag(*negated) && negated->IsOfType<bool>()) {
        SetFlag(negated, "false");
        continue;
      }
    }
    if (flag == nullptr) Fail(absl::StrCat("unknown flag --", name));
    if (flag->IsOfType<bool>()) {
      SetFlag(flag, "true");
      continue;
    }
    if (i + 1 >= argc) Fail(absl::StrCat("missing value for --", name));
    SetFlag(flag, argv[++i]);
  }
  if (!allow_positional && !positional.empty()) {
    Fail(absl::StrCat("unexpected argument '", positional.front(), "'"));
  }
  return positional;
}

}  // namespace fleet
