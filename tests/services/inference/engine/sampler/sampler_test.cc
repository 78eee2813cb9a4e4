#include "services/inference/engine/sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleet::engine::sampler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::unique_ptr<Sampler> Make(const SamplingParams& p, int32_t n_vocab) {
  auto s = Sampler::Create(p, n_vocab);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(s).value();
}

std::vector<int32_t> CandidateIds(Sampler& s, absl::Span<const float> logits,
                                  absl::Span<const int32_t> history = {}) {
  std::vector<int32_t> ids;
  for (const Candidate& c : s.Candidates(logits, history)) ids.push_back(c.id);
  return ids;
}

// Ids drawn over many seeds (each seed a fresh sampler, one draw).
std::set<int32_t> DrawnOverSeeds(SamplingParams p, absl::Span<const float> logits, int seeds) {
  std::set<int32_t> seen;
  for (int seed = 0; seed < seeds; ++seed) {
    p.seed = static_cast<uint64_t>(seed);
    seen.insert(Make(p, static_cast<int32_t>(logits.size()))->Sample(logits, {}).id);
  }
  return seen;
}

// ---- greedy -----------------------------------------------------------------------------------

TEST(Sampler, GreedyPicksArgmax) {
  SamplingParams p;
  p.temperature = 0.0f;
  auto s = Make(p, 5);
  EXPECT_EQ(s->Sample(std::vector<float>{0.1f, 3.0f, -2.0f, 2.9f, 1.0f}, {}).id, 1);
  EXPECT_EQ(s->Sample(std::vector<float>{-5.0f, -4.0f, -3.0f, -2.0f, -1.5f}, {}).id, 4);
}

TEST(Sampler, GreedyTiesGoToLowestId) {
  SamplingParams p;
  p.temperature = 0.0f;
  auto s = Make(p, 6);
  EXPECT_EQ(s->Sample(std::vector<float>{0.0f, 2.0f, 1.0f, 2.0f, 2.0f, -1.0f}, {}).id, 1);
  EXPECT_THAT(CandidateIds(*s, std::vector<float>{1.0f, 7.0f, 7.0f}), ElementsAre(1));
}

TEST(Sampler, GreedyIgnoresSeed) {
  std::vector<float> logits = {0.5f, 0.4f, 0.6f, 0.59f};
  SamplingParams p;
  p.temperature = 0.0f;
  for (uint64_t seed : {0u, 1u, 99u}) {
    p.seed = seed;
    EXPECT_EQ(Make(p, 4)->Sample(logits, {}).id, 2);
  }
}

// ---- temperature ------------------------------------------------------------------------------

TEST(Sampler, TinyTemperatureBehavesGreedy) {
  std::vector<float> logits = {1.0f, 1.2f, 0.9f, 1.19f};
  SamplingParams p;
  p.temperature = 1e-4f;
  EXPECT_THAT(DrawnOverSeeds(p, logits, 200), ElementsAre(1));
}

TEST(Sampler, HugeTemperatureIsNearlyUniform) {
  std::vector<float> logits = {0.0f, 1.0f, 2.0f, 3.0f};
  SamplingParams p;
  p.temperature = 100.0f;
  auto s = Make(p, 4);
  for (const Candidate& c : s->Candidates(logits, {})) EXPECT_NEAR(c.p, 0.25f, 0.01f);
  std::map<int32_t, int> counts;
  for (int seed = 0; seed < 4000; ++seed) {
    p.seed = static_cast<uint64_t>(seed);
    ++counts[Make(p, 4)->Sample(logits, {}).id];
  }
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [id, n] : counts) EXPECT_GT(n, 800) << id;  // ~1000 each
}

