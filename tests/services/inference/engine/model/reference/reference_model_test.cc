// Tests of the reference forward pass on hand-built models whose logits are
// known in closed form, plus causality and error handling on random models.
#include "tests/services/inference/engine/model/reference/reference_model.h"

#include <cmath>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "tests/services/inference/engine/model/reference/tiny_models.h"

namespace fleet::engine::testing {
namespace {

using ::testing::HasSubstr;

constexpr float kEpsF = 1e-5f;
const double kEps = static_cast<double>(kEpsF);  // the value the model reads
constexpr double kTol = 1e-12;

std::vector<uint8_t> F32Bytes(const std::vector<float>& v) {
  std::vector<uint8_t> out;
  for (float f : v) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<uint8_t>(bits >> (8 * b)));
  }
  return out;
}

std::vector<float> Identity(int n) {
  std::vector<float> m(static_cast<size_t>(n * n), 0.0f);
  for (int i = 0; i < n; ++i) m[i * n + i] = 1.0f;
  return m;
}

// x / sqrt(mean(x^2) + eps): the expected values below are written with it.
std::vector<double> Rms(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v * v;
  std::vector<double> out;
  for (double v : x) out.push_back(v / std::sqrt(s / x.size() + kEps));
  return out;
}

void ExpectRow(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], kTol) << "element " << i;
}

// A one-model-at-a-time builder: every weight starts at zero, every norm at
// one; Set replaces a tensor's values (same shape), Add adds any tensor.
class HandModel {
 public:
  HandModel(std::string arch, int n_vocab, int n_embd, int n_head, int n_head_kv, int n_ff,
            int n_layer = 1)
      : arch_(std::move(arch)) {
    const int head = n_embd / n_head;
    const std::string p = arch_ + ".";
    Meta("general.architecture", gguf::GgufValue::String(arch_));
    Meta(p + "context_length", gguf::GgufValue::Uint32(8));
    Meta(p + "embedding_length", gguf::GgufValue::Uint32(n_embd));
    Meta(p + "block_count", gguf::GgufValue::Uint32(n_layer));
    Meta(p + "feed_forward_length", gguf::GgufValue::Uint32(n_ff));
    Meta(p + "attention.head_count", gguf::GgufValue::Uint32(n_head));
    Meta(p + "attention.head_count_kv", gguf::GgufValue::Uint32(n_head_kv));
    Meta(p + "attention.layer_norm_rms_epsilon", gguf::GgufValue::Float32(kEpsF));
    const uint64_t e = n_embd, v = n_vocab, ff = n_ff, q = n_head * head, kv = n_head_kv * head;
    Add("token_embd.weight", {e, v}, 0);
    Add("output_norm.weight", {e}, 1);
    Add("output.weight", {e, v}, 0);
    for (int l = 0; l < n_layer; ++l) {
      const std::string b = absl::StrCat("blk.", l, ".");
      Add(b + "attn_norm.weight", {e}, 1);
      Add(b + "attn_q.weight", {e, q}, 0);
      Add(b + "attn_k.weight", {e, kv}, 0);
      Add(b + "attn_v.weight", {e, kv}, 0);
      Add(b + "attn_output.weight", {q, e}, 0);
      if (arch_ == "qwen2") {
        Add(b + "attn_q.bias", {q}, 0);
        Add(b + "attn_k.bias", {kv}, 0);
        Add(b + "attn_v.bias", {kv}, 0);
      }
      Add(b + "ffn_norm.weight", {e}, 1);
      Add(b + "ffn_gate.weight", {e, ff}, 0);
      Add(b + "ffn_up.weight", {e, ff}, 0);
      Add(b + "ffn_down.weight", {ff, e}, 0);
    }
  }

