#pragma once
// The route table of the HTTP server: exact (method, path) -> handler.
// Unknown path: 404; known path, other method: 405 with an `allow` header.
// Both carry an OpenAI-shaped JSON error body.
//
// Thread-safety: Add is not thread-safe and must finish before the router is
// given to HttpServer::Start; Handle is const and safe from many threads.

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/gateway/http/http_types.h"

namespace fleet::gateway::http {

class Router {
 public:
  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Routes `method` (an HTTP token such as "POST", matched case-sensitively)
  // on exactly `path` (starts with '/', no query) to `handler`.
  // INVALID_ARGUMENT for a malformed method or path or an empty handler;
  // ALREADY_EXISTS when (method, path) is taken.
  absl::Status Add(absl::string_view method, absl::string_view path, HttpHandler handler);

  // Dispatches `request` by request.path() and request.method(): calls the
  // handler (see HttpHandler for its contract) or answers 404 / 405 through
  // `writer`. Does not block beyond what the handler does.
  void Handle(const HttpRequest& request, std::shared_ptr<ResponseWriter> writer) const;

 private:
  // path -> method -> handler; std::less<> allows absl::string_view lookups.
  std::map<std::string, std::map<std::string, HttpHandler, std::less<>>, std::less<>> routes_;
};

}  // namespace fleet::gateway::http
