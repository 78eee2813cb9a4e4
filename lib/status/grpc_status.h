#pragma once
// The one place where absl::Status and grpc::Status are converted. Service
// classes call ToGrpcStatus at the RPC edge; clients of other services call
// FromGrpcStatus on what they receive. Both keep the code and the message.
// Thread-safe, non-blocking.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace fleet {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace fleet
