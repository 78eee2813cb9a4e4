#include "lib/server/health_service.h"

#include <optional>

namespace fleet {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// One Watch stream. Owned by gRPC until OnDone, where it unregisters and
// deletes itself. All state is guarded by the service's mutex; gRPC runs the
// reactions of user reactors on its own threads (never inline from
// StartWrite/Finish), so starting operations under that mutex is safe.
class HealthService::Watcher final : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  Watcher(HealthService* service, std::string name) : service_(service), name_(std::move(name)) {
    MutexLock lock(&service_->mu_);
    service_->watchers_.insert(this);
    if (service_->shut_down_) {
      PostLocked(HealthCheckResponse::NOT_SERVING, /*then_finish=*/true);
    } else {
      PostLocked(service_->StatusLocked(name_), /*then_finish=*/false);
    }
  }

  const std::string& name() const { return name_; }

  // Queues `status` (replacing a queued one not yet written) and, if
  // `then_finish`, ends the stream once it is written.
  void PostLocked(ServingStatus status, bool then_finish)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    if (finished_) return;
    pending_ = status;
    finish_after_write_ = finish_after_write_ || then_finish;
    if (!writing_) StartNextLocked();
  }

  void OnWriteDone(bool ok) override {
    MutexLock lock(&service_->mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "health watch stream broken"));
      return;
    }
    StartNextLocked();
  }

  void OnCancel() override {
    MutexLock lock(&service_->mu_);
    // With a write in flight, OnWriteDone(false) follows and finishes.
    if (!writing_) FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    {
      MutexLock lock(&service_->mu_);
      service_->watchers_.erase(this);
    }
    delete this;  // self-owned reactor
  }

 private:
  void StartNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    if (finished_) return;
    if (pending_.has_value()) {
      response_.set_status(*pending_);
      pending_.reset();
      writing_ = true;
      StartWrite(&response_);
    } else if (finish_after_write_) {
      FinishLocked(grpc::Status::OK);
    }
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  HealthService* const service_;
  const std::string name_;
  HealthCheckResponse response_;  // the message being written
  std::optional<ServingStatus> pending_ ABSL_GUARDED_BY(service_->mu_);
  bool writing_ ABSL_GUARDED_BY(service_->mu_) = false;
  bool finish_after_write_ ABSL_GUARDED_BY(service_->mu_) = false;
  bool finished_ ABSL_GUARDED_BY(service_->mu_) = false;
};

HealthService::ServingStatus HealthService::StatusLocked(const std::string& service) const {
  auto it = statuses_.find(service);
  return it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second;
}

void HealthService::SetServing(const std::string& service, bool serving) {
  MutexLock lock(&mu_);
  if (shut_down_) return;
  const ServingStatus status =
      serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  statuses_[service] = status;
  for (Watcher* watcher : watchers_) {
    if (watcher->name() == service) watcher->PostLocked(status, /*then_finish=*/false);
  }
}

void HealthService::Shutdown() {
  MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& [name, status] : statuses_) status = HealthCheckResponse::NOT_SERVING;
  for (Watcher* watcher : watchers_) {
    watcher->PostLocked(HealthCheckResponse::NOT_SERVING, /*then_finish=*/true);
  }
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    MutexLock lock(&mu_);
    status = StatusLocked(request->service());
  }
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(
        grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service '" + request->service() + "'"));
  } else {
    response->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* context, const HealthCheckRequest* request) {
  return new Watcher(this, request->service());  // deletes itself in OnDone
}

}  // namespace fleet
