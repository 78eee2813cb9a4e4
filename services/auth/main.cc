// fleet-auth: the fleet's identity authority: OAuth2 client credentials, signed JWTs, JWKS, API keys, tenants and roles.
// Wiring only. Until issue 6 lands, the service has no implementation and
// every RPC answers UNIMPLEMENTED (health, reflection and metrics are live).
#include "fleet/auth/v1/auth.grpc.pb.h"
#include "lib/server/server_main.h"

int main(int argc, char** argv) {
  auto runtime = fleet::InitServerOrExit(argc, argv, "auth", "the fleet's identity authority: OAuth2 client credentials, signed JWTs, JWKS, API keys, tenants and roles.");
  fleet::auth::v1::AuthService::CallbackService service;
  runtime->AddService(fleet::auth::v1::AuthService::service_full_name(), &service);
  fleet::StartServerOrExit(*runtime);
  return fleet::ServeUntilSignal(*runtime);
}
