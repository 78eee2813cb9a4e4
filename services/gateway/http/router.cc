#include "services/gateway/http/router.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/gateway/http/openai_error.h"

namespace fleet::gateway::http {
namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsValidMethod(absl::string_view method) {
  if (method.empty()) return false;
  for (char c : method) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsValidPath(absl::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  for (char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') return false;
  }
  return true;
}

// Best effort: the writer refuses only when the client is gone, and then
// there is nobody to tell.
void Answer(ResponseWriter& writer, OpenAiError error, HttpHeaders extra_headers = {}) {
  HttpResponse response = error.ToResponse();
  for (auto& header : extra_headers) response.headers.push_back(std::move(header));
  writer.Respond(std::move(response)).IgnoreError();
}

}  // namespace

absl::Status Router::Add(absl::string_view method, absl::string_view path, HttpHandler handler) {
  if (!IsValidMethod(method)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid HTTP method '", method, "'"));
  }
  if (!IsValidPath(path)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid route path '", path, "'"));
  }
  if (!handler) {
    return absl::InvalidArgumentError(absl::StrCat("empty handler for ", method, " ", path));
  }
  auto& methods = routes_[std::string(path)];
  if (!methods.emplace(std::string(method), std::move(handler)).second) {
    return absl::AlreadyExistsError(absl::StrCat("route ", method, " ", path, " already exists"));
  }
  return absl::OkStatus();
}

void Router::Handle(const HttpRequest& request, std::shared_ptr<ResponseWriter> writer) const {
  const auto path_it = routes_.find(request.path());
  if (path_it == routes_.end()) {
    OpenAiError error;
    error.http_status = 404;
    error.type = "invalid_request_error";
    error.code = "unknown_url";
    error.message = absl::StrCat("Invalid URL (", request.method(), " ", request.path(), ")");
    Answer(*writer, std::move(error));
    return;
  }
  const auto& methods = path_it->second;
  const auto method_it = methods.find(request.method());
  if (method_it == methods.end()) {
    OpenAiError error;
    error.http_status = 405;
    error.type = "invalid_request_error";
    error.code = "method_not_allowed";
    error.message =
        absl::StrCat("Invalid method for URL (", request.method(), " ", request.path(), ")");
    std::string allow = absl::StrJoin(
        methods, ", ", [](std::string* out, const auto& entry) { out->append(entry.first); });
    Answer(*writer, std::move(error), {{"allow", std::move(allow)}});
    return;
  }
  method_it->second(request, std::move(writer));
}

}  // namespace fleet::gateway::http