  HandModel& Meta(const std::string& key, gguf::GgufValue value) {
    EXPECT_TRUE(writer_meta_.Set(key, std::move(value)).ok());
    return *this;
  }
  HandModel& Add(const std::string& name, std::vector<uint64_t> dims, float fill) {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    tensors_[name] = {std::move(dims), std::vector<float>(n, fill)};
    return *this;
  }
  HandModel& Add(const std::string& name, std::vector<uint64_t> dims, std::vector<float> values) {
    tensors_[name] = {std::move(dims), std::move(values)};
    return *this;
  }
  HandModel& Set(const std::string& name, std::vector<float> values) {
    EXPECT_EQ(tensors_.count(name), 1u) << name;
    EXPECT_EQ(tensors_[name].second.size(), values.size()) << name;
    tensors_[name].second = std::move(values);
    return *this;
  }
  HandModel& Remove(const std::string& name) {
    tensors_.erase(name);
    return *this;
  }

  absl::StatusOr<std::unique_ptr<ReferenceModel>> Load(gguf::GgmlType type = gguf::GgmlType::kF32) {
    gguf::GgufWriter w;
    for (const auto& entry : writer_meta_.entries()) {
      EXPECT_TRUE(w.metadata().Add(entry.key, entry.value).ok());
    }
    for (const auto& [name, t] : tensors_) {
      std::vector<uint8_t> data = F32Bytes(t.second);
      if (type == gguf::GgmlType::kF16) data = F16Bytes(t.second);
      EXPECT_TRUE(w.AddTensor(name, type, t.first, std::move(data)).ok()) << name;
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = w.Serialize();
    if (!bytes.ok()) return bytes.status();
    bytes_ = *std::move(bytes);
    absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(bytes_);
    if (!file.ok()) return file.status();
    return ReferenceModel::Load(**file);
  }

 private:
  // Only for values exactly representable as half with |v| in [2^-14, 2^15]
  // or zero (the tests use small integers and halves).
  static std::vector<uint8_t> F16Bytes(const std::vector<float>& v) {
    std::vector<uint8_t> out;
    for (float f : v) {
      uint16_t h = 0;
      if (f != 0) {
        int exp;
        const double mant = std::frexp(std::fabs(static_cast<double>(f)), &exp);  // [0.5, 1)
        const int e = exp - 1 + 15;
        const uint16_t m = static_cast<uint16_t>(std::lround((mant * 2 - 1) * 1024));
        h = static_cast<uint16_t>((f < 0 ? 0x8000 : 0) | (e << 10) | m);
      }
      out.push_back(static_cast<uint8_t>(h & 0xff));
      out.push_back(static_cast<uint8_t>(h >> 8));
    }
    return out;
  }

  std::string arch_;
  gguf::GgufMetadata writer_meta_;
  std::map<std::string, std::pair<std::vector<uint64_t>, std::vector<float>>> tensors_;
  std::vector<uint8_t> bytes_;
};

// With every block weight zero the residual stream is the embedding, so
// logits = Wout (rmsnorm(embd) * output_norm).
TEST(ReferenceModelTest, ZeroBlocksGiveOutputOfNormalisedEmbedding) {
  for (gguf::GgmlType type : {gguf::GgmlType::kF32, gguf::GgmlType::kF16}) {
    HandModel hand("llama", /*n_vocab=*/3, /*n_embd=*/2, /*n_head=*/1, /*n_head_kv=*/1,
                   /*n_ff=*/1, /*n_layer=*/2);
    hand.Set("token_embd.weight", {3, 4, 1, -1, 0, 2});
    hand.Set("output_norm.weight", {2, 0.5});
    hand.Set("output.weight", {1, 0, 0, 1, 1, 1});  // rows: e0, e1, e0 + e1
    absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load(type);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ((*model)->n_vocab(), 3);
    absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0, 1, 2});
    ASSERT_TRUE(logits.ok()) << logits.status();
    ASSERT_EQ(logits->size(), 3u);
    // (3,4): mean square 12.5; normed * (2, .5) = (6, 2) / s.
    const double s0 = std::sqrt(12.5 + kEps);
    ExpectRow((*logits)[0], {6 / s0, 2 / s0, 8 / s0});
    // (1,-1): mean square 1 -> (2, -0.5) / s.
    const double s1 = std::sqrt(1 + kEps);
    ExpectRow((*logits)[1], {2 / s1, -0.5 / s1, 1.5 / s1});
    // (0,2): mean square 2 -> (0, 1) / s.
    const double s2 = std::sqrt(2 + kEps);
    ExpectRow((*logits)[2], {0, 1 / s2, 1 / s2});
  }
}

