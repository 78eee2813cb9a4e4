// fleetctl: command-line client for a running fleet.
//
//   fleetctl health --addr=HOST:PORT [--service=NAME] [--timeout=10s] [--wait]
//     Asks grpc.health.v1 for the status of NAME ("" = the whole server) and
//     prints it. Exit 0 when SERVING, 1 otherwise. --wait retries until
//     SERVING or the timeout.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lib/flags/parse_flags.h"
#include "lib/net/host_port.h"

ABSL_FLAG(fleet::HostPort, addr, (fleet::HostPort{"127.0.0.1", 0}), "gRPC address of the server.");
ABSL_FLAG(std::string, service, "", "Service to ask about; empty means the whole server.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "How long to wait for an answer.");
ABSL_FLAG(bool, wait, false, "Retry until the status is SERVING or the timeout passes.");

namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kUsage[] =
    "command-line client for a running fleet.\n"
    "  fleetctl health --addr=HOST:PORT [--service=NAME] [--timeout=10s] [--wait]";

int Health() {
  const fleet::HostPort addr = absl::GetFlag(FLAGS_addr);
  if (addr.port == 0) fleet::ExitWithFlagError("addr", "a port is required");
  const absl::Time deadline = absl::Now() + absl::GetFlag(FLAGS_timeout);
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(addr.ToString(), grpc::InsecureChannelCredentials()));
  HealthCheckRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  std::string answer;
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    context.set_wait_for_ready(absl::GetFlag(FLAGS_wait));
    HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok()) {
      answer = HealthCheckResponse::ServingStatus_Name(response.status());
      if (response.status() == HealthCheckResponse::SERVING) break;
    } else {
      answer = "error: " + status.error_message();
    }
    if (!absl::GetFlag(FLAGS_wait) || absl::Now() >= deadline) {
      std::cout << answer << std::endl;
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::cout << answer << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args =
      fleet::ParseFlagsOrExit(argc, argv, kUsage, /*allow_positional=*/true);
  if (args.size() == 1 && args[0] == "health") return Health();
  std::cerr << "fleetctl: expected one command: health (see --help)" << std::endl;
  return 2;
}
