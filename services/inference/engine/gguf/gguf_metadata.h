#pragma once
// The key/value metadata of a GGUF file, in file order, with typed accessors.
//
// Accessor errors name the key:
//   NOT_FOUND         "metadata key 'general.name' not found"
//   INVALID_ARGUMENT  "metadata key 'general.alignment' has type uint64, expected uint32"
// Accessors never convert between types (a uint64 is not a uint32), except
// GetUnsigned, which accepts every integer type holding a value >= 0.
//
// Thread safety: const methods are safe from any number of threads; Add/Set
// need exclusive access.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/inference/engine/gguf/gguf_value.h"

namespace fleet::engine::gguf {

class GgufMetadata {
 public:
  struct Entry {
    std::string key;
    GgufValue value;
  };

  // Appends a key. INVALID_ARGUMENT if the key is empty or already present.
  absl::Status Add(std::string key, GgufValue value);
  // Replaces the value of an existing key (keeping its position) or appends.
  // INVALID_ARGUMENT if the key is empty.
  absl::Status Set(std::string key, GgufValue value);

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool Contains(absl::string_view key) const { return Find(key) != nullptr; }
  // The value of `key`, or nullptr. The pointer lives as long as this object
  // and is invalidated by Add/Set.
  const GgufValue* Find(absl::string_view key) const;

  absl::StatusOr<uint8_t> GetUint8(absl::string_view key) const;
  absl::StatusOr<int8_t> GetInt8(absl::string_view key) const;
  absl::StatusOr<uint16_t> GetUint16(absl::string_view key) const;
  absl::StatusOr<int16_t> GetInt16(absl::string_view key) const;
  absl::StatusOr<uint32_t> GetUint32(absl::string_view key) const;
  absl::StatusOr<int32_t> GetInt32(absl::string_view key) const;
  absl::StatusOr<uint64_t> GetUint64(absl::string_view key) const;
  absl::StatusOr<int64_t> GetInt64(absl::string_view key) const;
  absl::StatusOr<float> GetFloat(absl::string_view key) const;    // float32
  absl::StatusOr<double> GetDouble(absl::string_view key) const;  // float64
  absl::StatusOr<bool> GetBool(absl::string_view key) const;
  // The string stays valid as long as this object (and is invalidated by Add/Set).
  absl::StatusOr<absl::string_view> GetString(absl::string_view key) const;
  absl::StatusOr<const GgufArray*> GetArray(absl::string_view key) const;
  // An array whose elements are of type T (e.g. GetArrayOf<std::string> for
  // tokenizer.ggml.tokens); INVALID_ARGUMENT names the actual element type.
  template <typename T>
  absl::StatusOr<const std::vector<T>*> GetArrayOf(absl::string_view key) const;

  // Any integer type (uint8..int64) whose value is >= 0, widened to uint64.
  // INVALID_ARGUMENT for a negative value or a non-integer type.
  absl::StatusOr<uint64_t> GetUnsigned(absl::string_view key) const;

 private:
  template <typename T>
  absl::StatusOr<T> GetScalar(absl::string_view key, GgufValueType expected) const;
  absl::Status ElementTypeError(absl::string_view key, const GgufArray& array,
                                GgufValueType expected) const;

  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, size_t> index_;  // key -> position in entries_
};

// Implementation details of GetArrayOf.
template <typename T>
absl::StatusOr<const std::vector<T>*> GgufMetadata::GetArrayOf(absl::string_view key) const {
  absl::StatusOr<const GgufArray*> array = GetArray(key);
  if (!array.ok()) return array.status();
  if (const std::vector<T>* elements = (*array)->As<T>()) return elements;
  GgufArray::Storage probe(std::in_place_type<std::vector<T>>);
  return ElementTypeError(key, **array, static_cast<GgufValueType>(probe.index()));
}

}  // namespace fleet::engine::gguf
