// Golden vectors produced by llama.cpp's gguf-py (numpy) from random blocks:
// see make_golden.py next to this file. Decoders must match bit for bit (a
// NaN only has to be a NaN); the Q8_0, Q4_0, F16 and BF16 encoders must
// produce the same bytes as gguf-py, which implements ggml's reference rules.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::quant {
namespace {

class Reader {
 public:
  explicit Reader(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  bool done() const { return pos_ == bytes_.size(); }
  bool ok() const { return ok_; }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  std::vector<uint8_t> Bytes(size_t n) {
    if (!Need(n)) return {};
    std::vector<uint8_t> out(bytes_.begin() + pos_, bytes_.begin() + pos_ + n);
    pos_ += n;
    return out;
  }
  std::vector<float> Floats(size_t n) {
    const std::vector<uint8_t> raw = Bytes(4 * n);
    std::vector<float> out(raw.size() / 4);
    for (size_t i = 0; i < out.size(); ++i) {
      const uint32_t v = raw[4 * i] | (raw[4 * i + 1] << 8) | (raw[4 * i + 2] << 16) |
                         (static_cast<uint32_t>(raw[4 * i + 3]) << 24);
      std::memcpy(&out[i], &v, 4);
    }
    return out;
  }

 private:
  bool Need(size_t n) {
    if (bytes_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(GoldenTest, MatchesGgufPy) {
  Reader r(ReadFile(std::string(FLEET_QUANT_TESTDATA_DIR) + "/gguf_py_golden.bin"));
  ASSERT_EQ(r.Bytes(4), (std::vector<uint8_t>{'F', 'Q', 'G', '1'}));
  std::map<std::string, int> decoded, encoded;
  while (!r.done()) {
    const uint32_t kind = r.U32();
    const auto type = static_cast<gguf::GgmlType>(r.U32());
    const uint32_t n = r.U32();
    const uint32_t n_bytes = r.U32();
    ASSERT_TRUE(r.ok());
    const std::string name = gguf::GgmlTypeName(type);
    if (kind == 0) {
      const std::vector<uint8_t> bytes = r.Bytes(n_bytes);
      const std::vector<float> want = r.Floats(n);
      ASSERT_TRUE(r.ok());
      std::vector<float> got(n);
      ASSERT_TRUE(DequantizeRow(type, bytes, absl::MakeSpan(got)).ok()) << name;
      for (size_t i = 0; i < n; ++i) {
        if (std::isnan(want[i])) {
          ASSERT_TRUE(std::isnan(got[i])) << name << " element " << i;
          continue;
        }
        uint32_t a, b;
        std::memcpy(&a, &got[i], 4);
        std::memcpy(&b, &want[i], 4);
        ASSERT_EQ(a, b) << name << " element " << i << ": got " << got[i] << " want " << want[i];
      }
      ++decoded[name];
    } else {
      ASSERT_EQ(kind, 1u);
      const std::vector<float> x = r.Floats(n);
      const std::vector<uint8_t> want = r.Bytes(n_bytes);
      ASSERT_TRUE(r.ok());
      std::vector<uint8_t> got(n_bytes);
      ASSERT_TRUE(QuantizeRow(type, x, absl::MakeSpan(got)).ok()) << name;
      for (size_t i = 0; i < n_bytes; ++i) ASSERT_EQ(got[i], want[i]) << name << " byte " << i;
      ++encoded[name];
    }
  }
  for (const char* t : {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"}) {
    EXPECT_EQ(decoded[t], 2) << t;
  }
  for (const char* t : {"Q8_0", "Q4_0"}) EXPECT_EQ(encoded[t], 3) << t;
  for (const char* t : {"F16", "BF16"}) EXPECT_EQ(encoded[t], 1) << t;
}

}  // namespace
}  // namespace fleet::engine::quant
