#include "tests/services/inference/engine/gguf/gguf_samples.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace fleet::engine::gguf::testing {
namespace {

constexpr uint32_t kF32 = 0;
constexpr uint32_t kQ8_0 = 8;

// A nested array `levels` deep whose innermost array holds one uint8.
GgufArray Nested(int levels) {
  if (levels == 1) return GgufArray(std::vector<uint8_t>{7});
  return GgufArray(std::vector<GgufArray>{Nested(levels - 1)});
}

void MustOk(const absl::Status& s) {
  if (!s.ok()) {
    // Samples are fixed data: a failure here is a bug in this file.
    std::fprintf(stderr, "gguf_samples: %s\n", std::string(s.message()).c_str());
    std::abort();
  }
}

std::vector<uint8_t> MustSerialize(const GgufWriter& writer) {
  absl::StatusOr<std::vector<uint8_t>> bytes = writer.Serialize();
  MustOk(bytes.status());
  return *std::move(bytes);
}

// A file with no metadata and one F32 tensor of `dims` at `offset`, followed
// by `data_bytes` zero bytes of data.
std::vector<uint8_t> OneTensor(const std::vector<uint64_t>& dims, uint32_t type, uint64_t offset,
                               size_t data_bytes, const std::string& name = "t") {
  RawGguf raw;
  raw.Header(1, 0).TensorInfo(name, dims, type, offset).Pad(32).Zeros(data_bytes);
  return raw.bytes();
}

// A file with one metadata key whose value is written by `value`.
template <typename F>
std::vector<uint8_t> OneKey(const std::string& key, F value) {
  RawGguf raw;
  raw.Header(0, 1).Str(key);
  value(raw);
  return raw.bytes();
}

}  // namespace

std::vector<uint8_t> PatternBytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> out(n);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<uint8_t>(x >> 24);
  }
  return out;
}

std::vector<uint64_t> SampleDims(GgmlType type) {
  switch (type) {
    case GgmlType::kF32:
      return {4, 3};
    case GgmlType::kF16:
      return {8, 2};
    case GgmlType::kBF16:
      return {6};
    case GgmlType::kQ4_0:
      return {32, 2};
    case GgmlType::kQ8_0:
      return {64};
    default:
      return {256, 1, 2};  // K-quants: one super-block per row
  }
}

GgufWriter FullWriter(uint32_t version, uint32_t alignment) {
  GgufWriter w(version);
  GgufMetadata& m = w.metadata();
  MustOk(m.Add("general.architecture", GgufValue::String("llama")));
  MustOk(m.Add("test.uint8", GgufValue::Uint8(200)));
  MustOk(m.Add("test.int8", GgufValue::Int8(-100)));
  MustOk(m.Add("test.uint16", GgufValue::Uint16(60000)));
  MustOk(m.Add("test.int16", GgufValue::Int16(-30000)));
  MustOk(m.Add("test.uint32", GgufValue::Uint32(4000000000u)));
  MustOk(m.Add("test.int32", GgufValue::Int32(-2000000000)));
  MustOk(m.Add("test.float32", GgufValue::Float32(1.5f)));
  MustOk(m.Add("test.bool", GgufValue::Bool(true)));
  MustOk(m.Add("test.string", GgufValue::String("h\xC3\xA9llo, \xE4\xB8\x96\xE7\x95\x8C")));
  MustOk(m.Add("test.empty_string", GgufValue::String("")));
  MustOk(m.Add("test.uint64", GgufValue::Uint64(9223372036854775813ull)));
  MustOk(m.Add("test.int64", GgufValue::Int64(-4611686018427387904ll)));
  MustOk(m.Add("test.float64", GgufValue::Float64(3.141592653589793)));
  MustOk(m.Add("test.arr.uint8", GgufValue::Array(GgufArray(std::vector<uint8_t>{1, 2, 255}))));
  MustOk(m.Add("test.arr.int8", GgufValue::Array(GgufArray(std::vector<int8_t>{-128, 0, 127}))));
  MustOk(m.Add("test.arr.uint16", GgufValue::Array(GgufArray(std::vector<uint16_t>{65535, 1}))));
  MustOk(m.Add("test.arr.int16", GgufValue::Array(GgufArray(std::vector<int16_t>{-32768, 5}))));
  MustOk(m.Add("test.arr.uint32", GgufValue::Array(GgufArray(std::vector<uint32_t>{7, 8, 9}))));
  MustOk(m.Add("test.arr.int32", GgufValue::Array(GgufArray(std::vector<int32_t>{-1, 1}))));
  MustOk(m.Add("test.arr.float32",
               GgufValue::Array(GgufArray(std::vector<float>{0.25f, -2.0f, 1e-30f}))));
  MustOk(m.Add("test.arr.bool", GgufValue::Array(GgufArray(std::vector<bool>{true, false, true}))));
  MustOk(m.Add("test.arr.string", GgufValue::Array(GgufArray(std::vector<std::string>{
                                      "a", "", "\xE2\x96\x81token", std::string("\0x", 2)}))));
  MustOk(m.Add("test.arr.uint64",
               GgufValue::Array(GgufArray(std::vector<uint64_t>{18446744073709551615ull}))));
  MustOk(m.Add("test.arr.int64", GgufValue::Array(GgufArray(std::vector<int64_t>{-3, 3}))));
  MustOk(m.Add("test.arr.float64", GgufValue::Array(GgufArray(std::vector<double>{1e300}))));
  MustOk(m.Add("test.arr.empty", GgufValue::Array(GgufArray(std::vector<float>{}))));
  MustOk(m.Add("test.arr.nested",
               GgufValue::Array(GgufArray(std::vector<GgufArray>{
                   GgufArray(std::vector<int32_t>{1, 2}), GgufArray(std::vector<std::string>{"x"}),
                   GgufArray(), Nested(3)}))));
  if (alignment != 32) MustOk(w.SetAlignment(alignment));
  uint32_t seed = 1;
  for (const GgmlTypeTraits& t : SupportedGgmlTypes()) {
    std::vector<uint64_t> dims = SampleDims(t.type);
    absl::StatusOr<uint64_t> size = GgmlTensorBytes(t.type, dims);
    MustOk(size.status());
    MustOk(w.AddTensor(absl::StrCat("blk.0.", t.name, ".weight"), t.type, dims,
                       PatternBytes(*size, seed++)));
  }
  return w;
}

