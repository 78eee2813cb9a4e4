#include "services/gateway/http/openai_error.h"

#include <nlohmann/json.hpp>

namespace fleet::gateway::http {

int HttpStatusFromStatusCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

absl::string_view OpenAiErrorType(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return "invalid_request_error";
    case absl::StatusCode::kUnauthenticated:
      return "authentication_error";
    case absl::StatusCode::kPermissionDenied:
      return "permission_error";
    case absl::StatusCode::kNotFound:
      return "not_found_error";
    case absl::StatusCode::kResourceExhausted:
      return "rate_limit_error";
    default:
      return "server_error";
  }
}

OpenAiError OpenAiError::FromStatus(const absl::Status& status) {
  OpenAiError error;
  error.http_status = HttpStatusFromStatusCode(status.code());
  error.type = std::string(OpenAiErrorType(status.code()));
  error.message = std::string(status.message());
  return error;
}

std::string OpenAiError::ToJson() const {
  auto optional_string = [](const std::optional<std::string>& value) {
    return value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  const nlohmann::json body = {{"error",
                                {{"message", message},
                                 {"type", type},
                                 {"param", optional_string(param)},
                                 {"code", optional_string(code)}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse OpenAiError::ToResponse() const {
  HttpResponse response;
  response.status = http_status;
  response.headers.emplace_back("content-type", "application/json");
  response.body = ToJson();
  return response;
}

}  // namespace fleet::gateway::http
