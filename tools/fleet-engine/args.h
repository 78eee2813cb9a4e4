#pragma once
// Command-line arguments of one fleet-engine subcommand: "--name value" or
// "--name=value" options (repeatable ones keep every value) and bare
// "--flag" switches. Every option must be known to the subcommand; a typo is
// a usage error, never silently ignored.
//
// Thread safety: none needed (used once, in main).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fleet::tools {

class Args {
 public:
  // `options` take a value, `switches` do not. INVALID_ARGUMENT naming the
  // offending argument: an unknown name, a missing value, a positional word.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::set<std::string>& options,
                                    const std::set<std::string>& switches);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  bool Switch(const std::string& name) const { return switches_.count(name) > 0; }
  // The last value given, or nullopt.
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  // The value, or INVALID_ARGUMENT "--name is required".
  absl::StatusOr<std::string> Required(const std::string& name) const;
  // Typed values (INVALID_ARGUMENT naming the option on a bad number).
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t fallback) const;
  absl::StatusOr<uint64_t> Uint(const std::string& name, uint64_t fallback) const;
  absl::StatusOr<double> Double(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_;
};

// "1,2,3" -> {1, 2, 3}. INVALID_ARGUMENT naming `what` on a bad element.
absl::StatusOr<std::vector<int32_t>> ParseIdList(absl::string_view text, absl::string_view what);

}  // namespace fleet::tools