std::vector<GgufSample> ValidSamples() {
  std::vector<GgufSample> out;
  out.push_back({"valid_v3", MustSerialize(FullWriter(3, 32)), ""});
  out.push_back({"valid_v2", MustSerialize(FullWriter(2, 32)), ""});
  out.push_back({"valid_align64", MustSerialize(FullWriter(3, 64)), ""});
  out.push_back({"valid_align1", MustSerialize(FullWriter(3, 1)), ""});
  {
    GgufWriter w(3);
    MustOk(w.metadata().Add("general.name", GgufValue::String("metadata only")));
    out.push_back({"valid_no_tensors", MustSerialize(w), ""});
  }
  out.push_back({"valid_empty", RawGguf().Header(0, 0).bytes(), ""});
  {
    GgufWriter w(3);
    MustOk(w.metadata().Add("test.deep", GgufValue::Array(Nested(8))));
    out.push_back({"valid_nested_depth8", MustSerialize(w), ""});
  }
  {
    // A tokenizer-shaped file: vocabulary arrays and an embedding matrix.
    GgufWriter w(3);
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;
    for (int i = 0; i < 64; ++i) {
      tokens.push_back(i < 3 ? std::string(i == 0   ? "<s>"
                                           : i == 1 ? "</s>"
                                                    : "<unk>")
                             : absl::StrCat("\xC4\xA0tok", i));
      scores.push_back(-static_cast<float>(i));
      types.push_back(i < 3 ? 3 : 1);
    }
    MustOk(w.metadata().Add("general.architecture", GgufValue::String("qwen2")));
    MustOk(w.metadata().Add("tokenizer.ggml.model", GgufValue::String("gpt2")));
    MustOk(w.metadata().Add("tokenizer.ggml.tokens", GgufValue::Array(GgufArray(tokens))));
    MustOk(w.metadata().Add("tokenizer.ggml.scores", GgufValue::Array(GgufArray(scores))));
    MustOk(w.metadata().Add("tokenizer.ggml.token_type", GgufValue::Array(GgufArray(types))));
    MustOk(w.metadata().Add("qwen2.context_length", GgufValue::Uint32(128)));
    MustOk(w.AddTensor("token_embd.weight", GgmlType::kQ8_0, {32, 64}, PatternBytes(34 * 64, 99)));
    out.push_back({"valid_tokenizer", MustSerialize(w), ""});
  }
  return out;
}

