// HttpServer over loopback, driven by a real Beast client. No timed
// assertions: every wait has a generous upper bound only to turn a hang into
// a failure.

#include "services/gateway/http/http_server.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/http/http_types.h"
#include "services/gateway/http/openai_error.h"
#include "services/gateway/http/router.h"

namespace fleet::gateway::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Upper bound for any single wait in these tests (hang guard, not a timing
// requirement).
constexpr auto kHangGuard = std::chrono::seconds(60);

std::string Str(beast::string_view view) { return std::string(view.data(), view.size()); }

// A blocking HTTP client whose every operation is bounded by kHangGuard.
class TestClient {
 public:
  explicit TestClient(int port) : stream_(io_) {
    stream_.expires_after(kHangGuard);
    boost::system::error_code ec;
    stream_.socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    connect_error_ = ec;
  }

  boost::system::error_code connect_error() const { return connect_error_; }

  boost::system::error_code Send(bhttp::request<bhttp::string_body> request) {
    request.prepare_payload();
    return Run([&](auto done) { bhttp::async_write(stream_, request, done); });
  }

  boost::system::error_code WriteRaw(std::string bytes) {
    return Run([&](auto done) { asio::async_write(stream_, asio::buffer(bytes), done); });
  }

  boost::system::error_code Read(bhttp::response<bhttp::string_body>& response) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    boost::system::error_code ec =
        Run([&](auto done) { bhttp::async_read(stream_, buffer_, parser, done); });
    response = parser.release();
    return ec;
  }

  // Streaming: read the header, then body bytes until `predicate(body)`.
  boost::system::error_code ReadHeader() {
    parser_.emplace();
    parser_->body_limit(64 << 20);
    return Run([&](auto done) { bhttp::async_read_header(stream_, buffer_, *parser_, done); });
  }
  template <typename Predicate>
  boost::system::error_code ReadBodyUntil(Predicate predicate) {
    while (!parser_->is_done() && !predicate(parser_->get().body())) {
      boost::system::error_code ec =
          Run([&](auto done) { bhttp::async_read_some(stream_, buffer_, *parser_, done); });
      if (ec) return ec;
    }
    return {};
  }
  boost::system::error_code ReadBodyToEnd() {
    return ReadBodyUntil([](const std::string&) { return false; });
  }
  bhttp::response_parser<bhttp::string_body>& parser() { return *parser_; }

  // True when the server closed the connection (read returns EOF or reset).
  bool ServerClosed() {
    char byte;
    boost::system::error_code ec =
        Run([&](auto done) { stream_.async_read_some(asio::buffer(&byte, 1), done); });
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  void Close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  template <typename Start>
  boost::system::error_code Run(Start start) {
    boost::system::error_code result = asio::error::would_block;
    stream_.expires_after(kHangGuard);
    start([&](boost::system::error_code ec, size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  boost::system::error_code connect_error_;
};

bhttp::request<bhttp::string_body> MakeRequest(bhttp::verb verb, std::string target,
                                               std::string body = "") {
  bhttp::request<bhttp::string_body> request(verb, target, 11);
  request.set(bhttp::field::host, "localhost");
  request.body() = std::move(body);
  return request;
}

// A one-shot event. std::mutex rather than absl::Notification: Debian's
// abseil is not TSan-instrumented, so TSan cannot see its synchronization.
class Event {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
    cv_.notify_all();
  }
  bool HasBeenNotified() {
    std::lock_guard<std::mutex> lock(mu_);
    return notified_;
  }
  // False when kHangGuard passed first.
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kHangGuard, [this] { return notified_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;
};

// Handler-side rendezvous: the writer of a streamed response, kept by the
// test so that it can write from its own threads.
class WriterSlot {
 public:
  void Put(std::shared_ptr<ResponseWriter> writer) {
    std::lock_guard<std::mutex> lock(mu_);
    writer_ = std::move(writer);
    cv_.notify_all();
  }
  std::shared_ptr<ResponseWriter> Await() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, kHangGuard, [this] { return writer_ != nullptr; });
    return writer_;
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    writer_.reset();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<ResponseWriter> writer_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router_
                    .Add("POST", "/echo",
                         [](const HttpRequest& request, std::shared_ptr<ResponseWriter> writer) {
                           nlohmann::json echo = {
                               {"method", request.method()},
                               {"path", request.path()},
                               {"query", request.query()},
                               {"body", request.body()},
                               {"x_test", std::string(request.header("X-TEST").value_or(""))},
                               {"remote", request.remote_address()},
                               {"request_id", request.request_id()},
                           };
                           HttpResponse response;
                           response.headers.emplace_back("content-type", "application/json");
                           response.body = echo.dump();
                           ASSERT_TRUE(writer->Respond(std::move(response)).ok());
                         })
                    .ok());
    ASSERT_TRUE(router_
                    .Add("GET", "/echo",
                         [](const HttpRequest&, std::shared_ptr<ResponseWriter> writer) {
                           ASSERT_TRUE(writer->Respond({200, {}, "get"}).ok());
                         })
                    .ok());
    ASSERT_TRUE(
        router_
            .Add("GET", "/stream",
                 [this](const HttpRequest&, std::shared_ptr<ResponseWriter> writer) {
                   ASSERT_TRUE(
                       writer->StartStream(200, {{"content-type", "text/event-stream"}}).ok());
                   ASSERT_TRUE(writer->Write("data: first\n\n").ok());
                   stream_writer_.Put(std::move(writer));
                 })
            .ok());
    ASSERT_TRUE(router_
                    .Add("GET", "/silent",
                         [](const HttpRequest&, std::shared_ptr<ResponseWriter>) {
                           // Drops the writer without answering.
                         })
                    .ok());
  }

  void TearDown() override {
    stream_writer_.Reset();
    if (server_ != nullptr) server_->Shutdown(absl::Now());
  }

  void StartServer(HttpServer::Options options = {}) {
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, &router_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
  }

  Router router_;
  WriterSlot stream_writer_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, FullResponsesWithKeepAlive) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.connect_error());

  auto request = MakeRequest(bhttp::verb::post, "/echo?a=1&b=2", "hello");
  request.set("x-test", "value-1");
  ASSERT_FALSE(client.Send(request));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(Str(response[bhttp::field::content_type]), "application/json");
  const nlohmann::json echo = nlohmann::json::parse(response.body());
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_EQ(echo["query"], "a=1&b=2");
  EXPECT_EQ(echo["body"], "hello");
  EXPECT_EQ(echo["x_test"], "value-1");
  EXPECT_THAT(echo["remote"].get<std::string>(), HasSubstr("127.0.0.1:"));

  // Second request on the same connection.
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/echo")));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "get");
}