TEST(Sampler, TemperatureScalesTheSoftmax) {
  std::vector<float> logits = {0.0f, std::log(3.0f)};  // probabilities 1/4, 3/4 at T = 1
  SamplingParams p;
  auto s = Make(p, 2);
  const auto& c1 = s->Candidates(logits, {});
  EXPECT_NEAR(c1[0].p, 0.25f, 1e-6f);
  EXPECT_NEAR(c1[1].p, 0.75f, 1e-6f);
  p.temperature = 0.5f;  // odds squared: 1 : 9
  auto s2 = Make(p, 2);
  const auto& c2 = s2->Candidates(logits, {});
  EXPECT_NEAR(c2[0].p, 0.1f, 1e-6f);
  EXPECT_NEAR(c2[1].p, 0.9f, 1e-6f);
}

TEST(Sampler, DrawFrequenciesFollowProbabilities) {
  std::vector<float> logits = {0.0f, std::log(3.0f)};  // 25% / 75%
  SamplingParams p;
  p.seed = 7;
  auto s = Make(p, 2);
  int ones = 0;
  constexpr int kDraws = 8000;
  for (int i = 0; i < kDraws; ++i) ones += s->Sample(logits, {}).id;
  EXPECT_NEAR(static_cast<double>(ones) / kDraws, 0.75, 0.03);
}

// ---- top-k / top-p / min-p: exact kept sets ---------------------------------------------------

TEST(Sampler, TopKKeepsExactlyKHighest) {
  std::vector<float> logits = {1.0f, 5.0f, 3.0f, 4.0f, 2.0f, 0.0f};
  SamplingParams p;
  p.top_k = 3;
  auto s = Make(p, 6);
  EXPECT_THAT(CandidateIds(*s, logits), ElementsAre(1, 3, 2));
  EXPECT_EQ(DrawnOverSeeds(p, logits, 300), (std::set<int32_t>{1, 2, 3}));
}

TEST(Sampler, TopKBoundaryTiesKeepLowerIds) {
  std::vector<float> logits = {2.0f, 1.0f, 2.0f, 2.0f, 3.0f};
  SamplingParams p;
  p.top_k = 2;
  auto s = Make(p, 5);
  EXPECT_THAT(CandidateIds(*s, logits), ElementsAre(4, 0));
}

TEST(Sampler, TopKLargerThanVocabKeepsAll) {
  SamplingParams p;
  p.top_k = 100;
  auto s = Make(p, 3);
  EXPECT_THAT(CandidateIds(*s, std::vector<float>{1.0f, 2.0f, 3.0f}),
              UnorderedElementsAre(0, 1, 2));
}

TEST(Sampler, TopPKeepsSmallestPrefixReachingP) {
  // Probabilities 0.5, 0.25, 0.125, 0.125 (ids 2, 0, 3, 1).
  std::vector<float> logits = {std::log(0.25f), std::log(0.125f), std::log(0.5f), std::log(0.125f)};
  SamplingParams p;
  p.top_p = 0.7f;  // 0.5 < 0.7 <= 0.75
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), ElementsAre(2, 0));
  EXPECT_EQ(DrawnOverSeeds(p, logits, 300), (std::set<int32_t>{0, 2}));
  p.top_p = 0.45f;  // the top token alone reaches it
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), ElementsAre(2));
  p.top_p = 0.8f;  // needs a third
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), ElementsAre(2, 0, 1));
  p.top_p = 0.01f;
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), ElementsAre(2));
}

TEST(Sampler, TopPRenormalizes) {
  std::vector<float> logits = {std::log(0.25f), std::log(0.125f), std::log(0.5f), std::log(0.125f)};
  SamplingParams p;
  p.top_p = 0.7f;
  auto s = Make(p, 4);
  const auto& c = s->Candidates(logits, {});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_NEAR(c[0].p, 2.0f / 3.0f, 1e-6f);
  EXPECT_NEAR(c[1].p, 1.0f / 3.0f, 1e-6f);
}

