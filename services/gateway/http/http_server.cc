#include "services/gateway/http/http_server.h"

#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "absl/strings/str_cat.h"
#include "lib/net/host_port.h"
#include "services/gateway/http/http_connection.h"

namespace fleet::gateway::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Back-off before accepting again after an accept error (e.g. EMFILE).
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

absl::Status ValidateOptions(const HttpServer::Options& options, const Router* router) {
  if (router == nullptr) return absl::InvalidArgumentError("HttpServer needs a router");
  if (options.io_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("io_threads must be >= 1, got ", options.io_threads));
  }
  if (options.max_header_bytes == 0 || options.max_buffered_stream_bytes == 0) {
    return absl::InvalidArgumentError("max_header_bytes and max_buffered_stream_bytes must be > 0");
  }
  if (options.request_read_timeout <= absl::ZeroDuration() ||
      options.idle_timeout <= absl::ZeroDuration() ||
      options.write_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("HttpServer timeouts must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Options options,
                                                              const Router* router) {
  if (absl::Status valid = ValidateOptions(options, router); !valid.ok()) return valid;
  absl::StatusOr<HostPort> address = ParseHostPort(options.listen_address);
  if (!address.ok()) return address.status();

  auto context = std::make_shared<ConnectionContext>();
  context->max_request_body_bytes = options.max_request_body_bytes;
  context->max_header_bytes = options.max_header_bytes;
  context->idle_timeout = options.idle_timeout;
  context->request_read_timeout = options.request_read_timeout;
  context->write_timeout = options.write_timeout;
  context->max_buffered_stream_bytes = options.max_buffered_stream_bytes;
  context->router = router;
  auto io = std::make_shared<asio::io_context>(options.io_threads);

  auto failure = [&](absl::string_view what, const boost::system::error_code& ec) {
    return absl::UnavailableError(
        absl::StrCat("HTTP server cannot ", what, " ", options.listen_address, ": ", ec.message()));
  };
  boost::system::error_code ec;
  tcp::resolver resolver(*io);
  const auto endpoints =
      resolver.resolve(address->host, absl::StrCat(address->port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) return failure("resolve", ec);
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();

  std::unique_ptr<HttpServer> server(new HttpServer(std::move(context), io));
  tcp::acceptor& acceptor = server->acceptor_;
  if (acceptor.open(endpoint.protocol(), ec); ec) return failure("open a socket for", ec);
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return failure("set SO_REUSEADDR on", ec);
  }
  if (acceptor.bind(endpoint, ec); ec) return failure("bind", ec);
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return failure("listen on", ec);
  }
  server->port_ = acceptor.local_endpoint(ec).port();
  if (ec) return failure("read the bound port of", ec);

  server->work_.emplace(io->get_executor());
  asio::post(acceptor.get_executor(), [raw = server.get()] { raw->Accept(); });
  server->threads_.reserve(options.io_threads);
  for (int i = 0; i < options.io_threads; ++i) {
    server->threads_.emplace_back([io] { io->run(); });
  }
  return server;
}

HttpServer::HttpServer(std::shared_ptr<ConnectionContext> context,
                       std::shared_ptr<asio::io_context> io)
    : context_(std::move(context)),
      io_(std::move(io)),
      acceptor_(asio::make_strand(*io_)),
      accept_retry_timer_(acceptor_.get_executor()) {}

HttpServer::~HttpServer() { Shutdown(absl::Now()); }

void HttpServer::Accept() {
  // Runs on the acceptor's strand. Each connection gets a strand of its own.
  acceptor_.async_accept(
      asio::make_strand(*io_), [this](boost::system::error_code ec, tcp::socket socket) {
        if (!acceptor_.is_open()) return;  // shutting down
        if (ec) {
          accept_retry_timer_.expires_after(kAcceptRetryDelay);
          accept_retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
            if (!wait_ec && acceptor_.is_open()) Accept();
          });
          return;
        }
        std::make_shared<HttpConnection>(std::move(socket), context_, io_)->Start();
        Accept();
      });
}

void HttpServer::Shutdown(absl::Time deadline) {
  fleet::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (threads_.empty()) return;  // never started

  // New connections are refused from here on, even ones already accepted.
  std::vector<std::shared_ptr<HttpConnection>> open = context_->tracker.StartDraining();
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_timer_.cancel();
  });
  for (const auto& connection : open) connection->BeginDrain();
  open.clear();

  if (!context_->tracker.AwaitEmpty(deadline)) {
    for (const auto& connection : context_->tracker.Live()) connection->ForceClose();
  }
  // With every connection closed the loop runs out of work and returns.
  work_.reset();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace fleet::gateway::http
