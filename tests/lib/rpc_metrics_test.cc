#include "lib/metrics/rpc_metrics.h"

#include <prometheus/text_serializer.h>

#include "gtest/gtest.h"

namespace fleet {
namespace {

TEST(RpcMetrics, SplitsFullMethodNames) {
  RpcMethodLabels l = LabelsForMethod("/fleet.auth.v1.AuthService/IssueToken", "unary");
  EXPECT_EQ(l.service, "fleet.auth.v1.AuthService");
  EXPECT_EQ(l.method, "IssueToken");
  EXPECT_EQ(l.type, "unary");
  for (const char* bad : {"", "/", "noslash", "/svc/", "//m"}) {
    EXPECT_EQ(LabelsForMethod(bad, "unary").service, "unknown") << bad;
  }
}

TEST(RpcMetrics, CountsStartedHandledAndInFlight) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry, "svc", "1.2.3");
  const RpcMethodLabels l = LabelsForMethod("/pkg.S/M", "unary");
  metrics.OnStarted(l);
  metrics.OnStarted(l);
  metrics.OnHandled(l, grpc::StatusCode::NOT_FOUND, 0.002);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("grpc_server_started_total{grpc_method=\"M\",grpc_service=\"pkg.S\","
                      "grpc_type=\"unary\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_code=\"NOT_FOUND\""), std::string::npos) << text;
  EXPECT_NE(text.find("grpc_server_in_flight{grpc_method=\"M\",grpc_service=\"pkg.S\","
                      "grpc_type=\"unary\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fleet_build_info{service=\"svc\",version=\"1.2.3\"} 1"), std::string::npos);
}

TEST(RpcMetrics, CodeNames) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(42)), "UNKNOWN");
}

}  // namespace
}  // namespace fleet
