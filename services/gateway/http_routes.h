#pragma once
// The gateway's HTTP routes that exist before the OpenAI API is built:
//   GET /healthz  200 {"status":"serving"} while serving, 503 while draining
// and every public API path (POST /v1/chat/completions, /v1/completions,
// /v1/embeddings, GET /v1/models, POST /oauth/token,
// GET /.well-known/jwks.json, GET /.well-known/openid-configuration)
// answering 501 with an OpenAI-shaped error: never a fake result.

#include <atomic>

#include "absl/status/status.h"
#include "services/gateway/http/router.h"

namespace fleet::gateway {

// Adds the routes to `router`. `draining` must outlive the router; the
// handlers read it (relaxed) on every /healthz request.
absl::Status AddHttpRoutes(http::Router& router, const std::atomic<bool>* draining);

}  // namespace fleet::gateway