TEST(ReferenceModelTest, MissingOutputUsesTokenEmbedding) {
  HandModel hand("qwen2", 3, 2, 1, 1, 1);
  hand.Set("token_embd.weight", {3, 4, 1, -1, 0, 2});
  hand.Set("output_norm.weight", {2, 0.5});
  hand.Remove("output.weight");
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0});
  ASSERT_TRUE(logits.ok()) << logits.status();
  // normed (6, 2) / s against the embedding rows (3,4), (1,-1), (0,2).
  const double s = std::sqrt(12.5 + kEps);
  ExpectRow((*logits)[0], {26 / s, 4 / s, 4 / s});
}

// The FFN alone: n_ff = 1 with gate row g, up row u, down column d gives
// x + d * silu(g.m) * (u.m), m = rmsnorm(x).
TEST(ReferenceModelTest, FeedForwardIsSiluGatedProduct) {
  HandModel hand("llama", 2, 2, 1, 1, 1);
  hand.Set("token_embd.weight", {3, 4, 0, 0});
  hand.Set("blk.0.ffn_gate.weight", {1, 0});
  hand.Set("blk.0.ffn_up.weight", {0, 1});
  hand.Set("blk.0.ffn_down.weight", {1, -1});  // dims {1, 2}: rows (1), (-1)
  hand.Set("output.weight", Identity(2));
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0});
  ASSERT_TRUE(logits.ok()) << logits.status();
  const double s = std::sqrt(12.5 + kEps);
  const double g = 3 / s, u = 4 / s;
  const double a = g / (1 + std::exp(-g)) * u;
  ExpectRow((*logits)[0], Rms({3 + a, 4 - a}));
}

// Wq = Wk = 0: every score is 0, so attention averages the values of
// positions 0..p; Wv = Wo = I makes h_p = x_p + mean_{j<=p} rmsnorm(x_j).
// Position 1 not seeing position 2 is causal masking.
TEST(ReferenceModelTest, ZeroScoresAverageTheVisibleValues) {
  HandModel hand("llama", 2, 2, 1, 1, 1);
  hand.Set("token_embd.weight", {1, 1, 1, -1});
  hand.Set("blk.0.attn_v.weight", Identity(2));
  hand.Set("blk.0.attn_output.weight", Identity(2));
  hand.Set("output.weight", Identity(2));
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0, 1, 1});
  ASSERT_TRUE(logits.ok()) << logits.status();
  const double c = std::sqrt(1 + kEps);  // both embeddings have mean square 1
  ExpectRow((*logits)[0], Rms({1 + 1 / c, 1 + 1 / c}));
  ExpectRow((*logits)[1], Rms({1 + 1 / c, -1 + 0 / c}));
  ExpectRow((*logits)[2], Rms({1 + 1 / c, -1 - (1.0 / 3) / c}));
}

// GQA: n_head 4, n_head_kv 2: q heads 0, 1 read kv head 0 and heads 2, 3 kv
// head 1 (h / 2, not h % 2). One token: each head's output is its kv head's
// value. v = Wv n with kv head 0 = (n0, 0), kv head 1 = (0, 2 n0).
TEST(ReferenceModelTest, GroupedQueryHeadsShareConsecutiveKvHeads) {
  HandModel hand("llama", 8, 8, 4, 2, 1);
  hand.Set("token_embd.weight", std::vector<float>(64, 1.0f));
  std::vector<float> wv(4 * 8, 0.0f);  // [4 outputs][8 inputs]
  wv[0 * 8 + 0] = 1;
  wv[3 * 8 + 0] = 2;
  hand.Set("blk.0.attn_v.weight", wv);
  hand.Set("blk.0.attn_output.weight", Identity(8));
  hand.Set("output.weight", Identity(8));
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0});
  ASSERT_TRUE(logits.ok()) << logits.status();
  const double n0 = 1 / std::sqrt(1 + kEps);
  // heads: (n0, 0), (n0, 0), (0, 2 n0), (0, 2 n0).
  ExpectRow((*logits)[0], Rms({1 + n0, 1, 1 + n0, 1, 1, 1 + 2 * n0, 1, 1 + 2 * n0}));
}