std::vector<GgufSample> MalformedSamples() {
  std::vector<GgufSample> out;
  auto add = [&](std::string name, std::vector<uint8_t> bytes, std::string error) {
    out.push_back({std::move(name), std::move(bytes), std::move(error)});
  };
  // Header.
  add("bad_magic", RawGguf().Raw("GGUX").U32(3).U64(0).U64(0).bytes(), "bad magic");
  add("too_small", RawGguf().Raw("GGU").bytes(), "file is 3 bytes, too small for the GGUF magic");
  add("version_1", RawGguf().Header(0, 0, 1).bytes(), "GGUF version 1 is not supported");
  add("version_4", RawGguf().Header(0, 0, 4).bytes(), "GGUF version 4 is not supported");
  add("big_endian", RawGguf().Header(0, 0, 0x03000000u).bytes(),
      "big-endian GGUF files are not supported");
  add("truncated_header", RawGguf().Raw("GGUF").U32(3).U64(0).bytes(),
      "header: metadata_kv_count needs 8 bytes at offset 16, but only 0 remain");
  add("absurd_kv_count", RawGguf().Header(0, 1ull << 60).Zeros(40).bytes(),
      "header: metadata_kv_count 1152921504606846976 exceeds what the remaining 40 bytes");
  add("absurd_tensor_count", RawGguf().Header(1ull << 60, 0).Zeros(40).bytes(),
      "header: tensor_count 1152921504606846976 exceeds what the remaining 40 bytes");
  // Metadata.
  add("absurd_key_length", RawGguf().Header(0, 1).U64(1ull << 40).Zeros(100).bytes(),
      "metadata key #0: key length 1099511627776 exceeds remaining 100 bytes");
  add("empty_key", OneKey("", [](RawGguf& r) { r.U32(0).U8(1); }), "metadata key #0: key is empty");
  add("absurd_string_length", OneKey("k", [](RawGguf& r) { r.U32(8).U64(1ull << 40).Zeros(20); }),
      "metadata key #0 ('k'): string length 1099511627776 exceeds remaining 20 bytes");
  add("string_length_max", OneKey("k", [](RawGguf& r) { r.U32(8).U64(~0ull).Zeros(20); }),
      "metadata key #0 ('k'): string length 18446744073709551615 exceeds remaining 20 bytes");
  add("absurd_array_count",
      OneKey("k", [](RawGguf& r) { r.U32(9).U32(4).U64(1ull << 60).Zeros(64); }),
      "metadata key #0 ('k'): array count 1152921504606846976 of uint32 exceeds remaining 64 "
      "bytes");
  add("array_count_times_size_overflows",
      OneKey("k", [](RawGguf& r) { r.U32(9).U32(10).U64((1ull << 61) + 1).Zeros(64); }),
      "array count 2305843009213693953 of uint64 exceeds remaining 64 bytes");
  add("absurd_string_array_count",
      OneKey("k", [](RawGguf& r) { r.U32(9).U32(8).U64(1ull << 62).Zeros(64); }),
      "array count 4611686018427387904 of string exceeds remaining 64 bytes (at least 8 bytes");
  add("string_array_element_too_long",
      OneKey("tokens", [](RawGguf& r) { r.U32(9).U32(8).U64(2).Str("a").U64(1000).Zeros(8); }),
      "metadata key #0 ('tokens'): array element #1: string length 1000 exceeds remaining 8");
  add("absurd_nested_array_count",
      OneKey("k", [](RawGguf& r) { r.U32(9).U32(9).U64(1ull << 40).Zeros(64); }),
      "array count 1099511627776 of array exceeds remaining 64 bytes (at least 12 bytes");
  add("nested_depth_9",
      OneKey("deep",
             [](RawGguf& r) {
               r.U32(9);
               for (int i = 0; i < 8; ++i) r.U32(9).U64(1);
               r.U32(0).U64(1).U8(7);
             }),
      "metadata key #0 ('deep'): array element #0: array element #0: array element #0: array "
      "element #0: array element #0: array element #0: array element #0: array element #0: "
      "arrays nested deeper than 8 levels");
  add("invalid_value_type", OneKey("k", [](RawGguf& r) { r.U32(13).U8(0); }),
      "metadata key #0 ('k'): invalid value type id 13");
  add("invalid_array_type", OneKey("k", [](RawGguf& r) { r.U32(9).U32(99).U64(0); }),
      "metadata key #0 ('k'): invalid array element type id 99");
  add("bad_bool", OneKey("flag", [](RawGguf& r) { r.U32(7).U8(2); }),
      "metadata key #0 ('flag'): bool value 2 is not 0 or 1");
  add("bad_bool_in_array",
      OneKey("flags", [](RawGguf& r) { r.U32(9).U32(7).U64(3).U8(1).U8(0).U8(9); }),
      "metadata key #0 ('flags'): array element #2: bool value 9 is not 0 or 1");
  add("truncated_value", OneKey("k", [](RawGguf& r) { r.U32(10).U32(1); }),
      "metadata key #0 ('k'): value needs 8 bytes at offset 37, but only 4 remain");
  add("duplicate_key", RawGguf().Header(0, 2).Str("k").U32(0).U8(1).Str("k").U32(0).U8(2).bytes(),
      "metadata key #1 ('k'): duplicate key");
  add("alignment_not_power_of_two",
      RawGguf().Header(0, 1).Str("general.alignment").U32(4).U32(24).bytes(),
      "metadata key 'general.alignment': 24 is not a non-zero power of two");
  add("alignment_zero", RawGguf().Header(0, 1).Str("general.alignment").U32(4).U32(0).bytes(),
      "metadata key 'general.alignment': 0 is not a non-zero power of two");
  add("alignment_wrong_type",
      RawGguf().Header(0, 1).Str("general.alignment").U32(10).U64(32).bytes(),
      "metadata key 'general.alignment' has type uint64, expected uint32");
  // Tensor infos.
  add("empty_tensor_name", OneTensor({4}, kF32, 0, 16, ""), "tensor #0: name is empty");
  add("n_dims_0", OneTensor({}, kF32, 0, 16), "tensor 't': n_dims 0 is out of range 1..4");
  add("n_dims_5", OneTensor({1, 1, 1, 1, 1}, kF32, 0, 16),
      "tensor 't': n_dims 5 is out of range 1..4");
  add("zero_dim", OneTensor({4, 0}, kF32, 0, 16), "tensor 't': dim 1 is 0");
  add("dims_product_overflow", OneTensor({1ull << 32, 1ull << 32}, kF32, 0, 16),
      "tensor 't': element count (product of dims up to dim 1) overflows int64");
  add("byte_size_overflow", OneTensor({1ull << 62}, kF32, 0, 16),
      "tensor 't': byte size of 4611686018427387904 F32 elements overflows uint64");
  add("row_not_multiple_of_block", OneTensor({31, 2}, kQ8_0, 0, 68),
      "tensor 't': row length dims[0] = 31 is not a multiple of the Q8_0 block size 32");
  add("unsupported_type", OneTensor({256}, 10, 0, 84, "blk.0.ffn_up.weight"),
      "tensor 'blk.0.ffn_up.weight' has type Q2_K, which this engine does not support");
  add("unknown_type", OneTensor({4}, 99, 0, 16), "tensor 't' has unknown ggml type id 99");
  add("misaligned_offset", OneTensor({4}, kF32, 1, 32),
      "tensor 't': offset 1 is not a multiple of the alignment 32");
  add("offset_overflow", OneTensor({16}, kF32, ~0ull - 31, 64),
      "tensor 't': offset 18446744073709551584 + size 64 overflows uint64");
  add("tensor_past_eof", OneTensor({1024}, kF32, 0, 2000, "blk.0.attn_q.weight"),
      "tensor 'blk.0.attn_q.weight': offset 0 + size 4096 exceeds the data section (2000 bytes");
  add(
      "second_tensor_past_eof",
      [] {
        RawGguf raw;
        raw.Header(2, 0).TensorInfo("a", {8}, kF32, 0).TensorInfo("b", {8}, kF32, 32).Pad(32);
        raw.Zeros(40);
        return raw.bytes();
      }(),
      "tensor 'b': offset 32 + size 32 exceeds the data section (40 bytes");
  add("data_section_past_eof", RawGguf().Header(1, 0).TensorInfo("t", {4}, kF32, 0).bytes(),
      "data section starts at offset 64 (tensor infos end at 57, aligned to 32), past the end");
  add(
      "duplicate_tensor_name",
      [] {
        RawGguf raw;
        raw.Header(2, 0).TensorInfo("w", {8}, kF32, 0).TensorInfo("w", {8}, kF32, 32).Pad(32);
        raw.Zeros(64);
        return raw.bytes();
      }(),
      "tensor 'w': duplicate tensor name (tensors #0 and #1)");
  add("truncated_tensor_info",
      RawGguf().Header(1, 0).Str("t").U32(4).U64(4).U64(4).U64(4).Zeros(4).bytes(),
      "tensor 't': dim 3 needs 8 bytes at offset 61, but only 4 remain");
  return out;
}

}  // namespace fleet::engine::gguf::testing
