#include "lib/server/server_interceptor.h"

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/logging/log.h"
#include "lib/server/request_id.h"

namespace fleet {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

absl::string_view TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

bool IsServerError(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::DATA_LOSS || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

class ServerInterceptor : public grpc::experimental::Interceptor {
 public:
  ServerInterceptor(ServerRpcInfo* info, RpcMetrics* metrics)
      : metrics_(metrics),
        labels_(LabelsForMethod(info->method() ? info->method() : "", TypeName(info->type()))),
        start_(absl::Now()) {
    metrics_->OnStarted(labels_);
  }

  // A call that ends without sending a status was cancelled by the client.
  ~ServerInterceptor() override {
    if (!completed_) Complete(grpc::StatusCode::CANCELLED, "");
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      AdoptRequestId(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(std::string(kRequestIdKey), request_id_);
    }
    // Recorded before the status leaves, so a client that has its answer
    // also finds the call in the metrics.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !completed_) {
      const grpc::Status status = methods->GetSendStatus();
      Complete(status.error_code(), status.error_message());
    }
    methods->Proceed();
  }

 private:
  void Complete(grpc::StatusCode code, const std::string& message) {
    completed_ = true;
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    metrics_->OnHandled(labels_, code, seconds);
    const log::Level level = code == grpc::StatusCode::OK ? log::Level::kDebug
                             : IsServerError(code)        ? log::Level::kWarn
                                                          : log::Level::kInfo;
    log::Write(level, "rpc",
               {{"request_id", request_id_},
                {"grpc_service", labels_.service},
                {"grpc_method", labels_.method},
                {"grpc_code", GrpcCodeName(code)},
                {"seconds", seconds},
                {"error", message}});
  }

  // Keeps the caller's id if acceptable; otherwise replaces it with a new one
  // inside the received metadata, so the handler reads the same id. The map
  // holds string_refs into request_id_, which lives as long as the call.
  void AdoptRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    const grpc::string_ref key(kRequestIdKey.data(), kRequestIdKey.size());
    auto it = metadata->find(key);
    if (it != metadata->end() &&
        IsAcceptableRequestId(absl::string_view(it->second.data(), it->second.size()))) {
      request_id_.assign(it->second.data(), it->second.size());
      return;
    }
    if (it != metadata->end()) metadata->erase(key);
    request_id_ = NewRequestId();
    metadata->emplace(key, grpc::string_ref(request_id_.data(), request_id_.size()));
  }

  RpcMetrics* metrics_;
  RpcMethodLabels labels_;
  absl::Time start_;
  std::string request_id_;
  bool completed_ = false;  // metrics and log written (exactly once)
};

}  // namespace

grpc::experimental::Interceptor* ServerInterceptorFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  // Ownership passes to gRPC, which deletes the interceptor when the call ends.
  return new ServerInterceptor(info, metrics_);
}

}  // namespace fleet
