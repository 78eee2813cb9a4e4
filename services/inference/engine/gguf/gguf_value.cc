#include "services/inference/engine/gguf/gguf_value.h"

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fleet::engine::gguf {
namespace {

constexpr std::array<const char*, kGgufValueTypeCount> kTypeNames = {
    "uint8", "int8",   "uint16", "int16",  "uint32", "int32",   "float32",
    "bool",  "string", "array",  "uint64", "int64",  "float64",
};

std::string Quote(const std::string& s) { return absl::StrCat("\"", absl::CHexEscape(s), "\""); }

template <typename T>
std::string ScalarToString(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return Quote(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return absl::StrFormat("%g", static_cast<double>(v));
  } else {
    if constexpr (sizeof(T) < sizeof(int)) {
      return absl::StrCat(static_cast<int>(v));  // never print int8/uint8 as a char
    } else {
      return absl::StrCat(v);
    }
  }
}

std::string ArrayToString(const GgufArray& array, size_t max_elements) {
  std::string out = "[";
  std::visit(
      [&](const auto& elements) {
        size_t shown = 0;
        for (const auto& e : elements) {
          if (shown == max_elements) break;
          if (shown > 0) out += ", ";
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, GgufArray>) {
            out += ArrayToString(e, max_elements);
          } else {
            out += ScalarToString(static_cast<E>(e));
          }
          ++shown;
        }
        if (elements.size() > shown) {
          absl::StrAppend(&out, shown > 0 ? ", " : "", "... (", elements.size(), " elements)");
        }
      },
      array.storage());
  out += "]";
  return out;
}

}  // namespace

std::string GgufValueTypeName(uint32_t id) {
  if (id < kGgufValueTypeCount) return kTypeNames[id];
  return absl::StrCat("invalid type id ", id);
}

size_t GgufArray::size() const {
  return std::visit([](const auto& v) { return v.size(); }, storage_);
}

std::string GgufValue::ToString(size_t max_elements) const {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, GgufArray>) {
          return ArrayToString(v, max_elements);
        } else {
          return ScalarToString(v);
        }
      },
      storage_);
}

}  // namespace fleet::engine::gguf
