#include "services/gateway/http/http_connection.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/logging/request_id.h"
#include "lib/sync/mutex.h"
#include "services/gateway/http/http_wire.h"

namespace fleet::gateway::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Bytes a pipelining client may send ahead while a response is in progress;
// beyond this the connection stops reading until the response is done.
constexpr size_t kMaxPipelinedBytes = 64 * 1024;
// How long a connection closed after an error keeps discarding the peer's
// unread bytes, so that the error response is not destroyed by a reset.
constexpr absl::Duration kLingerTimeout = absl::Seconds(2);

std::chrono::steady_clock::duration ToSteadyDuration(absl::Duration d) {
  // Clamp so that "infinite" and huge values cannot overflow the clock.
  d = std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365));
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

std::string FormatEndpoint(const asio::ip::tcp::endpoint& endpoint) {
  const asio::ip::address address = endpoint.address();
  if (address.is_v6()) return absl::StrCat("[", address.to_string(), "]:", endpoint.port());
  return absl::StrCat(address.to_string(), ":", endpoint.port());
}

std::string ToStdString(beast::string_view view) { return std::string(view.data(), view.size()); }

bool HasHeader(const HttpHeaders& headers, absl::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
    return absl::EqualsIgnoreCase(header.first, name);
  });
}

}  // namespace

// The ResponseWriter of one request. Its state machine (new -> responded, or
// new -> streaming -> finished) runs under mu_ on the caller's thread; the
// bytes are produced and sent by the connection's strand, to which every
// accepted call posts, in call order (posts happen under mu_).
class ConnectionResponseWriter final : public ResponseWriter {
 public:
  ConnectionResponseWriter(std::shared_ptr<asio::io_context> io, asio::any_io_executor strand,
                           std::weak_ptr<HttpConnection> connection, uint64_t exchange)
      : io_(std::move(io)),
        strand_(std::move(strand)),
        connection_(std::move(connection)),
        exchange_(exchange) {}

  ~ConnectionResponseWriter() override {
    fleet::MutexLock lock(&mu_);
    if (!gone_ && (state_ == State::kNew || state_ == State::kStreaming)) {
      PostLocked([exchange = exchange_](HttpConnection& c) { c.OnWriterAbandoned(exchange); });
    }
  }

  absl::Status Respond(HttpResponse response) override {
    if (absl::Status valid = ValidateResponseHead(response.status, response.headers); !valid.ok()) {
      return valid;
    }
    fleet::MutexLock lock(&mu_);
    if (absl::Status usable = CheckLocked(State::kNew); !usable.ok()) return usable;
    state_ = State::kResponded;
    PostLocked([exchange = exchange_, response = std::move(response)](HttpConnection& c) mutable {
      c.SendFullResponse(exchange, std::move(response));
    });
    return absl::OkStatus();
  }

  absl::Status StartStream(int status, HttpHeaders headers) override {
    if (absl::Status valid = ValidateResponseHead(status, headers); !valid.ok()) return valid;
    fleet::MutexLock lock(&mu_);
    if (absl::Status usable = CheckLocked(State::kNew); !usable.ok()) return usable;
    state_ = State::kStreaming;
    PostLocked(
        [exchange = exchange_, status, headers = std::move(headers)](HttpConnection& c) mutable {
          c.SendStreamHead(exchange, status, std::move(headers));
        });
    return absl::OkStatus();
  }

  absl::Status Write(std::string data) override {
    fleet::MutexLock lock(&mu_);
    if (absl::Status usable = CheckLocked(State::kStreaming); !usable.ok()) return usable;
    if (data.empty()) return absl::OkStatus();
    PostLocked([exchange = exchange_, data = std::move(data)](HttpConnection& c) mutable {
      c.SendStreamData(exchange, std::move(data));
    });
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    fleet::MutexLock lock(&mu_);
    if (absl::Status usable = CheckLocked(State::kStreaming); !usable.ok()) return usable;
    state_ = State::kFinished;
    PostLocked([exchange = exchange_](HttpConnection& c) { c.SendStreamEnd(exchange); });
    return absl::OkStatus();
  }

