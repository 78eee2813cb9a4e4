#include "lib/server/request_id.h"

namespace fleet {

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(kRequestIdKey.data(), kRequestIdKey.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace fleet