// The growing partial sort of TopP against a full sort, on vocabularies whose nucleus is far
// past the first partial-sort chunk.
TEST(Truncation, TopPMatchesFullSortReference) {
  for (int n : {10, 300, 5000}) {
    for (float top_p : {0.1f, 0.5f, 0.9f, 0.999f}) {
      std::vector<Candidate> c;
      for (int i = 0; i < n; ++i) {
        // Flat logits with repeats, so ties and long nuclei both occur.
        c.push_back({i, static_cast<float>((i * 7919) % 97) / 50.0f, 0.0f});
      }
      SoftmaxWithTemperature(1.0f, &c);
      std::vector<Candidate> reference = c;
      std::sort(reference.begin(), reference.end(), [](const Candidate& a, const Candidate& b) {
        return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
      });
      double cumulative = 0.0;
      size_t keep = reference.size();
      for (size_t i = 0; i < reference.size(); ++i) {
        cumulative += reference[i].p;
        if (cumulative >= top_p) {
          keep = i + 1;
          break;
        }
      }
      reference.resize(keep);
      TopP(top_p, &c);
      ASSERT_EQ(c.size(), reference.size()) << n << " " << top_p;
      for (size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c[i].id, reference[i].id);
      if (n == 5000 && top_p == 0.9f) {
        EXPECT_GT(c.size(), 1000u);
      }
    }
  }
}

TEST(Sampler, MinPKeepsTokensAboveFractionOfTop) {
  // Probabilities 0.4, 0.3, 0.2, 0.1.
  std::vector<float> logits = {std::log(0.4f), std::log(0.3f), std::log(0.2f), std::log(0.1f)};
  SamplingParams p;
  p.min_p = 0.45f;  // threshold 0.18: keeps 0.4, 0.3, 0.2
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), UnorderedElementsAre(0, 1, 2));
  p.min_p = 0.6f;  // threshold 0.24
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), UnorderedElementsAre(0, 1));
  EXPECT_EQ(DrawnOverSeeds(p, logits, 300), (std::set<int32_t>{0, 1}));
  p.min_p = 1.0f;
  EXPECT_THAT(CandidateIds(*Make(p, 4), logits), ElementsAre(0));
}

TEST(Sampler, ChainOrderTopKThenTopPThenMinP) {
  // p at T=1 over ids 0..5: 0.3, 0.25, 0.2, 0.15, 0.06, 0.04.
  std::vector<float> logits = {std::log(0.3f),  std::log(0.25f), std::log(0.2f),
                               std::log(0.15f), std::log(0.06f), std::log(0.04f)};
  SamplingParams p;
  p.top_k = 4;      // ids 0..3, renormalized by the softmax: 0.3/0.9, 0.25/0.9, 0.2/0.9, 0.15/0.9
  p.top_p = 0.75f;  // cumulative 0.333, 0.611, 0.833 -> ids 0, 1, 2
  p.min_p = 0.7f;   // of the renormalized top (0.3/0.75 = 0.4): threshold 0.28 -> 0.4, 0.333
  auto s = Make(p, 6);
  const auto& c = s->Candidates(logits, {});
  std::vector<int32_t> ids;
  for (const auto& x : c) ids.push_back(x.id);
  EXPECT_THAT(ids, ElementsAre(0, 1));
  EXPECT_NEAR(c[0].p, 0.3f / 0.55f, 1e-5f);
}

// ---- penalties ------------------------------------------------------------------------------

TEST(Penalties, RepetitionDividesPositiveMultipliesNegative) {
  SamplingParams p;
  p.repetition_penalty = 2.0f;
  std::vector<float> logits = {4.0f, -4.0f, 4.0f, 0.0f};
  PenaltyScratch scratch(4);
  std::vector<int32_t> history = {0, 1, 1, 3};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_THAT(logits, ElementsAre(2.0f, -8.0f, 4.0f, 0.0f));
}