  bool IsClientGone() const override {
    fleet::MutexLock lock(&mu_);
    return gone_;
  }

  void OnClientGone(absl::AnyInvocable<void()> callback) override {
    {
      fleet::MutexLock lock(&mu_);
      if (!gone_) {
        on_gone_ = std::move(callback);
        return;
      }
    }
    if (callback) callback();
  }

  // On the strand: the connection died before this response completed.
  void NotifyClientGone() {
    absl::AnyInvocable<void()> callback;
    {
      fleet::MutexLock lock(&mu_);
      if (gone_) return;
      gone_ = true;
      callback = std::move(on_gone_);
    }
    if (callback) callback();
  }

 private:
  enum class State { kNew, kResponded, kStreaming, kFinished };

  absl::Status CheckLocked(State required) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (gone_) return absl::CancelledError("the HTTP client has gone away");
    if (state_ == required) return absl::OkStatus();
    switch (state_) {
      case State::kNew:
        return absl::FailedPreconditionError("the response stream was not started");
      case State::kResponded:
        return absl::FailedPreconditionError("a full response was already sent");
      case State::kStreaming:
        return absl::FailedPreconditionError("a streamed response is already open");
      case State::kFinished:
        return absl::FailedPreconditionError("the response stream is already finished");
    }
    return absl::InternalError("unreachable");
  }

  // Runs `task` on the strand if the connection still exists then.
  template <typename Task>
  void PostLocked(Task task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    asio::post(strand_, [connection = connection_, task = std::move(task)]() mutable {
      if (std::shared_ptr<HttpConnection> c = connection.lock()) task(*c);
    });
  }

  // Declared first so that it is destroyed last: the strand executor must
  // not outlive its io_context.
  const std::shared_ptr<asio::io_context> io_;
  const asio::any_io_executor strand_;
  const std::weak_ptr<HttpConnection> connection_;
  const uint64_t exchange_;

  mutable fleet::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kNew;
  bool gone_ ABSL_GUARDED_BY(mu_) = false;
  absl::AnyInvocable<void()> on_gone_ ABSL_GUARDED_BY(mu_);
};

HttpConnection::HttpConnection(asio::ip::tcp::socket socket,
                               std::shared_ptr<ConnectionContext> context,
                               std::weak_ptr<asio::io_context> io)
    : context_(std::move(context)),
      io_(std::move(io)),
      socket_(std::move(socket)),
      read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()) {}

HttpConnection::~HttpConnection() {
  if (tracker_id_.has_value()) context_->tracker.Remove(*tracker_id_);
}

void HttpConnection::Start() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->DoStart(); });
}

void HttpConnection::BeginDrain() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    switch (self->phase_) {
      case Phase::kReading:
        // Idle between requests: nothing to finish.
        if (self->read_buffer_.size() == 0 && !self->parser_->got_some()) self->Close();
        break;
      case Phase::kResponding:
        if (!self->head_sent_) self->close_after_response_ = true;
        break;
      case Phase::kLingering:
      case Phase::kClosed:
        break;
    }
  });
}

void HttpConnection::ForceClose() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void HttpConnection::DoStart() {
  tracker_id_ = context_->tracker.Add(weak_from_this());
  if (!tracker_id_.has_value()) {
    phase_ = Phase::kClosed;
    boost::system::error_code ignored;
    socket_.close(ignored);
    return;
  }
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // SSE chunks go out at once
  const asio::ip::tcp::endpoint peer = socket_.remote_endpoint(ec);
  remote_address_ = ec ? "unknown" : FormatEndpoint(peer);
  BeginRequest();
}

void HttpConnection::BeginRequest() {
  phase_ = Phase::kReading;
  if (draining_ && read_buffer_.size() == 0) {
    Close();
    return;
  }
  parser_.emplace();
  parser_->body_limit(context_->max_request_body_bytes);
  parser_->header_limit(context_->max_header_bytes);
  parser_->eager(true);
  sent_continue_ = false;
  ArmReadTimer(read_buffer_.size() == 0 ? context_->idle_timeout : context_->request_read_timeout);
  ParseBuffered();
  ReadMore();
}

