#include "services/gateway/http_routes.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/gateway/http/openai_error.h"

namespace fleet::gateway {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using http::ResponseWriter;

// Public API routes whose implementation has not been built yet.
constexpr std::pair<const char*, const char*> kUnbuiltRoutes[] = {
    {"POST", "/v1/chat/completions"},
    {"POST", "/v1/completions"},
    {"POST", "/v1/embeddings"},
    {"GET", "/v1/models"},
    {"POST", "/oauth/token"},
    {"GET", "/.well-known/jwks.json"},
    {"GET", "/.well-known/openid-configuration"},
};

void Answer(const std::shared_ptr<ResponseWriter>& writer, HttpResponse response) {
  // A client that left already needs no answer; nothing else can fail here.
  (void)writer->Respond(std::move(response));
}

}  // namespace

absl::Status AddHttpRoutes(http::Router& router, const std::atomic<bool>* draining) {
  RETURN_IF_ERROR(router.Add(
      "GET", "/healthz", [draining](const HttpRequest&, std::shared_ptr<ResponseWriter> writer) {
        const bool serving = !draining->load(std::memory_order_relaxed);
        Answer(writer,
               HttpResponse{serving ? 200 : 503,
                            {{"content-type", "application/json"}},
                            serving ? R"({"status":"serving"})" : R"({"status":"draining"})"});
      }));
  for (const auto& [method, path] : kUnbuiltRoutes) {
    RETURN_IF_ERROR(router.Add(
        method, path,
        [method = std::string(method), path = std::string(path)](
            const HttpRequest&, std::shared_ptr<ResponseWriter> writer) {
          Answer(writer, http::OpenAiError::FromStatus(
                             absl::UnimplementedError(absl::StrCat(
                                 method, " ", path, " is not implemented by this gateway yet")))
                             .ToResponse());
        }));
  }
  return absl::OkStatus();
}

}  // namespace fleet::gateway
