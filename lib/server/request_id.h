#pragma once
// The request id of a gRPC call. The fleet server interceptor guarantees that
// every handler finds one in its client metadata under "x-request-id" (the
// caller's if acceptable, else a generated one; see lib/logging/request_id.h)
// and echoes it in the response's initial metadata.

#include <string>

#include <grpcpp/server_context.h>

#include "lib/logging/request_id.h"

namespace fleet {

// The request id of the RPC served with `context` (empty only for a context
// that did not pass through the fleet server interceptor).
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace fleet
