#pragma once
// Structured JSON logging. Every line written to stderr is one JSON object:
//   {"ts":"2026-11-23T11:30:00.123456Z","level":"info","service":"gateway",
//    "msg":"...", <fields>...}
// Fields carry context such as "request_id", "method", "code". Strings are
// escaped; invalid UTF-8 is replaced, never rejected. stdout stays free for
// the machine-readable "ready" line.
//
// Thread-safe; a call formats and writes one line (a short lock inside the
// spdlog sink). Logging before Init() writes with service "unknown".

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fleet::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Parses "debug", "info", "warn" or "error".
absl::Status ParseLevel(absl::string_view text, Level* level);

struct Field {
  using Value = std::variant<absl::string_view, int64_t, double, bool>;
  Field(absl::string_view k, absl::string_view v) : key(k), value(v) {}
  Field(absl::string_view k, const char* v) : key(k), value(absl::string_view(v)) {}
  Field(absl::string_view k, const std::string& v) : key(k), value(absl::string_view(v)) {}
  Field(absl::string_view k, int64_t v) : key(k), value(v) {}
  Field(absl::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, double v) : key(k), value(v) {}
  Field(absl::string_view k, bool v) : key(k), value(v) {}
  absl::string_view key;
  Value value;
};

// Sets the service name on every line and the minimum level. Call once from
// main before starting threads.
void Init(absl::string_view service, Level min_level);

// Formats one line as JSON (exposed for tests).
std::string FormatLine(Level level, absl::string_view msg, std::initializer_list<Field> fields);

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

}  // namespace fleet::log
