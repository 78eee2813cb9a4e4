// libFuzzer target for the quant codecs: the first byte picks a supported
// ggml type, the rest is block data. Every whole block decodes (NaN/Inf are
// fine outputs); a decoded row that is all finite must re-encode, and its
// re-decoding must stay finite. Wrong sizes must be refused, not crash.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/quantize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gguf = fleet::engine::gguf;
  namespace quant = fleet::engine::quant;
  if (size < 1) return 0;
  const absl::Span<const gguf::GgmlTypeTraits> types = gguf::SupportedGgmlTypes();
  const gguf::GgmlTypeTraits& t = types[data[0] % types.size()];
  const absl::Span<const uint8_t> body(data + 1, size - 1);
  const size_t blocks = body.size() / t.bytes_per_block;
  std::vector<float> out(blocks * t.block_size);
  if (!quant::DequantizeRow(t.type, body.subspan(0, blocks * t.bytes_per_block),
                            absl::MakeSpan(out))
           .ok()) {
    __builtin_trap();
  }
  // A size mismatch is an error, never a crash.
  if (blocks > 0 && body.size() % t.bytes_per_block != 0 &&
      quant::DequantizeRow(t.type, body, absl::MakeSpan(out)).ok()) {
    __builtin_trap();
  }
  for (float v : out) {
    if (!std::isfinite(v)) return 0;
  }
  std::vector<uint8_t> again(blocks * t.bytes_per_block);
  if (!quant::QuantizeRow(t.type, out, absl::MakeSpan(again)).ok()) __builtin_trap();
  std::vector<float> back(out.size());
  if (!quant::DequantizeRow(t.type, again, absl::MakeSpan(back)).ok()) __builtin_trap();
  // Quantized types have finite fp16 scales after encoding finite input.
  if (t.block_size > 1) {
    for (float v : back) {
      if (!std::isfinite(v)) __builtin_trap();
    }
  }
  return 0;
}