// qwen2's q/k/v biases: with all weights zero, v = bv, so h = x + Wo bv.
TEST(ReferenceModelTest, Qwen2ValueBiasReachesTheOutput) {
  HandModel hand("qwen2", 2, 2, 1, 1, 1);
  hand.Set("token_embd.weight", {3, 4, 0, 0});
  hand.Set("blk.0.attn_v.bias", {0.5, -2});
  hand.Set("blk.0.attn_q.bias", {7, 9});  // no effect: one key, softmax of one score is 1
  hand.Set("blk.0.attn_output.weight", Identity(2));
  hand.Set("output.weight", Identity(2));
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0});
  ASSERT_TRUE(logits.ok()) << logits.status();
  ExpectRow((*logits)[0], Rms({3.5, 2}));
}

// Two tokens along basis directions d0 and d1 (embedding 2 e_d), n_embd 4,
// one head of 4; Wq = 1.5 I, Wk = Wv = Wo = I, FFN zero, output = I. With
// n = rmsnorm(2 e_d) = (2/c) e_d, position 1 scores
//   s1 = q1.k1 / 2 = 1.5 (2/c)^2 / 2           (same rotation on both sides)
//   s0 = q1.k0 / 2 = 1.5 (2/c)^2 f / 2,  f = (R_1 e_d1) . e_d0
// where R_1 is rope at position 1, and h1 = 2 e_d1 + (2/c)(w0 e_d0 + w1 e_d1).
struct RopeCase {
  std::string name;
  std::string arch;
  int d0, d1;
  double f;  // (R_1 e_d1) . e_d0, by hand
  std::vector<std::pair<std::string, gguf::GgufValue>> meta;
  std::vector<float> rope_freqs;  // empty: no rope_freqs.weight
};

void PrintTo(const RopeCase& c, std::ostream* os) { *os << c.name; }

class RopeInModelTest : public ::testing::TestWithParam<RopeCase> {};

TEST_P(RopeInModelTest, ScoresFollowTheRotation) {
  const RopeCase& rc = GetParam();
  HandModel hand(rc.arch, 4, 4, 1, 1, 1);
  std::vector<float> embd(16, 0.0f);
  embd[0 * 4 + rc.d0] = 2;
  embd[1 * 4 + rc.d1] = 2;
  hand.Set("token_embd.weight", embd);
  std::vector<float> wq = Identity(4);
  for (float& v : wq) v *= 1.5f;
  hand.Set("blk.0.attn_q.weight", wq);
  hand.Set("blk.0.attn_k.weight", Identity(4));
  hand.Set("blk.0.attn_v.weight", Identity(4));
  hand.Set("blk.0.attn_output.weight", Identity(4));
  hand.Set("output.weight", Identity(4));
  for (const auto& [key, value] : rc.meta) hand.Meta(rc.arch + "." + key, value);
  if (!rc.rope_freqs.empty()) hand.Add("rope_freqs.weight", {rc.rope_freqs.size()}, rc.rope_freqs);
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({0, 1});
  ASSERT_TRUE(logits.ok()) << logits.status();

  const double c = std::sqrt(1 + kEps);
  const double base = 1.5 * (2 / c) * (2 / c) / 2;
  const double s1 = base, s0 = base * rc.f;
  const double w0 = std::exp(s0) / (std::exp(s0) + std::exp(s1));
  const double w1 = 1 - w0;
  std::vector<double> h0(4, 0.0), h1(4, 0.0);
  h0[rc.d0] = 2 + 2 / c;  // position 0 attends only to itself
  h1[rc.d0] = 2 / c * w0;
  h1[rc.d1] = 2 + 2 / c * w1;
  ExpectRow((*logits)[0], Rms(h0));
  ExpectRow((*logits)[1], Rms(h1));
}

