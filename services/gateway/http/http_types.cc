#include "services/gateway/http/http_types.h"

#include "absl/strings/match.h"

namespace fleet::gateway::http {

HttpRequest::HttpRequest(std::string method, std::string target, int version, HttpHeaders headers,
                         std::string body, std::string remote_address, std::string request_id)
    : method_(std::move(method)),
      target_(std::move(target)),
      version_(version),
      headers_(std::move(headers)),
      body_(std::move(body)),
      remote_address_(std::move(remote_address)),
      request_id_(std::move(request_id)) {}

absl::string_view HttpRequest::path() const {
  absl::string_view target = target_;
  return target.substr(0, target.find('?'));
}

absl::string_view HttpRequest::query() const {
  const size_t question = target_.find('?');
  if (question == std::string::npos) return {};
  return absl::string_view(target_).substr(question + 1);
}

std::optional<absl::string_view> HttpRequest::header(absl::string_view name) const {
  for (const auto& [field, value] : headers_) {
    if (absl::EqualsIgnoreCase(field, name)) return absl::string_view(value);
  }
  return std::nullopt;
}

}  // namespace fleet::gateway::http
