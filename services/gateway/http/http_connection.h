#pragma once
// One accepted TCP connection of the HTTP server: reads requests (HTTP/1.1
// keep-alive, one request at a time), hands each to the Router with a
// ResponseWriter, and writes the answer, full or streamed. Internal to
// HttpServer; handlers only ever see HttpRequest and ResponseWriter.
//
// Concurrency: every field is touched only on the connection's strand (the
// executor of its socket); the public methods post there and return at once.
// While a request is being answered the connection keeps one read pending,
// so that a peer that closes or resets is noticed and reported to the
// writer ("client gone"). Bytes a pipelining client sends meanwhile are
// buffered (bounded) and parsed after the response.
//
// Lifetime: owned by shared_ptrs held by its pending asynchronous operations
// and, while a response is in progress, by itself; ResponseWriters refer to
// it weakly. It must not outlive its io_context's run() loop: HttpServer
// closes every connection before it stops its io threads.

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "absl/time/time.h"
#include "services/gateway/http/connection_tracker.h"
#include "services/gateway/http/http_types.h"
#include "services/gateway/http/openai_error.h"
#include "services/gateway/http/router.h"

namespace fleet::gateway::http {

// What every connection of one server shares. Immutable after construction
// except the tracker, which is thread-safe.
struct ConnectionContext {
  uint64_t max_request_body_bytes = 0;
  uint32_t max_header_bytes = 0;
  absl::Duration idle_timeout;
  absl::Duration request_read_timeout;
  absl::Duration write_timeout;
  size_t max_buffered_stream_bytes = 0;
  const Router* router = nullptr;  // not owned; outlives the server
  ConnectionTracker tracker;
};

class ConnectionResponseWriter;

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // `socket` is connected and bound to its own strand. `io` is the context
  // the socket belongs to; writers keep it alive while they exist.
  HttpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionContext> context,
                 std::weak_ptr<boost::asio::io_context> io);
  ~HttpConnection();

  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Registers with the tracker (or closes at once if the server is draining)
  // and starts reading. Call once, from any thread, on a shared_ptr.
  void Start();

  // Graceful drain: an idle connection closes now; a request being read or
  // answered is finished, answered with `connection: close`, then closed.
  void BeginDrain();

  // Closes now; a response in progress is cut and its writer is told that
  // the client is gone.
  void ForceClose();

 private:
  friend class ConnectionResponseWriter;

  enum class Phase { kReading, kResponding, kLingering, kClosed };
  struct PendingWrite {
    std::string bytes;
    bool ends_response = false;
  };

  // All below run on the strand.
  void DoStart();
  void BeginRequest();
  void ReadMore();
  void OnRead(boost::system::error_code ec, size_t bytes);
  void ParseBuffered();
  void MaybeSendContinue();
  void RejectRequest(OpenAiError error);
  void Dispatch();
  void QueueWrite(std::string bytes, bool ends_response);
  void StartWrite();
  void OnWrite(boost::system::error_code ec);
  void OnResponseComplete();
  void StartLinger();
  void Close();
  void ArmReadTimer(absl::Duration timeout);
  void CancelReadTimer();
  void OnReadTimeout();
  HttpHeaders ServerHeaders();

  // Entry points of the current request's writer (posted to the strand);
  // ignored unless `exchange` is the request being answered.
  void SendFullResponse(uint64_t exchange, HttpResponse response);
  void SendStreamHead(uint64_t exchange, int status, HttpHeaders headers);
  void SendStreamData(uint64_t exchange, std::string data);
  void SendStreamEnd(uint64_t exchange);
  void OnWriterAbandoned(uint64_t exchange);

  const std::shared_ptr<ConnectionContext> context_;
  const std::weak_ptr<boost::asio::io_context> io_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer read_timer_;
  boost::asio::steady_timer write_timer_;
  std::string remote_address_;
  std::optional<uint64_t> tracker_id_;

  Phase phase_ = Phase::kReading;
  bool draining_ = false;
  // Keeps the connection alive while a response is in progress, when the
  // pending read may have been paused (too many pipelined bytes).
  std::shared_ptr<HttpConnection> self_;

  // Read side. The socket reads into read_chunk_ (never into read_buffer_,
  // which the parser consumes while a read may be pending).
  bool reading_ = false;
  std::array<char, 16 * 1024> read_chunk_{};
  boost::beast::flat_buffer read_buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool sent_continue_ = false;
  uint64_t read_timer_generation_ = 0;

  // The request being answered.
  uint64_t exchange_ = 0;
  std::weak_ptr<ConnectionResponseWriter> writer_;
  std::string request_id_;
  bool close_after_response_ = false;
  bool linger_after_response_ = false;
  bool head_request_ = false;
  bool head_sent_ = false;
  bool streaming_ = false;
  bool chunked_ = false;

  // Write side: queued buffers, and the batch async_write is sending.
  std::deque<PendingWrite> write_queue_;
  std::vector<PendingWrite> in_flight_;
  bool writing_ = false;
  size_t queued_bytes_ = 0;
  uint64_t write_timer_generation_ = 0;
};

}  // namespace fleet::gateway::http
