// fleet-inference: one model on one device: streaming generation with
// continuous batching, embeddings, tokenization, load reports. Wiring only. The
// service has no implementation yet: it is registered as the generated base
// class, so every RPC answers UNIMPLEMENTED (never fake data); health,
// reflection, metrics and drain are live.
#include "fleet/inference/v1/inference.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime =
      fleet::InitServerOrExit(argc, argv, "inference",
                              "one model on one device: streaming generation with continuous "
                              "batching, embeddings, tokenization, load reports.");
  fleet::inference::v1::InferenceService::CallbackService service;
  runtime->AddService(fleet::inference::v1::InferenceService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
