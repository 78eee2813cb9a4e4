#pragma once
// A listen or dial address "HOST:PORT" (IPv6 as "[::1]:PORT"). Port 0 asks
// the OS for an ephemeral port when listening.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fleet {

struct HostPort {
  std::string host;  // without brackets, e.g. "127.0.0.1", "::1", "localhost"
  uint16_t port = 0;

  // "HOST:PORT", bracketing IPv6 literals.
  std::string ToString() const;
  // The same host with another port (used to report an ephemeral port).
  HostPort WithPort(int new_port) const;
};

// Parses "HOST:PORT" or "[V6]:PORT". INVALID_ARGUMENT, with a message that
// quotes the input, for a missing host, a missing or non-numeric port, or a
// port above 65535. Pure function.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);

// absl flag support, so that a HostPort flag rejects bad values at parse time.
bool AbslParseFlag(absl::string_view text, HostPort* out, std::string* error);
std::string AbslUnparseFlag(const HostPort& value);

}  // namespace fleet
