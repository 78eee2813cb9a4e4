#pragma once
// Small GGUF files for tests and the fuzz seed corpus: valid ones built with
// GgufWriter, malformed ones built byte by byte with RawGguf, each with the
// error the reader must give.

#include <cstdint>
#include <string>
#include <vector>

#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_writer.h"

namespace fleet::engine::gguf::testing {

// Appends little-endian fields; no checks, so it can write any broken file.
class RawGguf {
 public:
  RawGguf& Raw(const std::string& s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  RawGguf& U8(uint8_t v) { return Put(v); }
  RawGguf& U32(uint32_t v) { return Put(v); }
  RawGguf& U64(uint64_t v) { return Put(v); }
  RawGguf& Str(const std::string& s) { return U64(s.size()).Raw(s); }
  // magic, version, tensor_count, kv_count.
  RawGguf& Header(uint64_t tensor_count, uint64_t kv_count, uint32_t version = 3) {
    return Raw("GGUF").U32(version).U64(tensor_count).U64(kv_count);
  }
  // name, n_dims, dims, type, offset.
  RawGguf& TensorInfo(const std::string& name, const std::vector<uint64_t>& dims, uint32_t type,
                      uint64_t offset) {
    Str(name).U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) U64(d);
    return U32(type).U64(offset);
  }
  RawGguf& Pad(size_t alignment) {
    while (bytes_.size() % alignment != 0) bytes_.push_back(0);
    return *this;
  }
  RawGguf& Zeros(size_t n) {
    bytes_.resize(bytes_.size() + n, 0);
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  template <typename T>
  RawGguf& Put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    for (size_t i = 0; i < sizeof(T); ++i) bytes_.push_back(p[i]);
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

// Deterministic filler bytes for tensor data.
std::vector<uint8_t> PatternBytes(size_t n, uint32_t seed);

// Shape used for each supported type in the samples (one block row or two).
std::vector<uint64_t> SampleDims(GgmlType type);

// A writer holding one metadata key of every value type (incl. nested and
// empty arrays) and one tensor of every supported type.
GgufWriter FullWriter(uint32_t version, uint32_t alignment);

struct GgufSample {
  std::string name;            // file name stem, e.g. "valid_v3" or "bad_magic"
  std::vector<uint8_t> bytes;  // the whole file
  std::string error;           // substring of the expected error; empty = valid
};

// Valid files (error empty).
std::vector<GgufSample> ValidSamples();
// Malformed files, each with its precise error.
std::vector<GgufSample> MalformedSamples();

}  // namespace fleet::engine::gguf::testing
