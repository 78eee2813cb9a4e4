// Starts each real fleet binary on loopback (port 0) and checks the contract
// every service shares: the ready line, grpc.health.v1, UNIMPLEMENTED for
// RPCs not built yet, a /metrics page that `promtool check metrics` accepts,
// drain on SIGTERM (NOT_SERVING at once, exit 0), and exit code 2 for bad
// flags.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>

#include <google/protobuf/descriptor.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fleet/auth/v1/auth.grpc.pb.h"
#include "fleet/gateway/v1/gateway.grpc.pb.h"
#include "fleet/inference/v1/inference.grpc.pb.h"
#include "fleet/retrieval/v1/retrieval.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "lib/net/host_port.h"
#include "nlohmann/json.hpp"
#include "tests/support/child_process.h"
#include "tests/support/http_get.h"
#include "tests/support/reflection_client.h"

namespace fleet {
namespace {

using fleet::testing::BinDir;
using fleet::testing::ChildProcess;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

struct Binary {
  std::string name;          // "auth"
  std::string grpc_service;  // "fleet.auth.v1.AuthService"
  // Any message of the service's .proto file: referencing it links the
  // generated descriptors, which list the service's methods.
  const google::protobuf::Descriptor* proto_message = nullptr;
  bool has_http = false;
};

std::ostream& operator<<(std::ostream& os, const Binary& b) { return os << b.name; }

std::vector<Binary> AllBinaries() {
  return {{"auth", fleet::auth::v1::AuthService::service_full_name(),
           fleet::auth::v1::IssueTokenRequest::descriptor()},
          {"inference", fleet::inference::v1::InferenceService::service_full_name(),
           fleet::inference::v1::TokenIds::descriptor()},
          {"retrieval", fleet::retrieval::v1::RetrievalService::service_full_name(),
           fleet::retrieval::v1::Collection::descriptor()},
          {"gateway", fleet::gateway::v1::GatewayService::service_full_name(),
           fleet::gateway::v1::Source::descriptor(), true}};
}

HostPort Address(const nlohmann::json& ready, const char* key) {
  auto parsed = ParseHostPort(ready.at(key).get<std::string>());
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : HostPort{};
}

class ServiceBinaryTest : public ::testing::TestWithParam<Binary> {
 protected:
  std::string Path() const { return BinDir() + "/fleet-" + GetParam().name; }

  // Starts the binary on ephemeral ports and parses its ready line.
  void StartService(absl::Duration drain_timeout) {
    std::vector<std::string> args = {
        "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        absl::StrCat("--drain_timeout=", absl::FormatDuration(drain_timeout))};
    if (GetParam().has_http) args.push_back("--http_listen=127.0.0.1:0");
    auto child = ChildProcess::Spawn(Path(), args);
    ASSERT_TRUE(child.ok()) << child.status();
    child_.emplace(std::move(*child));
    auto line = child_->ReadStdoutLine(absl::Seconds(60));
    ASSERT_TRUE(line.ok()) << line.status() << "\nstderr:\n" << child_->stderr_text();
    ready_ = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(ready_.is_object()) << *line;
    channel_ =
        grpc::CreateChannel(Address(ready_, "grpc").ToString(), grpc::InsecureChannelCredentials());
  }

  HealthCheckResponse::ServingStatus Check(const std::string& service) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = Health::NewStub(channel_)->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  std::optional<ChildProcess> child_;
  nlohmann::json ready_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_P(ServiceBinaryTest, AnnouncesReadinessServesHealthAndReflection) {
  ASSERT_NO_FATAL_FAILURE(StartService(absl::Seconds(10)));
  EXPECT_EQ(ready_["event"], "ready");
  EXPECT_EQ(ready_["service"], GetParam().name);
  EXPECT_NE(Address(ready_, "grpc").port, 0);
  EXPECT_NE(Address(ready_, "metrics").port, 0);
  EXPECT_EQ(Check(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(GetParam().grpc_service), HealthCheckResponse::SERVING);

  auto services = fleet::testing::ListServicesByReflection(channel_);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, ::testing::IsSupersetOf({GetParam().grpc_service,
                                                   std::string("grpc.health.v1.Health")}));

  if (GetParam().has_http) {
    const HostPort http = Address(ready_, "http");
    auto health = fleet::testing::HttpGet(http.host, http.port, "/healthz");
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(health->status, 200);
  } else {
    EXPECT_FALSE(ready_.contains("http"));
  }
}

// Every RPC of the service must answer UNIMPLEMENTED until it is built:
// never a fake answer. Each method is called with an empty request.
TEST_P(ServiceBinaryTest, UnbuiltRpcsAnswerUnimplemented) {
  ASSERT_NO_FATAL_FAILURE(StartService(absl::Seconds(10)));
  const google::protobuf::ServiceDescriptor* service =
      GetParam().proto_message->file()->pool()->FindServiceByName(GetParam().grpc_service);
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  grpc::GenericStub stub(channel_);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method =
        absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::ByteBuffer request;  // empty bytes: the default message
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) { done.set_value(std::move(s)); });
    const grpc::Status status = done.get_future().get();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << method << ": " << status.error_message();
  }
}

TEST_P(ServiceBinaryTest, MetricsPassPromtool) {
  ASSERT_NO_FATAL_FAILURE(StartService(absl::Seconds(10)));
  ASSERT_EQ(Check(""), HealthCheckResponse::SERVING);  // so some RPC metrics exist
  const HostPort metrics = Address(ready_, "metrics");
  auto page = fleet::testing::HttpGet(metrics.host, metrics.port, "/metrics");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                                    "grpc_method=\"Check\""));
  EXPECT_THAT(page->body,
              HasSubstr(absl::StrCat("fleet_build_info{service=\"", GetParam().name, "\"")));

  char path[] = "/tmp/fleet-metrics-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << page->body;
  const std::string command = absl::StrCat("promtool check metrics < ", path, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
  const int rc = pclose(pipe);
  std::remove(path);
  EXPECT_EQ(rc, 0) << "promtool check metrics failed (is the 'prometheus' package "
                      "installed?):\n"
                   << output;
}

