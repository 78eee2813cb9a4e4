// Robustness: any bytes decode without crashing (NaN/Inf outputs allowed),
// and what decodes to finite floats re-encodes. Run under ASan/UBSan in the
// asan preset; tests/fuzz/quant_fuzz.cc is the libFuzzer form of the same.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::quant {
namespace {

TEST(RobustnessTest, RandomBytesDecodeForEverySupportedType) {
  std::mt19937 rng(2024);
  for (const gguf::GgmlTypeTraits& t : gguf::SupportedGgmlTypes()) {
    for (int trial = 0; trial < 200; ++trial) {
      const size_t blocks = 1 + rng() % 4;
      std::vector<uint8_t> bytes(blocks * t.bytes_per_block);
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
      std::vector<float> out(blocks * t.block_size);
      ASSERT_TRUE(DequantizeRow(t.type, bytes, absl::MakeSpan(out)).ok()) << t.name;
      // Finite rows re-encode (the encoder accepts any finite input).
      bool finite = true;
      for (float v : out) finite = finite && std::isfinite(v);
      if (!finite) continue;
      std::vector<uint8_t> again(bytes.size());
      ASSERT_TRUE(QuantizeRow(t.type, out, absl::MakeSpan(again)).ok()) << t.name;
    }
  }
}

TEST(RobustnessTest, RandomSizesAndTypeIdsNeverCrash) {
  std::mt19937 rng(99);
  std::vector<uint8_t> bytes(4096);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  std::vector<float> out(2048);
  for (int trial = 0; trial < 5000; ++trial) {
    const auto type = static_cast<gguf::GgmlType>(rng() % 45);
    const size_t n_bytes = rng() % bytes.size();
    const size_t n_out = rng() % out.size();
    const absl::Status s = DequantizeRow(type, absl::MakeConstSpan(bytes).subspan(0, n_bytes),
                                         absl::MakeSpan(out).subspan(0, n_out));
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace fleet::engine::quant
