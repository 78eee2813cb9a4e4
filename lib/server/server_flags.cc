#include "lib/server/server_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "lib/flags/parse_flags.h"
#include "lib/logging/log.h"
#include "lib/net/host_port.h"

ABSL_FLAG(fleet::HostPort, listen, (fleet::HostPort{"127.0.0.1", 0}),
          "gRPC listen address HOST:PORT; port 0 picks an ephemeral port.");
ABSL_FLAG(fleet::HostPort, metrics_listen, (fleet::HostPort{"127.0.0.1", 0}),
          "Prometheus metrics listen address HOST:PORT (serves /metrics); port 0 "
          "picks an ephemeral port.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(30),
          "After SIGTERM/SIGINT: health turns NOT_SERVING at once and in-flight "
          "requests get this long to finish before they are cancelled.");
ABSL_FLAG(std::string, log_level, "info", "Minimum log level: debug, info, warn, error.");
ABSL_FLAG(int32_t, max_message_bytes, 64 << 20,
          "Largest gRPC message this server receives or sends, in bytes.");

namespace fleet {

ServerOptions ServerOptionsFromFlags(absl::string_view service_name) {
  log::Level level;
  if (absl::Status s = log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level); !s.ok()) {
    ExitWithFlagError("log_level", s.message());
  }
  log::Init(service_name, level);

  ServerOptions options;
  options.service_name = std::string(service_name);
  options.listen = absl::GetFlag(FLAGS_listen);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  if (options.drain_timeout < absl::ZeroDuration()) {
    ExitWithFlagError("drain_timeout", "must not be negative");
  }
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  if (options.max_message_bytes < 1024) {
    ExitWithFlagError("max_message_bytes", "must be at least 1024");
  }
  return options;
}

}  // namespace fleet
