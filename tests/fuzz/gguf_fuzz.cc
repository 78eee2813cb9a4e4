// libFuzzer target for the GGUF reader: parse arbitrary bytes; on success
// touch every tensor byte and render every metadata value, so that any
// out-of-bounds span or malformed value is caught by the sanitizers.

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "services/inference/engine/gguf/gguf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using fleet::engine::gguf::GgufFile;
  auto file = GgufFile::Parse(absl::Span<const uint8_t>(data, size));
  if (!file.ok()) return 0;
  uint64_t sum = 0;
  for (const auto& tensor : (*file)->tensors()) {
    absl::Span<const uint8_t> bytes = (*file)->TensorData(tensor);
    if (bytes.size() != tensor.size_bytes) __builtin_trap();
    for (uint8_t b : bytes) sum += b;
    if ((*file)->FindTensor(tensor.name) != &tensor) __builtin_trap();
  }
  for (const auto& entry : (*file)->metadata().entries()) {
    sum += entry.key.size() + entry.value.ToString(/*max_elements=*/1 << 20).size();
  }
  volatile uint64_t sink = sum;  // keep the reads
  (void)sink;
  return 0;
}