TEST(Penalties, FrequencyAndPresenceOpenAiFormula) {
  SamplingParams p;
  p.frequency_penalty = 0.5f;
  p.presence_penalty = 0.25f;
  std::vector<float> logits = {1.0f, 1.0f, 1.0f};
  PenaltyScratch scratch(3);
  std::vector<int32_t> history = {2, 0, 2, 2};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  // id 0: count 1 -> 1 - 0.5 - 0.25; id 2: count 3 -> 1 - 1.5 - 0.25.
  EXPECT_THAT(logits, ElementsAre(0.25f, 1.0f, -0.75f));
}

TEST(Penalties, RepetitionThenFrequency) {
  SamplingParams p;
  p.repetition_penalty = 2.0f;
  p.frequency_penalty = 1.0f;
  std::vector<float> logits = {3.0f};
  PenaltyScratch scratch(1);
  std::vector<int32_t> history = {0, 0};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_FLOAT_EQ(logits[0], 3.0f / 2.0f - 2.0f);
}

TEST(Penalties, WindowIsLastN) {
  SamplingParams p;
  p.presence_penalty = 1.0f;
  p.penalty_last_n = 2;
  std::vector<float> logits = {0.0f, 0.0f, 0.0f};
  PenaltyScratch scratch(3);
  std::vector<int32_t> history = {0, 1, 2};  // only 1 and 2 are in the window
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_THAT(logits, ElementsAre(0.0f, -1.0f, -1.0f));

  p.penalty_last_n = -1;  // whole history
  logits = {0.0f, 0.0f, 0.0f};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_THAT(logits, ElementsAre(-1.0f, -1.0f, -1.0f));

  p.penalty_last_n = 0;  // none
  logits = {0.0f, 0.0f, 0.0f};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_THAT(logits, ElementsAre(0.0f, 0.0f, 0.0f));
}

TEST(Penalties, ScratchIsResetBetweenCalls) {
  SamplingParams p;
  p.frequency_penalty = 1.0f;
  PenaltyScratch scratch(2);
  std::vector<int32_t> history = {1, 1};
  for (int i = 0; i < 3; ++i) {
    std::vector<float> logits = {0.0f, 0.0f};
    ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
    EXPECT_THAT(logits, ElementsAre(0.0f, -2.0f)) << "call " << i;
  }
}

TEST(Penalties, OutOfRangeHistoryIdsAreSkipped) {
  SamplingParams p;
  p.presence_penalty = 1.0f;
  std::vector<float> logits = {0.0f, 0.0f};
  PenaltyScratch scratch(2);
  std::vector<int32_t> history = {-1, 5, 1};
  ApplyPenalties(p, history, absl::MakeSpan(logits), &scratch);
  EXPECT_THAT(logits, ElementsAre(0.0f, -1.0f));
}

TEST(Sampler, PenaltyChangesTheGreedyChoice) {
  SamplingParams p;
  p.temperature = 0.0f;
  p.repetition_penalty = 1.5f;
  auto s = Make(p, 3);
  std::vector<float> logits = {1.0f, 1.2f, 0.5f};
  EXPECT_EQ(s->Sample(logits, {}).id, 1);
  std::vector<int32_t> history = {1};  // 1.2 / 1.5 = 0.8 < 1.0
  EXPECT_EQ(s->Sample(logits, history).id, 0);
}

// ---- logit bias -------------------------------------------------------------------------------

TEST(Sampler, LogitBiasBanNeverSampled) {
  std::vector<float> logits = {10.0f, 0.0f, 0.0f};
  SamplingParams p;
  p.logit_bias = {{0, -100.0f}};
  EXPECT_EQ(DrawnOverSeeds(p, logits, 200), (std::set<int32_t>{1, 2}));
  p.temperature = 0.0f;
  auto s = Make(p, 3);
  SampledToken t = s->Sample(logits, {});
  EXPECT_EQ(t.id, 1);
  EXPECT_NEAR(t.logprob, std::log(0.5f), 1e-6f);
}

