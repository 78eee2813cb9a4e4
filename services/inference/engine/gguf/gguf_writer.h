#pragma once
// GGUF writer: serialises metadata and tensors (given their raw, already
// encoded bytes) into a GGUF v2 or v3 little-endian file that GgufFile (and
// llama.cpp) read back.
//
// Layout written: header, metadata in insertion order, tensor infos in
// insertion order, zero padding to the alignment, then each tensor's bytes
// followed by zero padding to the alignment (the last one too, as ggml does).
// The alignment is general.alignment when the metadata holds it as a uint32
// (set it with SetAlignment), else 32.
//
// Errors: INVALID_ARGUMENT from AddTensor for a bad name, shape, type or data
// size; from Serialize/WriteFile for a bad general.alignment; WriteFile adds
// INTERNAL for I/O errors (naming the path).
//
// Thread safety: none; one thread builds and writes a writer.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_metadata.h"

namespace fleet::engine::gguf {

class GgufWriter {
 public:
  // version: 2 or 3 (they are byte-identical for little-endian files).
  explicit GgufWriter(uint32_t version = 3) : version_(version) {}

  GgufMetadata& metadata() { return metadata_; }
  const GgufMetadata& metadata() const { return metadata_; }

  // Sets general.alignment (uint32). INVALID_ARGUMENT unless a non-zero
  // power of two.
  absl::Status SetAlignment(uint32_t alignment);

  // Appends a tensor. dims are in ggml order (dims[0] = row length).
  // INVALID_ARGUMENT: empty or duplicate name, n_dims outside 1..4, a zero
  // dim, an unsupported type, a row length not a multiple of the type's block
  // size, or data.size() different from the size the type and shape imply.
  absl::Status AddTensor(std::string name, GgmlType type, std::vector<uint64_t> dims,
                         std::vector<uint8_t> data);

  // The whole file in memory.
  absl::StatusOr<std::vector<uint8_t>> Serialize() const;
  // Writes the file (streaming the tensor data; blocks on I/O).
  absl::Status WriteFile(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<uint64_t> dims;
    std::vector<uint8_t> data;
  };
  absl::StatusOr<uint32_t> Alignment() const;
  // Everything before the data section, including the padding after it.
  absl::StatusOr<std::vector<uint8_t>> SerializeHeader() const;

  uint32_t version_;
  GgufMetadata metadata_;
  std::vector<Tensor> tensors_;
  absl::flat_hash_set<std::string> names_;
};

}  // namespace fleet::engine::gguf
