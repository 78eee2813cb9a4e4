#include "tests/support/test_service.h"

#include <atomic>
#include <chrono>

#include <grpcpp/alarm.h>

#include "lib/server/request_id.h"

namespace fleet::testing {
namespace {

using fleet::testing::v1::EchoRequest;
using fleet::testing::v1::EchoResponse;

// Deletes itself once both the call is done (OnDone) and, if an alarm was
// set, the alarm callback has run (it runs exactly once: fired or cancelled).
class DelayedEchoReactor final : public grpc::ServerUnaryReactor {
 public:
  DelayedEchoReactor(grpc::CallbackServerContext* context, const EchoRequest* request,
                     EchoResponse* response)
      : request_(*request), response_(response), pending_(2) {
    response_->set_request_id(RequestIdOf(*context));
    alarm_.Set(std::chrono::system_clock::now() + std::chrono::milliseconds(request_.delay_ms()),
               [this](bool fired) {
                 Complete(fired);
                 Release();
               });
  }

  void OnCancel() override { alarm_.Cancel(); }
  void OnDone() override { Release(); }

 private:
  void Complete(bool fired) {
    if (!fired) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled while waiting"));
    } else if (request_.fail_with_code() != 0) {
      Finish(grpc::Status(static_cast<grpc::StatusCode>(request_.fail_with_code()),
                          request_.error_message()));
    } else {
      response_->set_payload(request_.payload());
      Finish(grpc::Status::OK);
    }
  }
  void Release() {
    if (pending_.fetch_sub(1) == 1) delete this;  // self-owned reactor
  }

  const EchoRequest request_;
  EchoResponse* response_;
  std::atomic<int> pending_;
  grpc::Alarm alarm_;
};

}  // namespace

grpc::ServerUnaryReactor* TestServiceImpl::Echo(grpc::CallbackServerContext* context,
                                                const EchoRequest* request,
                                                EchoResponse* response) {
  return new DelayedEchoReactor(context, request, response);  // deletes itself
}

}  // namespace fleet::testing