gguf::GgufValue F32(float v) { return gguf::GgufValue::Float32(v); }
gguf::GgufValue U32(uint32_t v) { return gguf::GgufValue::Uint32(v); }
gguf::GgufValue Str(const char* v) { return gguf::GgufValue::String(v); }

// For pair (a, b) rotated by theta: R e_b . e_a = -sin theta, R e_a . e_b =
// sin theta; a vector outside the rotated pair of e_d0 gives 0.
INSTANTIATE_TEST_SUITE_P(
    Styles, RopeInModelTest,
    ::testing::Values(
        // llama: normal pairs (0,1), (2,3); angles 1 and 1/sqrt(base).
        RopeCase{"LlamaPair01", "llama", 0, 1, -std::sin(1.0), {}, {}},
        RopeCase{"LlamaPair10", "llama", 1, 0, std::sin(1.0), {}, {}},
        RopeCase{"LlamaAcrossPairs", "llama", 0, 2, 0.0, {}, {}},
        RopeCase{"LlamaPair23Base100",
                 "llama",
                 2,
                 3,
                 -std::sin(0.1),
                 {{"rope.freq_base", F32(100)}},
                 {}},
        RopeCase{
            "LlamaPartialRotation", "llama", 2, 3, 0.0, {{"rope.dimension_count", U32(2)}}, {}},
        RopeCase{"LlamaRopeFreqs", "llama", 0, 1, -std::sin(0.5), {}, {2, 1}},
        RopeCase{"LlamaLinearScaling",
                 "llama",
                 0,
                 1,
                 -std::sin(0.25),
                 {{"rope.scaling.type", Str("linear")}, {"rope.scaling.factor", F32(4)}},
                 {}},
        // qwen2: NeoX pairs (0,2), (1,3).
        RopeCase{"Qwen2Pair02", "qwen2", 0, 2, -std::sin(1.0), {}, {}},
        RopeCase{"Qwen2Pair20", "qwen2", 2, 0, std::sin(1.0), {}, {}},
        RopeCase{"Qwen2AdjacentIsNotAPair", "qwen2", 0, 1, 0.0, {}, {}},
        RopeCase{"Qwen2Pair13Base100",
                 "qwen2",
                 1,
                 3,
                 -std::sin(0.1),
                 {{"rope.freq_base", F32(100)}},
                 {}},
        RopeCase{"Qwen2RopeFreqs", "qwen2", 0, 2, -std::sin(0.25), {}, {4, 1}}),
    [](const ::testing::TestParamInfo<RopeCase>& info) { return info.param.name; });

// Changing the token at position k changes logits at k and later only.
TEST(ReferenceModelTest, AttentionIsCausal) {
  for (const char* arch : {"llama", "qwen2"}) {
    TinyModelSpec spec;
    spec.arch = arch;
    absl::StatusOr<std::unique_ptr<TinyModel>> tiny = BuildTinyModel(spec);
    ASSERT_TRUE(tiny.ok()) << tiny.status();
    absl::StatusOr<std::unique_ptr<ReferenceModel>> model = ReferenceModel::Load(*(*tiny)->file);
    ASSERT_TRUE(model.ok()) << model.status();
    const std::vector<int32_t> a = {5, 17, 3, 40, 9};
    std::vector<int32_t> b = a;
    b[2] = 41;
    absl::StatusOr<std::vector<std::vector<double>>> la = (*model)->Forward(a);
    absl::StatusOr<std::vector<std::vector<double>>> lb = (*model)->Forward(b);
    ASSERT_TRUE(la.ok() && lb.ok());
    EXPECT_EQ((*la)[0], (*lb)[0]) << arch;
    EXPECT_EQ((*la)[1], (*lb)[1]) << arch;
    for (int p = 2; p < 5; ++p) EXPECT_NE((*la)[p], (*lb)[p]) << arch << " position " << p;
    // A prefix gives the same logits as the longer sequence's first rows.
    absl::StatusOr<std::vector<std::vector<double>>> prefix =
        (*model)->Forward(absl::MakeConstSpan(a).subspan(0, 3));
    ASSERT_TRUE(prefix.ok());
    for (int p = 0; p < 3; ++p) EXPECT_EQ((*prefix)[p], (*la)[p]) << arch;
  }
}

