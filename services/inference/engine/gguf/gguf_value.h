#pragma once
// GGUF metadata values: the 13 value types of the format and a typed value
// (scalar, string or array; arrays may nest).
//
// Storage mirrors the file: an array keeps its elements in one typed vector
// (std::vector<float> for a float32 array, ...), so a tokenizer's 150k scores
// cost 4 bytes each, not a variant each.
//
// Thread safety: values are plain data; const access is safe from any number
// of threads.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace fleet::engine::gguf {

// The value type ids of the format (gguf_type in ggml's gguf.h).
enum class GgufValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};
inline constexpr uint32_t kGgufValueTypeCount = 13;

// "uint32", "string", ...; "invalid type id N" for ids >= 13.
std::string GgufValueTypeName(uint32_t id);
inline std::string GgufValueTypeName(GgufValueType type) {
  return GgufValueTypeName(static_cast<uint32_t>(type));
}

// An array of elements of one type. The element type of a nested array is
// kArray; each inner array has its own element type.
class GgufArray {
 public:
  // Alternative i holds elements of GgufValueType i.
  using Storage = std::variant<std::vector<uint8_t>, std::vector<int8_t>, std::vector<uint16_t>,
                               std::vector<int16_t>, std::vector<uint32_t>, std::vector<int32_t>,
                               std::vector<float>, std::vector<bool>, std::vector<std::string>,
                               std::vector<GgufArray>, std::vector<uint64_t>, std::vector<int64_t>,
                               std::vector<double>>;

  GgufArray() = default;  // an empty uint8 array
  template <typename T>
  explicit GgufArray(std::vector<T> elements) : storage_(std::move(elements)) {}

  GgufValueType element_type() const { return static_cast<GgufValueType>(storage_.index()); }
  size_t size() const;
  bool empty() const { return size() == 0; }

  // The elements if they are of type T (uint32_t, std::string, GgufArray,
  // bool, ...), else nullptr.
  template <typename T>
  const std::vector<T>* As() const {
    return std::get_if<std::vector<T>>(&storage_);
  }
  const Storage& storage() const { return storage_; }

  bool operator==(const GgufArray&) const = default;

 private:
  Storage storage_;
};

class GgufValue {
 public:
  // Alternative i holds a value of GgufValueType i.
  using Storage = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                               std::string, GgufArray, uint64_t, int64_t, double>;

  // Named constructors: the GGUF type is always explicit.
  static GgufValue Uint8(uint8_t v) { return GgufValue(Storage(std::in_place_index<0>, v)); }
  static GgufValue Int8(int8_t v) { return GgufValue(Storage(std::in_place_index<1>, v)); }
  static GgufValue Uint16(uint16_t v) { return GgufValue(Storage(std::in_place_index<2>, v)); }
  static GgufValue Int16(int16_t v) { return GgufValue(Storage(std::in_place_index<3>, v)); }
  static GgufValue Uint32(uint32_t v) { return GgufValue(Storage(std::in_place_index<4>, v)); }
  static GgufValue Int32(int32_t v) { return GgufValue(Storage(std::in_place_index<5>, v)); }
  static GgufValue Float32(float v) { return GgufValue(Storage(std::in_place_index<6>, v)); }
  static GgufValue Bool(bool v) { return GgufValue(Storage(std::in_place_index<7>, v)); }
  static GgufValue String(std::string v) {
    return GgufValue(Storage(std::in_place_index<8>, std::move(v)));
  }
  static GgufValue Array(GgufArray v) {
    return GgufValue(Storage(std::in_place_index<9>, std::move(v)));
  }
  static GgufValue Uint64(uint64_t v) { return GgufValue(Storage(std::in_place_index<10>, v)); }
  static GgufValue Int64(int64_t v) { return GgufValue(Storage(std::in_place_index<11>, v)); }
  static GgufValue Float64(double v) { return GgufValue(Storage(std::in_place_index<12>, v)); }

  GgufValueType type() const { return static_cast<GgufValueType>(storage_.index()); }

  // The value if it is held as T (uint32_t, std::string, GgufArray, ...),
  // else nullptr.
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&storage_);
  }
  const Storage& storage() const { return storage_; }

  // A short human-readable rendering: numbers, quoted strings, arrays as
  // "[a, b, c, ... (N elements)]" showing at most `max_elements`.
  std::string ToString(size_t max_elements = 8) const;

  bool operator==(const GgufValue&) const = default;

 private:
  explicit GgufValue(Storage storage) : storage_(std::move(storage)) {}
  Storage storage_;
};

}  // namespace fleet::engine::gguf
