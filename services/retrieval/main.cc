// fleet-retrieval: knowledge bases: hybrid vector and keyword search with per-document access control.
// Wiring only. Until issue 8 lands, the service has no implementation and
// every RPC answers UNIMPLEMENTED (health, reflection and metrics are live).
#include "fleet/retrieval/v1/retrieval.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime = fleet::InitServerOrExit(argc, argv, "retrieval", "knowledge bases: hybrid vector and keyword search with per-document access control.");
  fleet::retrieval::v1::RetrievalService::CallbackService service;
  runtime->AddService(fleet::retrieval::v1::RetrievalService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
