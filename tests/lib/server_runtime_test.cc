// In-process tests of the shared server runtime with the test-only
// TestService: health, request ids, metrics, port errors and drain.
#include "lib/server/server_runtime.h"

#include <future>
#include <memory>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "fleet/testing/v1/testing.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/http_get.h"
#include "tests/support/test_service.h"

namespace fleet {
namespace {

using fleet::testing::v1::EchoRequest;
using fleet::testing::v1::EchoResponse;
using fleet::testing::v1::TestService;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr char kTestServiceName[] = "fleet.testing.v1.TestService";

class RuntimeFixture {
 public:
  explicit RuntimeFixture(absl::Duration drain_timeout) {
    ServerOptions options;
    options.service_name = "test";
    options.drain_timeout = drain_timeout;
    runtime_ = std::make_unique<ServerRuntime>(options, std::make_shared<prometheus::Registry>());
    runtime_->AddService(kTestServiceName, &service_);
    start_status_ = runtime_->Start();
    channel_ = grpc::CreateChannel(runtime_->grpc_address().ToString(),
                                   grpc::InsecureChannelCredentials());
  }
  ServerRuntime& runtime() { return *runtime_; }
  const absl::Status& start_status() const { return start_status_; }
  std::unique_ptr<TestService::Stub> test_stub() { return TestService::NewStub(channel_); }
  std::unique_ptr<Health::Stub> health_stub() { return Health::NewStub(channel_); }

  std::string Metrics() {
    auto result = fleet::testing::HttpGet(runtime_->metrics_address().host,
                                          runtime_->metrics_address().port, "/metrics");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->body : "";
  }

  // Waits (bounded) until the metrics show `n` Echo calls in flight.
  bool WaitForEchoInFlight(int n) {
    const std::string needle = "grpc_server_in_flight{grpc_method=\"Echo\",grpc_service=\"" +
                               std::string(kTestServiceName) + "\",grpc_type=\"unary\"} " +
                               std::to_string(n);
    for (int i = 0; i < 500; ++i) {
      if (absl::StrContains(Metrics(), needle)) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

 private:
  fleet::testing::TestServiceImpl service_;
  std::unique_ptr<ServerRuntime> runtime_;
  absl::Status start_status_;
  std::shared_ptr<grpc::Channel> channel_;
};

HealthCheckResponse::ServingStatus Check(Health::Stub& stub, const std::string& service) {
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = stub.Check(&context, request, &response);
  return status.ok() ? response.status() : HealthCheckResponse::UNKNOWN;
}

TEST(ServerRuntime, ServesHealthAndMetricsAndGivesEveryCallARequestId) {
  RuntimeFixture fixture(absl::Seconds(5));
  ASSERT_TRUE(fixture.start_status().ok()) << fixture.start_status();
  EXPECT_NE(fixture.runtime().grpc_address().port, 0);
  EXPECT_NE(fixture.runtime().metrics_address().port, 0);

  auto health = fixture.health_stub();
  EXPECT_EQ(Check(*health, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*health, kTestServiceName), HealthCheckResponse::SERVING);
  {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service("no.such.Service");
    HealthCheckResponse response;
    EXPECT_EQ(health->Check(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  auto stub = fixture.test_stub();
  {  // No id from the caller: the server makes one and echoes it.
    grpc::ClientContext context;
    EchoRequest request;
    request.set_payload("hi");
    EchoResponse response;
    ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.payload(), "hi");
    EXPECT_EQ(response.request_id().size(), 32u);
    auto echoed = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), response.request_id());
  }
  {  // The caller's id is kept.
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "caller-id_1.2:3");
    EchoResponse response;
    ASSERT_TRUE(stub->Echo(&context, EchoRequest(), &response).ok());
    EXPECT_EQ(response.request_id(), "caller-id_1.2:3");
  }
  for (const std::string& bad :
       {std::string(500, 'a'), std::string("a b"), std::string("\"quoted\"")}) {
    // An unacceptable id (too long, odd characters) is replaced.
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", bad);
    EchoResponse response;
    ASSERT_TRUE(stub->Echo(&context, EchoRequest(), &response).ok());
    EXPECT_EQ(response.request_id().size(), 32u) << bad;
    EXPECT_NE(response.request_id(), bad);
  }
  {  // A failing call is counted with its code.
    grpc::ClientContext context;
    EchoRequest request;
    request.set_fail_with_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
    EchoResponse response;
    EXPECT_EQ(stub->Echo(&context, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  const std::string metrics = fixture.Metrics();
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Echo\","
                                 "grpc_service=\"fleet.testing.v1.TestService\","
                                 "grpc_type=\"unary\"} 5"));
  EXPECT_THAT(metrics, HasSubstr("grpc_code=\"NOT_FOUND\",grpc_method=\"Echo\""));
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handling_seconds_bucket"));
  EXPECT_THAT(metrics, HasSubstr("fleet_build_info{service=\"test\""));
}

TEST(ServerRuntime, PortInUseIsAClearError) {
  RuntimeFixture first(absl::Seconds(1));
  ASSERT_TRUE(first.start_status().ok());

  ServerOptions grpc_clash;
  grpc_clash.service_name = "clash";
  grpc_clash.listen = first.runtime().grpc_address();
  ServerRuntime second(grpc_clash, std::make_shared<prometheus::Registry>());
  const absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), HasSubstr(grpc_clash.listen.ToString()));