void HttpConnection::ReadMore() {
  if (reading_ || phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kResponding && read_buffer_.size() >= kMaxPipelinedBytes) return;
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(read_chunk_),
      [self = shared_from_this()](boost::system::error_code ec, size_t n) { self->OnRead(ec, n); });
}

void HttpConnection::OnRead(boost::system::error_code ec, size_t bytes) {
  reading_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    // A peer that half-closes after a rejected request still gets the error
    // response; the linger that follows sees the EOF again and closes.
    if (phase_ == Phase::kResponding && linger_after_response_ && ec == asio::error::eof) return;
    // EOF or reset: between requests this is an ordinary close; while a
    // response is in progress it means the client has gone away.
    Close();
    return;
  }
  switch (phase_) {
    case Phase::kReading: {
      const bool first_bytes = read_buffer_.size() == 0 && !parser_->got_some();
      read_buffer_.commit(
          asio::buffer_copy(read_buffer_.prepare(bytes), asio::buffer(read_chunk_.data(), bytes)));
      if (first_bytes) ArmReadTimer(context_->request_read_timeout);
      ParseBuffered();
      break;
    }
    case Phase::kResponding:
      read_buffer_.commit(
          asio::buffer_copy(read_buffer_.prepare(bytes), asio::buffer(read_chunk_.data(), bytes)));
      break;
    case Phase::kLingering:
    case Phase::kClosed:
      break;  // discarded
  }
  ReadMore();
}

void HttpConnection::ParseBuffered() {
  while (phase_ == Phase::kReading && read_buffer_.size() > 0) {
    beast::error_code ec;
    const size_t used = parser_->put(read_buffer_.data(), ec);
    read_buffer_.consume(used);
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::body_limit) {
      OpenAiError error;
      error.http_status = 413;
      error.type = "invalid_request_error";
      error.code = "request_too_large";
      error.message =
          absl::StrCat("Request body exceeds ", context_->max_request_body_bytes, " bytes");
      RejectRequest(std::move(error));
      return;
    }
    if (ec == bhttp::error::header_limit) {
      OpenAiError error;
      error.http_status = 431;
      error.type = "invalid_request_error";
      error.message = absl::StrCat("Request headers exceed ", context_->max_header_bytes, " bytes");
      RejectRequest(std::move(error));
      return;
    }
    if (ec) {
      OpenAiError error;
      error.http_status = 400;
      error.type = "invalid_request_error";
      error.message = absl::StrCat("Malformed HTTP request: ", ec.message());
      RejectRequest(std::move(error));
      return;
    }
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (used == 0) break;
  }
  if (phase_ == Phase::kReading) MaybeSendContinue();
}

void HttpConnection::MaybeSendContinue() {
  if (sent_continue_ || !parser_->is_header_done() || parser_->is_done()) return;
  const auto& header = parser_->get();
  const auto expect = header[bhttp::field::expect];
  if (header.version() < 11 ||
      !absl::EqualsIgnoreCase(absl::string_view(expect.data(), expect.size()), "100-continue")) {
    return;
  }
  sent_continue_ = true;
  QueueWrite("HTTP/1.1 100 Continue\r\n\r\n", /*ends_response=*/false);
}

void HttpConnection::RejectRequest(OpenAiError error) {
  CancelReadTimer();
  phase_ = Phase::kResponding;
  self_ = shared_from_this();
  ++exchange_;
  writer_.reset();
  request_id_ = NewRequestId();
  close_after_response_ = true;
  linger_after_response_ = true;  // the rest of the request is unread
  head_request_ = false;
  head_sent_ = false;
  streaming_ = false;
  SendFullResponse(exchange_, error.ToResponse());
}