TEST(Sampler, LogitBiasAddsToLogit) {
  SamplingParams p;
  p.temperature = 0.0f;
  p.logit_bias = {{2, 5.0f}, {2, 0.5f}};  // same id twice: they add up
  auto s = Make(p, 3);
  EXPECT_EQ(s->Sample(std::vector<float>{3.0f, 0.0f, -2.4f}, {}).id, 2);
  EXPECT_EQ(s->Sample(std::vector<float>{3.2f, 0.0f, -2.4f}, {}).id, 0);
}

TEST(LogitProcessing, BiasAndSanitize) {
  std::vector<float> in = {kNaN, std::numeric_limits<float>::infinity(), 1.0f, 2.0f};
  std::vector<float> out(4);
  SanitizeLogits(in, absl::MakeSpan(out));
  EXPECT_EQ(out[0], kNegInf);
  EXPECT_EQ(out[1], std::numeric_limits<float>::max());
  std::vector<std::pair<int32_t, float>> bias = {{2, -150.0f}, {3, 1.5f}, {9, 1.0f}};
  ApplyLogitBias(bias, absl::MakeSpan(out));
  EXPECT_EQ(out[2], kNegInf);
  EXPECT_EQ(out[3], 3.5f);
}

// ---- NaN / degenerate ---------------------------------------------------------------------------

TEST(Sampler, NanLogitsAreNeverChosen) {
  std::vector<float> logits = {kNaN, 0.0f, kNaN, 0.5f};
  SamplingParams p;
  EXPECT_EQ(DrawnOverSeeds(p, logits, 200), (std::set<int32_t>{1, 3}));
  p.temperature = 0.0f;
  EXPECT_EQ(Make(p, 4)->Sample(logits, {}).id, 3);
}

TEST(Sampler, InfiniteLogitWins) {
  std::vector<float> logits = {0.0f, std::numeric_limits<float>::infinity(), 3.0f};
  SamplingParams p;
  EXPECT_EQ(DrawnOverSeeds(p, logits, 100), (std::set<int32_t>{1}));
}

TEST(Sampler, AllNanFallsBackToLowestUnbannedId) {
  std::vector<float> logits = {kNaN, kNaN, kNaN};
  SamplingParams p;
  p.logit_bias = {{0, -100.0f}};
  p.top_logprobs = 3;
  auto s = Make(p, 3);
  SampledToken t = s->Sample(logits, {});
  EXPECT_EQ(t.id, 1);
  EXPECT_EQ(t.logprob, kNegInf);
  EXPECT_TRUE(t.top.empty());
  EXPECT_TRUE(s->Candidates(logits, {}).empty());
}

TEST(Sampler, ShortLogitsReadAsMinusInfinity) {
  SamplingParams p;
  auto s = Make(p, 4);
  std::vector<float> logits = {0.0f, 1.0f};  // ids 2, 3 missing
  EXPECT_THAT(CandidateIds(*s, logits), ElementsAre(0, 1));
}

// ---- determinism ------------------------------------------------------------------------------

std::vector<int32_t> Generate(const SamplingParams& p, int steps) {
  auto s = Make(p, 50);
  std::vector<int32_t> out;
  std::vector<float> logits(50);
  for (int step = 0; step < steps; ++step) {
    for (int i = 0; i < 50; ++i) logits[i] = std::sin(static_cast<float>(i * 7 + step));
    out.push_back(s->Sample(logits, out).id);
  }
  return out;
}

TEST(Sampler, SameSeedSameTokens) {
  SamplingParams p;
  p.seed = 1234;
  p.top_k = 20;
  p.top_p = 0.95f;
  p.repetition_penalty = 1.1f;
  EXPECT_EQ(Generate(p, 64), Generate(p, 64));
}

TEST(Sampler, DifferentSeedsDiffer) {
  SamplingParams p;
  p.seed = 1;
  std::vector<int32_t> a = Generate(p, 64);
  p.seed = 2;
  std::vector<int32_t> b = Generate(p, 64);
  EXPECT_NE(a, b);
}

