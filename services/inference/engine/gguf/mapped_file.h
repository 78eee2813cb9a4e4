#pragma once
// A read-only memory mapping of a whole file, owned uniquely (RAII: the
// destructor unmaps). Move-only.
//
// Thread safety: bytes() is safe from any number of threads; the bytes are
// immutable as long as no other process truncates or rewrites the file
// (a truncated mapped file raises SIGBUS on access; that is the usual mmap
// contract and the reason model files must not be rewritten in place).

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace fleet::engine::gguf {

class MappedFile {
 public:
  // Maps `path` read-only (PROT_READ, MAP_PRIVATE). An empty file gives an
  // empty span and no mapping. Blocks on open/fstat/mmap (no page is read).
  // Errors: NOT_FOUND (no such file), PERMISSION_DENIED, FAILED_PRECONDITION
  // (not a regular file), INTERNAL (any other OS error); messages name the
  // path and the OS error.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  absl::Span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Only Open can construct (the tag is private); public for make_unique.
  MappedFile(PrivateTag, std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

 private:
  std::string path_;
  const uint8_t* data_;  // the mapping, or nullptr when size_ == 0
  size_t size_;
};

}  // namespace fleet::engine::gguf
