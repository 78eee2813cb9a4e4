#include "services/inference/engine/gguf/gguf_metadata.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fleet::engine::gguf {
namespace {

absl::Status NotFound(absl::string_view key) {
  return absl::NotFoundError(absl::StrCat("metadata key '", key, "' not found"));
}

absl::Status WrongType(absl::string_view key, GgufValueType actual, GgufValueType expected) {
  return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' has type ",
                                                 GgufValueTypeName(actual), ", expected ",
                                                 GgufValueTypeName(expected)));
}

}  // namespace

absl::Status GgufMetadata::Add(std::string key, GgufValue value) {
  if (key.empty()) return absl::InvalidArgumentError("metadata key is empty");
  if (index_.contains(key)) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate metadata key '", key, "'"));
  }
  index_.emplace(key, entries_.size());
  entries_.push_back(Entry{std::move(key), std::move(value)});
  return absl::OkStatus();
}

absl::Status GgufMetadata::Set(std::string key, GgufValue value) {
  if (key.empty()) return absl::InvalidArgumentError("metadata key is empty");
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].value = std::move(value);
    return absl::OkStatus();
  }
  return Add(std::move(key), std::move(value));
}

const GgufValue* GgufMetadata::Find(absl::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].value;
}

template <typename T>
absl::StatusOr<T> GgufMetadata::GetScalar(absl::string_view key, GgufValueType expected) const {
  const GgufValue* value = Find(key);
  if (value == nullptr) return NotFound(key);
  if (value->type() != expected) return WrongType(key, value->type(), expected);
  return *value->As<T>();
}

absl::StatusOr<uint8_t> GgufMetadata::GetUint8(absl::string_view key) const {
  return GetScalar<uint8_t>(key, GgufValueType::kUint8);
}
absl::StatusOr<int8_t> GgufMetadata::GetInt8(absl::string_view key) const {
  return GetScalar<int8_t>(key, GgufValueType::kInt8);
}
absl::StatusOr<uint16_t> GgufMetadata::GetUint16(absl::string_view key) const {
  return GetScalar<uint16_t>(key, GgufValueType::kUint16);
}
absl::StatusOr<int16_t> GgufMetadata::GetInt16(absl::string_view key) const {
  return GetScalar<int16_t>(key, GgufValueType::kInt16);
}
absl::StatusOr<uint32_t> GgufMetadata::GetUint32(absl::string_view key) const {
  return GetScalar<uint32_t>(key, GgufValueType::kUint32);
}
absl::StatusOr<int32_t> GgufMetadata::GetInt32(absl::string_view key) const {
  return GetScalar<int32_t>(key, GgufValueType::kInt32);
}
absl::StatusOr<uint64_t> GgufMetadata::GetUint64(absl::string_view key) const {
  return GetScalar<uint64_t>(key, GgufValueType::kUint64);
}
absl::StatusOr<int64_t> GgufMetadata::GetInt64(absl::string_view key) const {
  return GetScalar<int64_t>(key, GgufValueType::kInt64);
}
absl::StatusOr<float> GgufMetadata::GetFloat(absl::string_view key) const {
  return GetScalar<float>(key, GgufValueType::kFloat32);
}
absl::StatusOr<double> GgufMetadata::GetDouble(absl::string_view key) const {
  return GetScalar<double>(key, GgufValueType::kFloat64);
}
absl::StatusOr<bool> GgufMetadata::GetBool(absl::string_view key) const {
  return GetScalar<bool>(key, GgufValueType::kBool);
}

absl::StatusOr<absl::string_view> GgufMetadata::GetString(absl::string_view key) const {
  const GgufValue* value = Find(key);
  if (value == nullptr) return NotFound(key);
  if (value->type() != GgufValueType::kString) {
    return WrongType(key, value->type(), GgufValueType::kString);
  }
  return absl::string_view(*value->As<std::string>());
}

absl::StatusOr<const GgufArray*> GgufMetadata::GetArray(absl::string_view key) const {
  const GgufValue* value = Find(key);
  if (value == nullptr) return NotFound(key);
  if (value->type() != GgufValueType::kArray) {
    return WrongType(key, value->type(), GgufValueType::kArray);
  }
  return value->As<GgufArray>();
}

absl::Status GgufMetadata::ElementTypeError(absl::string_view key, const GgufArray& array,
                                            GgufValueType expected) const {
  return absl::InvalidArgumentError(absl::StrCat(
      "metadata key '", key, "' is an array of ", GgufValueTypeName(array.element_type()),
      ", expected an array of ", GgufValueTypeName(expected)));
}

absl::StatusOr<uint64_t> GgufMetadata::GetUnsigned(absl::string_view key) const {
  const GgufValue* value = Find(key);
  if (value == nullptr) return NotFound(key);
  return std::visit(
      [&](const auto& v) -> absl::StatusOr<uint64_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          if constexpr (std::is_signed_v<T>) {
            if (v < 0) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "metadata key '", key, "' is negative (", static_cast<int64_t>(v), ")"));
            }
          }
          return static_cast<uint64_t>(v);
        } else {
          return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' has type ",
                                                         GgufValueTypeName(value->type()),
                                                         ", expected an integer type"));
        }
      },
      value->storage());
}

}  // namespace fleet::engine::gguf