TEST(Sampler, CandidatesDoesNotAdvanceThePrng) {
  std::vector<float> logits(50);
  for (int i = 0; i < 50; ++i) logits[i] = std::cos(static_cast<float>(i));
  SamplingParams p;
  p.seed = 5;
  auto a = Make(p, 50);
  auto b = Make(p, 50);
  for (int i = 0; i < 20; ++i) {
    b->Candidates(logits, {});
    EXPECT_EQ(a->Sample(logits, {}).id, b->Sample(logits, {}).id);
  }
}

// ---- logprobs ---------------------------------------------------------------------------------

TEST(Sampler, LogprobsSumToOneAndAreOrdered) {
  std::vector<float> logits = {0.3f, 2.0f, -1.0f, 2.0f, 0.7f, 1.5f};
  SamplingParams p;
  p.top_logprobs = 6;
  p.temperature = 0.3f;  // logprobs ignore temperature
  p.top_k = 1;           // and truncation
  auto s = Make(p, 6);
  SampledToken t = s->Sample(logits, {});
  ASSERT_EQ(t.top.size(), 6u);
  double sum = 0.0;
  for (size_t i = 0; i < t.top.size(); ++i) {
    sum += std::exp(static_cast<double>(t.top[i].second));
    if (i > 0) {
      EXPECT_GE(t.top[i - 1].second, t.top[i].second);
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_EQ(t.top[0].first, 1);  // tie with 3: lower id first
  EXPECT_EQ(t.top[1].first, 3);
  EXPECT_EQ(t.top[2].first, 5);
  EXPECT_EQ(t.top[5].first, 2);
  EXPECT_EQ(t.id, 1);  // top_k = 1 keeps the lower id of the tie
  double log_z = 0.0;
  for (float l : logits) log_z += std::exp(static_cast<double>(l));
  log_z = std::log(log_z);
  EXPECT_NEAR(t.logprob, 2.0 - log_z, 1e-5);
  EXPECT_NEAR(t.top[5].second, -1.0 - log_z, 1e-5);
}

TEST(Sampler, TopLogprobsTruncatedToN) {
  std::vector<float> logits = {0.0f, 1.0f, 2.0f, 3.0f, 4.0f};
  SamplingParams p;
  p.top_logprobs = 2;
  p.temperature = 0.0f;
  SampledToken t = Make(p, 5)->Sample(logits, {});
  ASSERT_EQ(t.top.size(), 2u);
  EXPECT_EQ(t.top[0].first, 4);
  EXPECT_EQ(t.top[1].first, 3);
  EXPECT_FLOAT_EQ(t.top[0].second, t.logprob);
  p.top_logprobs = 0;
  EXPECT_TRUE(Make(p, 5)->Sample(logits, {}).top.empty());
}

TEST(Sampler, LogprobsSeePenaltiesAndBias) {
  std::vector<float> logits = {1.0f, 1.0f};
  SamplingParams p;
  p.top_logprobs = 2;
  p.presence_penalty = 1.0f;
  p.logit_bias = {{1, 0.5f}};
  std::vector<int32_t> history = {0};
  SampledToken t = Make(p, 2)->Sample(logits, history);
  // Logits become 0 and 1.5.
  ASSERT_EQ(t.top.size(), 2u);
  EXPECT_EQ(t.top[0].first, 1);
  EXPECT_NEAR(t.top[0].second - t.top[1].second, 1.5f, 1e-6f);
}

TEST(Sampler, BannedTokensAreNotInTopLogprobs) {
  SamplingParams p;
  p.top_logprobs = 5;
  p.logit_bias = {{0, -100.0f}};
  SampledToken t = Make(p, 3)->Sample(std::vector<float>{5.0f, 1.0f, 2.0f}, {});
  EXPECT_EQ(t.top.size(), 2u);
  EXPECT_EQ(t.top[0].first, 2);
}

// ---- validation -------------------------------------------------------------------------------

absl::Status Check(void (*mutate)(SamplingParams&), int32_t n_vocab = 100) {
  SamplingParams p;
  mutate(p);
  return ValidateSamplingParams(p, n_vocab);
}

TEST(Validate, DefaultsAreValid) { EXPECT_TRUE(ValidateSamplingParams({}, 100).ok()); }

TEST(Validate, EachFieldNamedWithItsRange) {
  struct Case {
    void (*mutate)(SamplingParams&);
    const char* message;
  };
  const Case cases[] = {
      {[](SamplingParams& p) { p.temperature = -0.1f; }, "temperature must be in [0, 100]"},
      {[](SamplingParams& p) { p.temperature = kNaN; }, "temperature must be in [0, 100]"},
      {[](SamplingParams& p) { p.top_k = -1; }, "top_k must be >= 0"},
      {[](SamplingParams& p) { p.top_p = 0.0f; }, "top_p must be in (0, 1], got 0"},
      {[](SamplingParams& p) { p.top_p = 1.5f; }, "top_p must be in (0, 1], got 1.5"},
      {[](SamplingParams& p) { p.min_p = -0.5f; }, "min_p must be in [0, 1]"},
      {[](SamplingParams& p) { p.repetition_penalty = 0.0f; },
       "repetition_penalty must be in (0, 10]"},
      {[](SamplingParams& p) { p.frequency_penalty = 2.5f; },
       "frequency_penalty must be in [-2, 2]"},
      {[](SamplingParams& p) { p.presence_penalty = -3.0f; },
       "presence_penalty must be in [-2, 2]"},
      {[](SamplingParams& p) { p.penalty_last_n = -2; }, "penalty_last_n must be >= -1"},
      {[](SamplingParams& p) { p.top_logprobs = 21; }, "top_logprobs must be in [0, 20], got 21"},
      {[](SamplingParams& p) {
         p.logit_bias = {{100, 1.0f}};
       },
       "logit_bias token id 100 is out of range [0, 100)"},
      {[](SamplingParams& p) {
         p.logit_bias = {{-1, 1.0f}};
       },
       "logit_bias token id -1 is out of range"},
      {[](SamplingParams& p) {
         p.logit_bias = {{3, 101.0f}};
       },
       "logit_bias for token 3 must be in [-100, 100]"},
      {[](SamplingParams& p) {
         p.logit_bias = {{3, kNaN}};
       },
       "logit_bias for token 3 must be in [-100, 100]"},
  };
  for (const Case& c : cases) {
    absl::Status s = Check(c.mutate);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
  }
}

TEST(Validate, BoundariesAreValid) {
  EXPECT_TRUE(Check([](SamplingParams& p) {
                p.temperature = 0.0f;
                p.top_p = 1.0f;
                p.min_p = 1.0f;
                p.top_logprobs = 20;
                p.penalty_last_n = -1;
                p.frequency_penalty = -2.0f;
                p.presence_penalty = 2.0f;
                p.logit_bias = {{0, -std::numeric_limits<float>::infinity()}, {99, 100.0f}};
              }).ok());
}

TEST(Validate, BanningTheWholeVocabularyIsRejected) {
  SamplingParams p;
  p.logit_bias = {{0, -100.0f}, {1, -100.0f}};
  EXPECT_THAT(std::string(ValidateSamplingParams(p, 2).message()), HasSubstr("bans every token"));
  EXPECT_TRUE(ValidateSamplingParams(p, 3).ok());
}

TEST(Validate, CreateRejectsBadParamsAndVocab) {
  SamplingParams p;
  p.top_p = 2.0f;
  EXPECT_EQ(Sampler::Create(p, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(Sampler::Create({}, 0).status().message()), HasSubstr("n_vocab"));
}

}  // namespace
}  // namespace fleet::engine::sampler