// Same token at two positions gives different logits (rope and attention
// over a different prefix), and every logit is finite.
TEST(ReferenceModelTest, RandomModelLogitsAreFiniteAndPositionDependent) {
  TinyModelSpec spec;
  spec.arch = "qwen2";
  spec.with_rope_freqs = true;
  spec.tied_output = true;
  absl::StatusOr<std::unique_ptr<TinyModel>> tiny = BuildTinyModel(spec);
  ASSERT_TRUE(tiny.ok()) << tiny.status();
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = ReferenceModel::Load(*(*tiny)->file);
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::vector<std::vector<double>>> logits = (*model)->Forward({7, 7, 7});
  ASSERT_TRUE(logits.ok());
  ASSERT_EQ(logits->size(), 3u);
  for (const std::vector<double>& row : *logits) {
    ASSERT_EQ(row.size(), static_cast<size_t>(spec.n_vocab));
    for (double v : row) ASSERT_TRUE(std::isfinite(v));
  }
  EXPECT_NE((*logits)[0], (*logits)[1]);
}

absl::Status LoadStatus(HandModel& hand) { return hand.Load().status(); }

TEST(ReferenceModelTest, LoadErrorsNameTheProblem) {
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Remove("blk.0.ffn_up.weight");
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("'blk.0.ffn_up.weight' is missing"));
  }
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Add("blk.0.attn_k.weight", {2, 4}, 0);
    EXPECT_THAT(LoadStatus(hand).message(),
                HasSubstr("tensor 'blk.0.attn_k.weight' has dims {2, 4}, expected {2, 2}"));
  }
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Add("blk.1.attn_norm.weight", {2}, 1);  // block_count is 1
    absl::Status s = LoadStatus(hand);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("tensor 'blk.1.attn_norm.weight' is not used"));
  }
  {
    HandModel hand("qwen2", 2, 2, 1, 1, 1);
    hand.Remove("blk.0.attn_k.bias");
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("'blk.0.attn_k.bias' is missing"));
  }
  {
    HandModel hand("gpt2", 2, 2, 1, 1, 1);
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("'gpt2' is not supported"));
  }
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Meta("llama.rope.scaling.type", gguf::GgufValue::String("yarn"));
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("rope scaling type 'yarn'"));
  }
  {
    HandModel hand("llama", 8, 8, 4, 3, 1);
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("4 is not a multiple of head_count_kv 3"));
  }
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Meta("llama.attention.layer_norm_rms_epsilon", gguf::GgufValue::Uint32(1));
    EXPECT_THAT(LoadStatus(hand).message(),
                HasSubstr("'llama.attention.layer_norm_rms_epsilon' has type uint32"));
  }
  {
    HandModel hand("llama", 2, 2, 1, 1, 1);
    hand.Meta("llama.rope.dimension_count", gguf::GgufValue::Uint32(3));
    EXPECT_THAT(LoadStatus(hand).message(), HasSubstr("'llama.rope.dimension_count': 3"));
  }
}

TEST(ReferenceModelTest, ForwardRejectsBadSequences) {
  HandModel hand("llama", 3, 2, 1, 1, 1);  // context_length 8
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = hand.Load();
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_THAT((*model)->Forward({}).status().message(), HasSubstr("empty"));
  EXPECT_THAT((*model)->Forward({0, 3}).status().message(),
              HasSubstr("token #1 = 3 is outside the vocabulary (3 tokens)"));
  EXPECT_THAT((*model)->Forward({0, -1}).status().message(), HasSubstr("token #1 = -1"));
  EXPECT_THAT((*model)->Forward(std::vector<int32_t>(9, 0)).status().message(),
              HasSubstr("9 tokens exceed the context length 8"));
  EXPECT_TRUE((*model)->Forward(std::vector<int32_t>(8, 2)).ok());
}

}  // namespace
}  // namespace fleet::engine::testing
