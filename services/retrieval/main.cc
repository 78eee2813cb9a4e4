// fleet-retrieval: knowledge bases: hybrid vector and keyword search with
// per-document access control. Wiring only. The service has no implementation
// yet: it is registered as the generated base class, so every RPC answers
// UNIMPLEMENTED (never fake data); health, reflection, metrics and drain are
// live.
#include "fleet/retrieval/v1/retrieval.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime = fleet::InitServerOrExit(
      argc, argv, "retrieval",
      "knowledge bases: hybrid vector and keyword search with per-document access control.");
  fleet::retrieval::v1::RetrievalService::CallbackService service;
  runtime->AddService(fleet::retrieval::v1::RetrievalService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