TEST_F(HttpServerTest, UnknownPathIs404WithOpenAiError) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/v1/nope")));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_EQ(Str(response[bhttp::field::content_type]), "application/json");
  const nlohmann::json body = nlohmann::json::parse(response.body());
  ASSERT_TRUE(body.contains("error"));
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("/v1/nope"));
  EXPECT_TRUE(body["error"]["param"].is_null());
  EXPECT_TRUE(body["error"].contains("code"));
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::delete_, "/echo")));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 405);
  EXPECT_EQ(Str(response[bhttp::field::allow]), "GET, POST");
  const nlohmann::json body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_TRUE(body["error"]["param"].is_null());
  // The connection stays usable after an error answered by the router.
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/echo")));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(HttpServerTest, OversizedDeclaredBodyIs413) {
  StartServer();  // default limit: 8 MiB
  TestClient client(server_->port());
  // Declare 9 MiB and send only the head: the server must not wait for it.
  ASSERT_FALSE(client.WriteRaw(absl::StrCat("POST /echo HTTP/1.1\r\nHost: x\r\n",
                                            "Content-Length: ", 9 << 20, "\r\n\r\n",
                                            std::string(1000, 'a'))));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_FALSE(response.keep_alive());
  const nlohmann::json body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  HttpServer::Options options;
  options.max_request_body_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) absl::StrAppend(&request, "200\r\n", std::string(512, 'b'), "\r\n");
  request += "0\r\n\r\n";
  ASSERT_FALSE(client.WriteRaw(request));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 413);

  // A body within the limit is fine.
  TestClient small(server_->port());
  ASSERT_FALSE(small.Send(MakeRequest(bhttp::verb::post, "/echo", std::string(1024, 'c'))));
  ASSERT_FALSE(small.Read(response));
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  StartServer();
  TestClient client(server_->port());
  bhttp::response<bhttp::string_body> response;

  auto with_id = MakeRequest(bhttp::verb::post, "/echo");
  with_id.set("x-request-id", "req-abc-123");
  ASSERT_FALSE(client.Send(with_id));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(Str(response["x-request-id"]), "req-abc-123");
  EXPECT_EQ(nlohmann::json::parse(response.body())["request_id"], "req-abc-123");

  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::post, "/echo")));
  ASSERT_FALSE(client.Read(response));
  const std::string generated = Str(response["x-request-id"]);
  EXPECT_THAT(generated, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(nlohmann::json::parse(response.body())["request_id"], generated);

  // An unacceptable id (too long) is replaced; error responses carry one too.
  auto bad_id = MakeRequest(bhttp::verb::get, "/missing");
  bad_id.set("x-request-id", std::string(300, 'x'));
  ASSERT_FALSE(client.Send(bad_id));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_THAT(Str(response["x-request-id"]), MatchesRegex("[0-9a-f]{32}"));
}

