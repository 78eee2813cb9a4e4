// fleet-auth: the fleet's identity authority: OAuth2 client credentials, signed
// JWTs, JWKS, API keys, tenants and roles. Wiring only. The service has no
// implementation yet: it is registered as the generated base class, so every
// RPC answers UNIMPLEMENTED (never fake data); health, reflection, metrics and
// drain are live.
#include "fleet/auth/v1/auth.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime =
      fleet::InitServerOrExit(argc, argv, "auth",
                              "the fleet's identity authority: OAuth2 client credentials, signed "
                              "JWTs, JWKS, API keys, tenants and roles.");
  fleet::auth::v1::AuthService::CallbackService service;
  runtime->AddService(fleet::auth::v1::AuthService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