TEST_P(ServiceBinaryTest, SigtermDrainsAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartService(absl::Seconds(20)));
  // An in-flight health Watch stream sees NOT_SERVING as soon as the drain
  // starts.
  auto stub = Health::NewStub(channel_);
  grpc::ClientContext context;
  auto watch = stub->Watch(&context, HealthCheckRequest());
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), HealthCheckResponse::SERVING);

  child_->Signal(SIGTERM);
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(watch->Read(&update));  // the watch ends with the drain
  auto code = child_->Wait(absl::Seconds(60));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << child_->stderr_text();
  EXPECT_THAT(child_->stderr_text(), HasSubstr("\"msg\":\"draining\""));
  EXPECT_THAT(child_->stderr_text(), HasSubstr("\"msg\":\"drained\""));
}

// Runs the binary with `args` and returns its exit code and stderr.
std::pair<int, std::string> RunToExit(const std::string& path,
                                      const std::vector<std::string>& args) {
  auto child = ChildProcess::Spawn(path, args);
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return {-1, ""};
  auto code = child->Wait(absl::Seconds(60));
  EXPECT_TRUE(code.ok()) << code.status();
  return {code.ok() ? *code : -1, child->stderr_text()};
}

TEST_P(ServiceBinaryTest, BadFlagsExitTwoWithOneLineNamingTheFlag) {
  for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--no_such_flag=1"}, "--no_such_flag"},
           {{"--listen=nowhere"}, "--listen"},
           {{"--metrics_listen=127.0.0.1:99999"}, "--metrics_listen"},
           {{"--drain_timeout=soon"}, "--drain_timeout"},
           {{"--log_level=loud"}, "--log_level"}}) {
    const auto [code, err] = RunToExit(Path(), args);
    EXPECT_EQ(code, 2) << args[0];
    EXPECT_THAT(err, HasSubstr(flag));
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
}

TEST_P(ServiceBinaryTest, PortInUseExitsOneNamingTheAddress) {
  ASSERT_NO_FATAL_FAILURE(StartService(absl::Seconds(5)));
  const std::string taken = ready_["grpc"].get<std::string>();
  const auto [code, err] = RunToExit(Path(), {"--listen=" + taken});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(err, HasSubstr(taken));
}

INSTANTIATE_TEST_SUITE_P(AllServices, ServiceBinaryTest, ::testing::ValuesIn(AllBinaries()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace fleet
