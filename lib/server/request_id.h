#pragma once
// Request ids join the logs and metrics of every hop of one request. The id
// travels in the gRPC metadata key "x-request-id" (and the HTTP header of the
// same name). The server interceptor guarantees that every RPC handler sees
// one in its client metadata: the caller's, or one generated on arrival; the
// id is echoed in the response's initial metadata.

#include <string>
#include "absl/strings/string_view.h"

#include <grpcpp/server_context.h>

namespace fleet {

inline constexpr absl::string_view kRequestIdKey = "x-request-id";

// The longest caller-supplied id we accept; a longer or non-printable one is
// replaced by a generated id (it would otherwise poison log lines).
inline constexpr size_t kMaxRequestIdLength = 128;

// A fresh random id: 32 lower-case hex digits. Thread-safe.
std::string NewRequestId();

// True when `id` is 1..kMaxRequestIdLength printable ASCII characters.
bool IsAcceptableRequestId(absl::string_view id);

// The request id of the RPC served with `context` (empty only for a context
// that did not pass through the fleet server interceptor).
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace fleet
