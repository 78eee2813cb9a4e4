#pragma once
// OpenAI-shaped errors: the HTTP status and JSON body that OpenAI clients
// expect, {"error":{"message":...,"type":...,"param":...,"code":...}}, and
// the one mapping from absl::StatusCode to HTTP status and error type used by
// the gateway's HTTP face. Pure functions; thread-safe.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/gateway/http/http_types.h"

namespace fleet::gateway::http {

// INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION 400; UNAUTHENTICATED
// 401; PERMISSION_DENIED 403; NOT_FOUND 404; RESOURCE_EXHAUSTED 429;
// UNIMPLEMENTED 501; UNAVAILABLE 503; DEADLINE_EXCEEDED 504; anything else
// (OK included) 500.
int HttpStatusFromStatusCode(absl::StatusCode code);

// The OpenAI `error.type` for a status code: invalid_request_error,
// authentication_error, permission_error, not_found_error, rate_limit_error,
// server_error (everything else, DEADLINE_EXCEEDED and UNAVAILABLE included).
absl::string_view OpenAiErrorType(absl::StatusCode code);

struct OpenAiError {
  int http_status = 500;
  std::string message;
  std::string type = "server_error";
  std::optional<std::string> param;  // JSON null when absent
  std::optional<std::string> code;   // JSON null when absent

  // Status, type and message from `status` (which should not be OK); param
  // and code null.
  static OpenAiError FromStatus(const absl::Status& status);

  // {"error":{"message":...,"type":...,"param":...,"code":...}}; never fails
  // (invalid UTF-8 in the message is replaced, not rejected).
  std::string ToJson() const;

  // The full response: http_status, content-type application/json, ToJson().
  HttpResponse ToResponse() const;
};

}  // namespace fleet::gateway::http
