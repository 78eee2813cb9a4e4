#pragma once
// Request ids join the logs and metrics of every hop of one request. An id
// travels in the gRPC metadata key and the HTTP header "x-request-id". A
// caller's id is kept when acceptable; otherwise (absent, too long, odd
// characters that would poison log lines and headers) a new one is made.
// Pure functions; thread-safe.

#include <string>

#include "absl/strings/string_view.h"

namespace fleet {

inline constexpr absl::string_view kRequestIdKey = "x-request-id";
inline constexpr size_t kMaxRequestIdLength = 128;

// A fresh random id: 32 lower-case hex digits.
std::string NewRequestId();

// True when `id` is 1..kMaxRequestIdLength characters of [A-Za-z0-9._:-].
bool IsAcceptableRequestId(absl::string_view id);

// `id` if acceptable, otherwise NewRequestId().
std::string AcceptOrMakeRequestId(absl::string_view id);

}  // namespace fleet
