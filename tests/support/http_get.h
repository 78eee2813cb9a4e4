#pragma once
// A minimal blocking HTTP/1.1 GET over loopback for tests (Boost.Beast).

#include <string>

#include "absl/status/statusor.h"

namespace fleet::testing {

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};

// GET http://host:port/target. UNAVAILABLE when the connection fails.
absl::StatusOr<HttpResult> HttpGet(const std::string& host, int port, const std::string& target);

}  // namespace fleet::testing
