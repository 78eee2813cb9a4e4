// fleet-inference: one model on one device: streaming generation with continuous batching, embeddings, tokenization, load reports.
// Wiring only. Until issue 5 lands, the service has no implementation and
// every RPC answers UNIMPLEMENTED (health, reflection and metrics are live).
#include "fleet/inference/v1/inference.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime = fleet::InitServerOrExit(argc, argv, "inference", "one model on one device: streaming generation with continuous batching, embeddings, tokenization, load reports.");
  fleet::inference::v1::InferenceService::CallbackService service;
  runtime->AddService(fleet::inference::v1::InferenceService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