void HttpConnection::Dispatch() {
  CancelReadTimer();
  bhttp::request<bhttp::string_body> message = parser_->release();
  parser_.reset();

  HttpHeaders headers;
  for (const auto& field : message) {
    headers.emplace_back(ToStdString(field.name_string()), ToStdString(field.value()));
  }
  std::string request_id;
  if (const auto it = message.find("x-request-id"); it != message.end()) {
    const std::string candidate = ToStdString(it->value());
    if (IsAcceptableRequestId(candidate)) request_id = candidate;
  }
  if (request_id.empty()) request_id = NewRequestId();

  phase_ = Phase::kResponding;
  self_ = shared_from_this();
  ++exchange_;
  request_id_ = request_id;
  close_after_response_ = !message.keep_alive() || draining_;
  linger_after_response_ = false;
  head_request_ = message.method() == bhttp::verb::head;
  head_sent_ = false;
  streaming_ = false;
  chunked_ = message.version() >= 11;
  const int version = message.version();

  HttpRequest request(ToStdString(message.method_string()), ToStdString(message.target()), version,
                      std::move(headers), std::move(message.body()), remote_address_,
                      std::move(request_id));

  std::shared_ptr<asio::io_context> io = io_.lock();
  if (io == nullptr) {  // the server is being torn down
    Close();
    return;
  }
  auto writer = std::make_shared<ConnectionResponseWriter>(std::move(io), socket_.get_executor(),
                                                           weak_from_this(), exchange_);
  writer_ = writer;
  context_->router->Handle(request, std::move(writer));
}

HttpHeaders HttpConnection::ServerHeaders() {
  if (draining_) close_after_response_ = true;
  HttpHeaders headers;
  headers.emplace_back("x-request-id", request_id_);
  if (close_after_response_) {
    headers.emplace_back("connection", "close");
  } else if (!chunked_) {
    headers.emplace_back("connection", "keep-alive");  // HTTP/1.0 keep-alive
  }
  return headers;
}

void HttpConnection::SendFullResponse(uint64_t exchange, HttpResponse response) {
  if (phase_ != Phase::kResponding || exchange != exchange_ || head_sent_) return;
  head_sent_ = true;
  HttpHeaders server_headers = ServerHeaders();
  if (HasHeader(response.headers, "x-request-id")) server_headers.erase(server_headers.begin());
  const bool no_body = response.status == 204 || response.status == 304;
  if (!no_body) server_headers.emplace_back("content-length", absl::StrCat(response.body.size()));
  std::string head = SerializeResponseHead(response.status, response.headers, server_headers);
  if (no_body || head_request_ || response.body.empty()) {
    QueueWrite(std::move(head), /*ends_response=*/true);
  } else {
    QueueWrite(std::move(head), /*ends_response=*/false);
    QueueWrite(std::move(response.body), /*ends_response=*/true);
  }
}

void HttpConnection::SendStreamHead(uint64_t exchange, int status, HttpHeaders headers) {
  if (phase_ != Phase::kResponding || exchange != exchange_ || head_sent_) return;
  head_sent_ = true;
  streaming_ = true;
  // An HTTP/1.0 client cannot read chunks: its body ends when we close.
  if (!chunked_) close_after_response_ = true;
  HttpHeaders server_headers = ServerHeaders();
  if (HasHeader(headers, "x-request-id")) server_headers.erase(server_headers.begin());
  if (chunked_) server_headers.emplace_back("transfer-encoding", "chunked");
  QueueWrite(SerializeResponseHead(status, headers, server_headers), /*ends_response=*/false);
}

void HttpConnection::SendStreamData(uint64_t exchange, std::string data) {
  if (phase_ != Phase::kResponding || exchange != exchange_ || !streaming_ || head_request_) {
    return;
  }
  if (queued_bytes_ + data.size() > context_->max_buffered_stream_bytes) {
    Close();  // the client does not keep up: treat it as gone
    return;
  }
  QueueWrite(chunked_ ? EncodeChunk(data) : std::move(data), /*ends_response=*/false);
}

void HttpConnection::SendStreamEnd(uint64_t exchange) {
  if (phase_ != Phase::kResponding || exchange != exchange_ || !streaming_) return;
  QueueWrite(chunked_ && !head_request_ ? std::string(kLastChunk) : std::string(),
             /*ends_response=*/true);
}