  ServerOptions metrics_clash;
  metrics_clash.service_name = "clash";
  metrics_clash.metrics_listen = first.runtime().metrics_address();
  ServerRuntime third(metrics_clash, std::make_shared<prometheus::Registry>());
  const absl::Status metrics_status = third.Start();
  EXPECT_EQ(metrics_status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(metrics_status.message()),
              HasSubstr(metrics_clash.metrics_listen.ToString()));
}

TEST(ServerRuntime, DrainTurnsNotServingAndLetsInFlightCallsFinish) {
  RuntimeFixture fixture(absl::Seconds(60));
  ASSERT_TRUE(fixture.start_status().ok());

  // A health watcher learns of the drain.
  auto health = fixture.health_stub();
  grpc::ClientContext watch_context;
  HealthCheckRequest watch_request;
  auto watch = health->Watch(&watch_context, watch_request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

  // An in-flight call that needs a little time.
  auto stub = fixture.test_stub();
  auto in_flight = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    EchoRequest request;
    request.set_payload("finish me");
    request.set_delay_ms(1500);
    EchoResponse response;
    grpc::Status status = stub->Echo(&context, request, &response);
    return std::make_pair(status, response.payload());
  });
  ASSERT_TRUE(fixture.WaitForEchoInFlight(1));

  auto drained = std::async(std::launch::async, [&] { fixture.runtime().Drain(); });
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);

  // ... and then its stream ends, so watchers never hold up a drain.
  EXPECT_FALSE(watch->Read(&update));
  EXPECT_TRUE(watch->Finish().ok());

  const auto [status, payload] = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(payload, "finish me");
  drained.get();

  // After the drain no new call is served.
  grpc::ClientContext late;
  late.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  EchoResponse response;
  EXPECT_FALSE(stub->Echo(&late, EchoRequest(), &response).ok());
}

TEST(ServerRuntime, DrainCancelsCallsThatOutliveTheTimeout) {
  RuntimeFixture fixture(absl::Milliseconds(300));
  ASSERT_TRUE(fixture.start_status().ok());
  auto stub = fixture.test_stub();
  auto in_flight = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    EchoRequest request;
    request.set_delay_ms(600000);  // far beyond the drain timeout
    EchoResponse response;
    return stub->Echo(&context, request, &response);
  });
  ASSERT_TRUE(fixture.WaitForEchoInFlight(1));
  fixture.runtime().Drain();  // must return although the call wanted minutes
  const grpc::Status status = in_flight.get();
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace fleet
