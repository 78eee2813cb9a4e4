#include "lib/logging/log.h"

#include <memory>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace fleet::log {
namespace {

struct LoggerState {
  std::string service = "unknown";
  std::shared_ptr<spdlog::logger> logger;
};

LoggerState& State() {
  static LoggerState* state = [] {
    auto* s = new LoggerState;  // intentionally leaked: usable during exit
    s->logger = std::make_shared<spdlog::logger>("fleet",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
    s->logger->set_pattern("%v");
    s->logger->set_level(spdlog::level::info);
    s->logger->flush_on(spdlog::level::trace);
    return s;
  }();
  return *state;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

absl::Status ParseLevel(absl::string_view text, Level* level) {
  if (text == "debug")
    *level = Level::kDebug;
  else if (text == "info")
    *level = Level::kInfo;
  else if (text == "warn")
    *level = Level::kWarn;
  else if (text == "error")
    *level = Level::kError;
  else
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not one of debug, info, warn, error"));
  return absl::OkStatus();
}

void Init(absl::string_view service, Level min_level) {
  LoggerState& state = State();
  state.service = std::string(service);
  state.logger->set_level(ToSpd(min_level));
}

std::string FormatLine(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["service"] = State().service;
  line["msg"] = std::string(msg);
  for (const Field& field : fields) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, absl::string_view>) {
            line[std::string(field.key)] = std::string(v);
          } else {
            line[std::string(field.key)] = v;
          }
        },
        field.value);
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  LoggerState& state = State();
  const spdlog::level::level_enum spd = ToSpd(level);
  if (!state.logger->should_log(spd)) return;
  state.logger->log(spd, "{}", FormatLine(level, msg, fields));
}

}  // namespace fleet::log
