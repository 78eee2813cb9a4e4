#pragma once
// Lists a server's services through gRPC server reflection
// (grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo), the way
// grpcurl or grpc_cli would. Debian ships the reflection messages only inside
// libgrpc++_reflection (no headers), so requests and responses are built as
// dynamic messages from the descriptors that library registers; a binary
// using this must link gRPC::grpc++_reflection (fleet_server does).

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"

namespace fleet::testing {

// The fully qualified names of the services the server reports. Blocks for
// at most `timeout_seconds`.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, int timeout_seconds = 10);

}  // namespace fleet::testing