void HttpConnection::OnWriterAbandoned(uint64_t exchange) {
  if (phase_ != Phase::kResponding || exchange != exchange_) return;
  if (head_sent_) {
    Close();  // an unfinished stream: cut it so that the client sees truncation
    return;
  }
  OpenAiError error;
  error.http_status = 500;
  error.type = "server_error";
  error.message = "The server had an error while processing your request (no response)";
  SendFullResponse(exchange, error.ToResponse());
}

void HttpConnection::QueueWrite(std::string bytes, bool ends_response) {
  queued_bytes_ += bytes.size();
  write_queue_.push_back(PendingWrite{std::move(bytes), ends_response});
  if (!writing_) StartWrite();
}

void HttpConnection::StartWrite() {
  if (phase_ == Phase::kClosed || write_queue_.empty()) return;
  in_flight_.clear();
  std::vector<asio::const_buffer> buffers;
  while (!write_queue_.empty()) {
    in_flight_.push_back(std::move(write_queue_.front()));
    write_queue_.pop_front();
    // A response end closes the batch: what follows belongs to the next
    // response, which may have to wait for this one's completion.
    if (in_flight_.back().ends_response) break;
  }
  buffers.reserve(in_flight_.size());
  for (const PendingWrite& pending : in_flight_) buffers.push_back(asio::buffer(pending.bytes));
  writing_ = true;

  const uint64_t generation = ++write_timer_generation_;
  write_timer_.expires_after(ToSteadyDuration(context_->write_timeout));
  write_timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (ec || generation != self->write_timer_generation_) return;
    self->Close();  // the client stopped reading
  });
  asio::async_write(
      socket_, buffers,
      [self = shared_from_this()](boost::system::error_code ec, size_t) { self->OnWrite(ec); });
}

void HttpConnection::OnWrite(boost::system::error_code ec) {
  writing_ = false;
  ++write_timer_generation_;
  write_timer_.cancel();
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  bool ended = false;
  for (const PendingWrite& pending : in_flight_) {
    queued_bytes_ -= pending.bytes.size();
    ended = ended || pending.ends_response;
  }
  in_flight_.clear();
  if (ended) OnResponseComplete();
  if (!writing_ && !write_queue_.empty()) StartWrite();
}

void HttpConnection::OnResponseComplete() {
  writer_.reset();  // the writer no longer hears about this connection
  self_.reset();    // safe: the caller's completion handler holds a reference
  if (close_after_response_ || draining_) {
    if (linger_after_response_) {
      StartLinger();
    } else {
      boost::system::error_code ignored;
      socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      Close();
    }
    return;
  }
  BeginRequest();
}

void HttpConnection::StartLinger() {
  phase_ = Phase::kLingering;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  read_buffer_.clear();
  ArmReadTimer(kLingerTimeout);
  ReadMore();
}

void HttpConnection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  CancelReadTimer();
  ++write_timer_generation_;
  write_timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  write_queue_.clear();  // in_flight_ stays until the aborted write completes
  if (std::shared_ptr<ConnectionResponseWriter> writer = writer_.lock()) {
    writer->NotifyClientGone();
  }
  writer_.reset();
  if (tracker_id_.has_value()) {
    context_->tracker.Remove(*tracker_id_);
    tracker_id_.reset();
  }
  self_.reset();  // callers hold their own reference
}

void HttpConnection::ArmReadTimer(absl::Duration timeout) {
  const uint64_t generation = ++read_timer_generation_;
  read_timer_.expires_after(ToSteadyDuration(timeout));
  read_timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (ec || generation != self->read_timer_generation_) return;
    self->OnReadTimeout();
  });
}

void HttpConnection::CancelReadTimer() {
  ++read_timer_generation_;
  read_timer_.cancel();
}

void HttpConnection::OnReadTimeout() {
  if (phase_ == Phase::kReading && read_buffer_.size() == 0 && !parser_->got_some()) {
    Close();  // idle keep-alive connection
    return;
  }
  if (phase_ == Phase::kReading) {
    OpenAiError error;
    error.http_status = 408;
    error.type = "invalid_request_error";
    error.message = "Timed out reading the request";
    RejectRequest(std::move(error));
    return;
  }
  Close();  // lingering ran out
}

}  // namespace fleet::gateway::http
