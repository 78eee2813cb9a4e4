#pragma once
// The types an HTTP handler sees: the request it is given, the response it
// builds, and the ResponseWriter through which it answers.
//
// A handler answers EITHER with one full response (ResponseWriter::Respond)
// OR with a streamed one (StartStream, then Write any number of times, then
// Finish). Streamed bodies use chunked transfer encoding on HTTP/1.1 (SSE is
// a streamed response with `content-type: text/event-stream` whose chunks are
// `data: ...\n\n` events or `: keep-alive\n\n` comments).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fleet::gateway::http {

// Header fields in order; names compare case-insensitively.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One parsed request. A plain value: copy it (or the parts you need) when
// answering asynchronously, since the reference a handler receives is only
// valid during the handler call. Not synchronized; const access from many
// threads is fine.
class HttpRequest {
 public:
  HttpRequest() = default;
  HttpRequest(std::string method, std::string target, int version, HttpHeaders headers,
              std::string body, std::string remote_address, std::string request_id);

  // Upper-case method token as sent, e.g. "POST".
  const std::string& method() const { return method_; }
  // The raw request target, e.g. "/v1/models?limit=2".
  const std::string& target() const { return target_; }
  // The target up to '?' (not percent-decoded), e.g. "/v1/models".
  absl::string_view path() const;
  // The target after '?' (empty when none; not decoded), e.g. "limit=2".
  absl::string_view query() const;
  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  int version() const { return version_; }
  // The first value of header `name` (case-insensitive), nullopt when absent.
  std::optional<absl::string_view> header(absl::string_view name) const;
  // Every header field as received, in order.
  const HttpHeaders& headers() const { return headers_; }
  const std::string& body() const { return body_; }
  // The peer as "IP:PORT" ("[IPv6]:PORT").
  const std::string& remote_address() const { return remote_address_; }
  // The caller's `x-request-id` when it was 1..128 printable ASCII
  // characters, otherwise a generated 32-hex-digit random id. Echoed by the
  // server in the response header `x-request-id`.
  const std::string& request_id() const { return request_id_; }

 private:
  std::string method_;
  std::string target_;
  int version_ = 11;
  HttpHeaders headers_;
  std::string body_;
  std::string remote_address_;
  std::string request_id_;
};

// One full response. The server adds content-length, x-request-id and,
// when needed, connection; handlers must not set framing headers
// (content-length, transfer-encoding, connection).
struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
};

// How a handler answers one request. Implemented by the server for each
// request; a test fake can implement it too.
//
// Thread-safety: every method may be called from any thread, concurrently.
// Blocking: none. Bytes are queued and sent later by the connection's own
// strand; a method returning OK means "queued", not "delivered".
//
// Lifetime: the handler receives a shared_ptr and keeps it for as long as it
// wants to answer. If the last reference is dropped before the response is
// complete, the server answers 500 (nothing sent yet) or closes the
// connection (a stream that was never finished, so the client sees a
// truncated body rather than a clean end).
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // Sends one full response. FAILED_PRECONDITION if a response was already
  // started; CANCELLED if the client has gone away; INVALID_ARGUMENT for a
  // status outside 200..599 or a header name/value that is malformed or
  // reserved (framing headers). Nothing is sent unless OK.
  virtual absl::Status Respond(HttpResponse response) = 0;

  // Starts a streamed response: status line and headers now, body later
  // through Write. Same errors as Respond.
  virtual absl::Status StartStream(int status, HttpHeaders headers) = 0;

  // Queues `data` as the next piece of the streamed body (an empty string is
  // a no-op). FAILED_PRECONDITION when no stream is open (not started or
  // already finished); CANCELLED when the client has gone away (including a
  // client too slow to take the bytes already queued).
  virtual absl::Status Write(std::string data) = 0;

  // Ends the streamed body. FAILED_PRECONDITION when no stream is open;
  // CANCELLED when the client has gone away.
  virtual absl::Status Finish() = 0;

  // True once the connection is known to be gone (peer closed or reset it,
  // a write failed or stalled, or the server was shut down past its
  // deadline) before this response completed. Never reverts to false. A
  // peer that half-closes (sends FIN) while waiting counts as gone, as in
  // most HTTP servers; detection pauses while a pipelining peer has more
  // than 64 KiB of unanswered bytes buffered.
  virtual bool IsClientGone() const = 0;

  // Registers `callback` to run once when the client goes away before the
  // response is complete; it runs immediately on the calling thread if the
  // client is already gone, otherwise on a server io thread, where it must
  // not block (cancel the upstream call, do not wait for it). Registering
  // again replaces a callback that has not run yet. It never runs after the
  // response has been completely sent.
  virtual void OnClientGone(absl::AnyInvocable<void()> callback) = 0;
};

// A route handler. Runs on a server io thread: it must not block (no
// synchronous RPCs, file or network I/O, sleeps, or long computation); slow
// work is started asynchronously and answers later through the writer from
// any thread. `request` is valid only during the call.
using HttpHandler =
    std::function<void(const HttpRequest& request, std::shared_ptr<ResponseWriter> writer)>;

}  // namespace fleet::gateway::http
