#include "tests/support/reflection_client.h"

#include <chrono>
#include <future>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/client_callback.h>

#include "absl/strings/str_cat.h"

namespace fleet::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::DynamicMessageFactory;
using google::protobuf::Message;

constexpr char kMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// Writes one request, reads one response, then half-closes and waits for
// the status.
class OneShotReactor : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit OneShotReactor(grpc::ByteBuffer request) : request_(std::move(request)) {}

  void Start() {
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }
  void OnWriteDone(bool) override { StartWritesDone(); }
  void OnReadDone(bool ok) override { got_response_ = ok; }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

  std::future<grpc::Status> done() { return done_.get_future(); }
  bool got_response() const { return got_response_; }
  const grpc::ByteBuffer& response() const { return response_; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  bool got_response_ = false;
  std::promise<grpc::Status> done_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, int timeout_seconds) {
  // The descriptors are registered when libgrpc++_reflection is loaded; a
  // call into it keeps the linker (--as-needed) from dropping the library.
  // (It only registers the server plugin, which every fleet server does too.)
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  const Descriptor* request_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const Descriptor* response_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    return absl::FailedPreconditionError("reflection descriptors not linked in");
  }
  DynamicMessageFactory factory(pool);
  std::unique_ptr<Message> request(factory.GetPrototype(request_type)->New());
  request->GetReflection()->SetString(request.get(), request_type->FindFieldByName("list_services"),
                                      "");
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  OneShotReactor reactor(grpc::ByteBuffer(&slice, 1));
  stub.PrepareBidiStreamingCall(&context, kMethod, grpc::StubOptions(), &reactor);
  auto done = reactor.done();
  reactor.Start();
  const grpc::Status status = done.get();
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("reflection call failed: ", status.error_message()));
  }
  if (!reactor.got_response()) return absl::UnavailableError("reflection sent no response");

  std::vector<grpc::Slice> slices;
  if (!reactor.response().Dump(&slices).ok()) return absl::DataLossError("unreadable response");
  std::string response_bytes;
  for (const grpc::Slice& s : slices) {
    response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  std::unique_ptr<Message> response(factory.GetPrototype(response_type)->New());
  if (!response->ParseFromString(response_bytes)) {
    return absl::DataLossError("reflection response does not parse");
  }
  const Message& list = response->GetReflection()->GetMessage(
      *response, response_type->FindFieldByName("list_services_response"));
  const auto* service_field = list.GetDescriptor()->FindFieldByName("service");
  std::vector<std::string> names;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
    const Message& service = list.GetReflection()->GetRepeatedMessage(list, service_field, i);
    names.push_back(
        service.GetReflection()->GetString(service, service.GetDescriptor()->FindFieldByName("name")));
  }
  return names;
}

}  // namespace fleet::testing
