#pragma once
// The gateway's HTTP/1.1 server (Boost.Beast over Boost.Asio): accepts
// connections, parses requests and dispatches them through a Router to
// handlers that answer through a ResponseWriter, fully or streamed.
//
// Asynchronous only: a fixed pool of io threads serves every connection;
// there is no thread per connection or per stream. Handlers run on those io
// threads and must never block them (see HttpHandler); a streamed response
// is fed later from any thread through its ResponseWriter.
//
// Connections: HTTP/1.1 keep-alive (HTTP/1.0 keep-alive too), one request at
// a time per connection; `Expect: 100-continue` is honoured. A request whose
// body exceeds max_request_body_bytes gets 413, oversized headers 431,
// malformed bytes 400, a request not fully read within request_read_timeout
// 408; each of these closes the connection. An idle keep-alive connection is
// closed after idle_timeout; one whose peer stops reading is closed after
// write_timeout (and a stream's writer then reports the client gone).
//
// Thread-safety: port() and Shutdown() may be called from any thread except
// the server's own io threads (Shutdown joins them).

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/sync/mutex.h"
#include "services/gateway/http/router.h"

namespace fleet::gateway::http {

struct ConnectionContext;

class HttpServer {
 public:
  struct Options {
    // "HOST:PORT" or "[V6]:PORT"; port 0 picks an ephemeral port (port()).
    std::string listen_address = "127.0.0.1:0";
    // Threads running the io loop; >= 1.
    int io_threads = 2;
    // Larger request bodies are answered 413 (checked against
    // content-length before the body is read, and while reading chunks).
    uint64_t max_request_body_bytes = 8 << 20;
    // Larger request line + headers are answered 431.
    uint32_t max_header_bytes = 64 << 10;
    // From a request's first byte until it is completely read (headers and
    // body); 408 when exceeded.
    absl::Duration request_read_timeout = absl::Seconds(30);
    // How long a keep-alive connection may wait for its next request.
    absl::Duration idle_timeout = absl::Seconds(60);
    // How long one write may wait for the peer to take bytes.
    absl::Duration write_timeout = absl::Seconds(60);
    // A stream whose unsent bytes exceed this is cut (client too slow).
    size_t max_buffered_stream_bytes = 8 << 20;
  };

  // Binds, listens and starts serving on `options.io_threads` threads.
  // `router` must be fully built and must outlive the server. Errors:
  // INVALID_ARGUMENT for bad options or a null router, UNAVAILABLE when the
  // address cannot be resolved, bound or listened on (the message names the
  // address). Blocks only for name resolution and bind.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Options options, const Router* router);

  // Shutdown(absl::Now()) unless already shut down.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the ephemeral one when 0 was asked).
  int port() const { return port_; }

  // Stops accepting at once; idle connections close; requests in flight,
  // open streams included, may finish until `deadline` (their connections
  // then close: `connection: close`); at the deadline every remaining
  // connection is closed and its writer reports the client gone. Blocks
  // until the io threads have stopped. Idempotent; concurrent callers all
  // return after the first one is done. Must not be called from a handler.
  void Shutdown(absl::Time deadline);

 private:
  HttpServer(std::shared_ptr<ConnectionContext> context,
             std::shared_ptr<boost::asio::io_context> io);

  void Accept();

  const std::shared_ptr<ConnectionContext> context_;
  // Shared with every ResponseWriter, so that a writer a handler keeps past
  // the server's life never refers to a destroyed io_context.
  const std::shared_ptr<boost::asio::io_context> io_;
  boost::asio::ip::tcp::acceptor acceptor_;       // on its own strand
  boost::asio::steady_timer accept_retry_timer_;  // same strand
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  int port_ = 0;

  fleet::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace fleet::gateway::http
