#pragma once
// fleet.testing.v1.TestService for tests of the shared server runtime: Echo
// answers after `delay_ms` (without blocking a gRPC thread: a grpc::Alarm
// completes it), fails with a chosen code, and reports the request id it saw.
// A cancelled call ends with CANCELLED at once. Thread-safe.

#include "fleet/testing/v1/testing.grpc.pb.h"

namespace fleet::testing {

class TestServiceImpl final : public fleet::testing::v1::TestService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const fleet::testing::v1::EchoRequest* request,
                                 fleet::testing::v1::EchoResponse* response) override;
};

}  // namespace fleet::testing
