#pragma once
// Response bytes as they go on the wire (HTTP/1.1): the status line and
// header block, chunked-transfer chunks, and the validation that keeps a
// handler's headers from breaking the framing (header injection, duplicate
// framing fields). Pure functions; thread-safe.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/gateway/http/http_types.h"

namespace fleet::gateway::http {

// OK when `status` is 200..599 and every header has a token name and a value
// free of CR, LF and NUL, and none is a framing header the server owns
// (content-length, transfer-encoding, connection). INVALID_ARGUMENT naming
// the offender otherwise.
absl::Status ValidateResponseHead(int status, const HttpHeaders& headers);

// "HTTP/1.1 <status> <reason>\r\n", then `headers` then `server_headers` as
// "name: value\r\n", then "\r\n". Inputs must have passed
// ValidateResponseHead (server_headers are trusted).
std::string SerializeResponseHead(int status, const HttpHeaders& headers,
                                  const HttpHeaders& server_headers);

// One chunk of a chunked body: "<hex size>\r\n<data>\r\n". `data` must not
// be empty (an empty chunk ends the body; use kLastChunk for that).
std::string EncodeChunk(absl::string_view data);

// The terminating chunk of a chunked body (no trailers).
inline constexpr absl::string_view kLastChunk = "0\r\n\r\n";

// True when `name` is a non-empty HTTP token (RFC 9110 tchar*).
bool IsHttpToken(absl::string_view name);

}  // namespace fleet::gateway::http
