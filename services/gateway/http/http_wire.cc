#include "services/gateway/http/http_wire.h"

#include <boost/beast/http/status.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fleet::gateway::http {
namespace {

bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsValidFieldValue(absl::string_view value) {
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool IsFramingHeader(absl::string_view name) {
  return absl::EqualsIgnoreCase(name, "content-length") ||
         absl::EqualsIgnoreCase(name, "transfer-encoding") ||
         absl::EqualsIgnoreCase(name, "connection");
}

void AppendHeaders(const HttpHeaders& headers, std::string& out) {
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
}

}  // namespace

bool IsHttpToken(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

absl::Status ValidateResponseHead(int status, const HttpHeaders& headers) {
  if (status < 200 || status > 599) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP status ", status, " is not 200..599"));
  }
  for (const auto& [name, value] : headers) {
    if (!IsHttpToken(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid header name '", absl::CEscape(name), "'"));
    }
    if (!IsValidFieldValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header '", name, "' has a value with CR, LF or NUL"));
    }
    if (IsFramingHeader(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header '", name, "' is set by the server, not by handlers"));
    }
  }
  return absl::OkStatus();
}

std::string SerializeResponseHead(int status, const HttpHeaders& headers,
                                  const HttpHeaders& server_headers) {
  const auto beast_reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  absl::string_view reason(beast_reason.data(), beast_reason.size());
  if (absl::StartsWith(reason, "<")) reason = "Unknown";  // Beast's "<unknown-status>"
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", reason, "\r\n");
  AppendHeaders(headers, out);
  AppendHeaders(server_headers, out);
  out.append("\r\n");
  return out;
}

std::string EncodeChunk(absl::string_view data) {
  return absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n");
}

}  // namespace fleet::gateway::http