TEST_F(HttpServerTest, StreamWrittenFromAnotherThreadArrivesInOrder) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/stream")));
  ASSERT_FALSE(client.ReadHeader());
  EXPECT_EQ(client.parser().get().result_int(), 200);
  EXPECT_TRUE(client.parser().get().chunked());
  EXPECT_EQ(Str(client.parser().get()[bhttp::field::content_type]), "text/event-stream");
  EXPECT_FALSE(Str(client.parser().get()["x-request-id"]).empty());
  // The first event arrives while the stream is still open.
  ASSERT_FALSE(client.ReadBodyUntil([](const std::string& body) { return !body.empty(); }));
  EXPECT_EQ(client.parser().get().body(), "data: first\n\n");

  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);
  std::string expected = "data: first\n\n";
  for (int i = 0; i < 200; ++i) absl::StrAppend(&expected, "data: ", i, "\n\n");
  std::thread producer([writer] {
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(writer->Write(absl::StrCat("data: ", i, "\n\n")).ok());
    }
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(writer->Write("late").code(), absl::StatusCode::kFailedPrecondition);
  });
  producer.join();
  ASSERT_FALSE(client.ReadBodyToEnd());
  EXPECT_TRUE(client.parser().is_done());
  EXPECT_EQ(client.parser().get().body(), expected);
  EXPECT_FALSE(writer->IsClientGone());

  // The connection is reusable after the stream.
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/echo")));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.body(), "get");
}

TEST_F(HttpServerTest, Http10StreamIsDelimitedByClose) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.WriteRaw("GET /stream HTTP/1.0\r\n\r\n"));
  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write("data: last\n\n").ok());
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_FALSE(client.ReadHeader());
  EXPECT_FALSE(client.parser().get().chunked());
  ASSERT_FALSE(client.ReadBodyToEnd());  // ends at the server's close
  EXPECT_EQ(client.parser().get().body(), "data: first\n\ndata: last\n\n");
}

TEST_F(HttpServerTest, ExpectContinueIsHonoured) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.WriteRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 100);
  ASSERT_FALSE(client.WriteRaw("hello"));
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(nlohmann::json::parse(response.body())["body"], "hello");
}

TEST_F(HttpServerTest, ClientDisconnectIsReportedToTheWriter) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/stream")));
  ASSERT_FALSE(client.ReadHeader());
  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);
  Event gone;
  writer->OnClientGone([&gone] { gone.Notify(); });
  client.Close();
  ASSERT_TRUE(gone.Wait());
  EXPECT_TRUE(writer->IsClientGone());
  EXPECT_EQ(writer->Write("more").code(), absl::StatusCode::kCancelled);
  // A callback registered after the fact runs at once.
  bool late = false;
  writer->OnClientGone([&late] { late = true; });
  EXPECT_TRUE(late);
}

TEST_F(HttpServerTest, DroppedWriterGets500) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/silent")));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"]["type"], "server_error");
}

TEST_F(HttpServerTest, MalformedRequestsGet400AndTheServerLivesOn) {
  StartServer();
  for (const std::string& garbage :
       {std::string("GARBAGE\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"),
        std::string("\x00\x01\x02\xff\r\n\r\n", 8),
        std::string("POST /echo HTTP/1.1\r\nContent-Length: nope\r\n\r\n")}) {
    TestClient client(server_->port());
    ASSERT_FALSE(client.WriteRaw(garbage));
    bhttp::response<bhttp::string_body> response;
    ASSERT_FALSE(client.Read(response)) << garbage;
    EXPECT_EQ(response.result_int(), 400) << garbage;
    EXPECT_FALSE(response.keep_alive());
    EXPECT_TRUE(nlohmann::json::parse(response.body()).contains("error"));
  }
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/echo")));
  bhttp::response<bhttp::string_body> response;
  ASSERT_FALSE(client.Read(response));
  EXPECT_EQ(response.result_int(), 200);
}

