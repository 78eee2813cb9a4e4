#pragma once
// GGUF reader: parses a GGUF file (versions 2 and 3, little-endian) into its
// metadata and tensor descriptions, and hands out each tensor's bytes as a
// span into the file. The file is memory-mapped read-only (Open) or read from
// caller-owned bytes (Parse); tensor data is never copied.
//
// What OK means: every field of the header, metadata and tensor infos has
// been checked, with overflow-safe arithmetic and before any allocation sized
// by it, against the bytes that remain; every tensor has a supported type,
// 1..4 dims all > 0, a row length that is a multiple of its block size, an
// offset that is a multiple of the alignment, and a byte range inside the
// file; tensor names and metadata keys are unique. So TensorData() of a
// tensor of this file is always in bounds and of exactly size_bytes.
//
// Errors: every malformed-content problem (bad magic, unsupported version,
// truncation, absurd counts or lengths, bad types, shapes, offsets, alignment,
// duplicates, unsupported tensor types) is INVALID_ARGUMENT, with a message
// naming the field, e.g. "tensor 'blk.0.attn_q.weight': offset 0 + size 4096
// exceeds the data section (2000 bytes)". Truncation is reported the same way
// (INVALID_ARGUMENT, never DATA_LOSS), because a length that runs past the end
// and a truncated file cannot be told apart. Open adds the OS errors of
// MappedFile::Open (NOT_FOUND, PERMISSION_DENIED, ...), and prefixes the path.
//
// Thread safety: a GgufFile is immutable after Open/Parse; all const methods
// are safe from any number of threads. Open blocks on the file system while
// mapping and parsing (it reads only the pages of the header, metadata and
// tensor infos; tensor data pages are touched by whoever reads them).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_metadata.h"
#include "services/inference/engine/gguf/mapped_file.h"

namespace fleet::engine::gguf {

struct GgufTensorInfo {
  std::string name;
  // Shape in ggml order: dims[0] is the innermost (contiguous) dimension, the
  // row length; a [rows, cols] matrix of PyTorch is dims = {cols, rows}.
  std::vector<uint64_t> dims;
  GgmlType type = GgmlType::kF32;
  uint64_t offset = 0;      // from the start of the data section, as stored
  uint64_t n_elements = 0;  // product of dims (<= INT64_MAX)
  uint64_t size_bytes = 0;  // n_elements / block_size * bytes_per_block
};

class GgufFile {
 public:
  // Maps `path` read-only and parses it; the returned object owns the mapping.
  static absl::StatusOr<std::unique_ptr<GgufFile>> Open(const std::string& path);
  // Parses `bytes`, which are NOT copied: they must outlive the returned
  // object (tensor data and nothing else points into them).
  static absl::StatusOr<std::unique_ptr<GgufFile>> Parse(absl::Span<const uint8_t> bytes);

  uint32_t version() const { return version_; }
  // general.alignment, or 32 when the file has none.
  uint32_t alignment() const { return alignment_; }
  // Absolute file offset of the data section (tensor offsets are relative to it).
  uint64_t data_offset() const { return data_offset_; }
  uint64_t file_size() const { return bytes_.size(); }
  const GgufMetadata& metadata() const { return metadata_; }
  // In file order.
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  // The tensor named `name`, or nullptr. Lives as long as this object.
  const GgufTensorInfo* FindTensor(absl::string_view name) const;
  // The bytes of a tensor of this file (size_bytes long), valid as long as
  // this object. An info that does not lie inside this file's data section
  // (one from another file) gives an empty span.
  absl::Span<const uint8_t> TensorData(const GgufTensorInfo& info) const;
  // The whole file.
  absl::Span<const uint8_t> bytes() const { return bytes_; }

  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };
  friend class GgufParser;

 public:
  // Only Open/Parse construct (the tag is private); public for make_unique.
  explicit GgufFile(PrivateTag) {}

 private:
  std::unique_ptr<MappedFile> mapping_;  // null when parsed from caller bytes
  absl::Span<const uint8_t> bytes_;
  uint32_t version_ = 0;
  uint32_t alignment_ = 0;
  uint64_t data_offset_ = 0;
  GgufMetadata metadata_;
  std::vector<GgufTensorInfo> tensors_;
  absl::flat_hash_map<std::string, size_t> tensor_index_;  // name -> index in tensors_
};

}  // namespace fleet::engine::gguf