TEST_F(HttpServerTest, ShutdownLetsAStreamFinishBeforeTheDeadline) {
  StartServer();
  TestClient idle(server_->port());  // an idle keep-alive connection
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/stream")));
  ASSERT_FALSE(client.ReadHeader());
  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);

  Event shut_down;
  std::thread shutdown([&] {
    server_->Shutdown(absl::Now() + absl::Seconds(60));
    shut_down.Notify();
  });
  // Draining has begun once the idle connection is closed by the server.
  EXPECT_TRUE(idle.ServerClosed());
  EXPECT_FALSE(shut_down.HasBeenNotified());  // the stream is still open

  ASSERT_TRUE(writer->Write("data: last\n\n").ok());
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_FALSE(client.ReadBodyToEnd());
  EXPECT_TRUE(client.parser().is_done());
  EXPECT_EQ(client.parser().get().body(), "data: first\n\ndata: last\n\n");
  EXPECT_FALSE(writer->IsClientGone());
  ASSERT_TRUE(shut_down.Wait());
  shutdown.join();

  TestClient refused(server_->port());
  EXPECT_TRUE(refused.connect_error());
}

TEST_F(HttpServerTest, ShutdownCutsAStreamAtTheDeadline) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/stream")));
  ASSERT_FALSE(client.ReadHeader());
  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);
  Event gone;
  writer->OnClientGone([&gone] { gone.Notify(); });

  server_->Shutdown(absl::Now() + absl::Milliseconds(100));  // never finished
  ASSERT_TRUE(gone.Wait());
  EXPECT_TRUE(writer->IsClientGone());
  EXPECT_EQ(writer->Finish().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(client.ReadBodyToEnd());  // truncated: the stream never ended
  EXPECT_FALSE(client.parser().is_done());
  server_->Shutdown(absl::Now());  // idempotent
}

TEST_F(HttpServerTest, WriterOutlivingTheServerIsHarmless) {
  StartServer();
  TestClient client(server_->port());
  ASSERT_FALSE(client.Send(MakeRequest(bhttp::verb::get, "/stream")));
  ASSERT_FALSE(client.ReadHeader());
  std::shared_ptr<ResponseWriter> writer = stream_writer_.Await();
  ASSERT_NE(writer, nullptr);
  server_.reset();  // shuts down now and destroys the server
  EXPECT_TRUE(writer->IsClientGone());
  EXPECT_EQ(writer->Write("x").code(), absl::StatusCode::kCancelled);
  stream_writer_.Reset();
  writer.reset();
}

TEST_F(HttpServerTest, BindFailureNamesTheAddress) {
  StartServer();
  HttpServer::Options options;
  options.listen_address = absl::StrCat("127.0.0.1:", server_->port());
  absl::StatusOr<std::unique_ptr<HttpServer>> second = HttpServer::Start(options, &router_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(options.listen_address));

  options.listen_address = "no-port";
  EXPECT_EQ(HttpServer::Start(options, &router_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.listen_address = "127.0.0.1:0";
  EXPECT_EQ(HttpServer::Start(options, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RouterTest, RejectsDuplicatesAndBadRoutes) {
  Router router;
  auto handler = [](const HttpRequest&, std::shared_ptr<ResponseWriter>) {};
  EXPECT_TRUE(router.Add("GET", "/a", handler).ok());
  EXPECT_EQ(router.Add("GET", "/a", handler).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(router.Add("G T", "/a", handler).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "a", handler).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/a?b", handler).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/b", nullptr).code(), absl::StatusCode::kInvalidArgument);
}

TEST(OpenAiErrorTest, MapsStatusCodes) {
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFromStatusCode(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(OpenAiErrorType(absl::StatusCode::kUnauthenticated), "authentication_error");
  EXPECT_EQ(OpenAiErrorType(absl::StatusCode::kResourceExhausted), "rate_limit_error");

  OpenAiError error = OpenAiError::FromStatus(absl::PermissionDeniedError("no \"model\""));
  error.code = "model_not_allowed";
  const HttpResponse response = error.ToResponse();
  EXPECT_EQ(response.status, 403);
  const nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"error":{"message":"no \"model\"",
      "type":"permission_error","param":null,"code":"model_not_allowed"}})"));
}

}  // namespace
}  // namespace fleet::gateway::http
