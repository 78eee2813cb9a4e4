#include "tests/services/inference/engine/model/reference/reference_rope.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace fleet::engine::testing {
namespace {

constexpr double kTol = 1e-15;

// head = (1, 0, 0, 1), n_rot = 4, base 10000: pair 0 turns by pos * 1 rad,
// pair 1 by pos * 10000^(-2/4) = pos * 0.01 rad.
TEST(ReferenceRopeTest, NormalRotatesAdjacentPairs) {
  std::vector<double> head = {1, 0, 0, 1};
  ApplyRope(RopeStyle::kNormal, absl::MakeSpan(head), 4, /*pos=*/1, 10000, {}, 1);
  // (1, 0) by 1 rad -> (cos 1, sin 1); (0, 1) by 0.01 rad -> (-sin 0.01, cos 0.01).
  EXPECT_NEAR(head[0], std::cos(1.0), kTol);
  EXPECT_NEAR(head[1], std::sin(1.0), kTol);
  EXPECT_NEAR(head[2], -std::sin(0.01), kTol);
  EXPECT_NEAR(head[3], std::cos(0.01), kTol);
}

TEST(ReferenceRopeTest, NeoxRotatesHalves) {
  std::vector<double> head = {1, 0, 0, 1};
  ApplyRope(RopeStyle::kNeox, absl::MakeSpan(head), 4, /*pos=*/1, 10000, {}, 1);
  // Pair (0, 2) = (1, 0) by 1 rad; pair (1, 3) = (0, 1) by 0.01 rad.
  EXPECT_NEAR(head[0], std::cos(1.0), kTol);
  EXPECT_NEAR(head[2], std::sin(1.0), kTol);
  EXPECT_NEAR(head[1], -std::sin(0.01), kTol);
  EXPECT_NEAR(head[3], std::cos(0.01), kTol);
}

TEST(ReferenceRopeTest, PositionZeroIsIdentity) {
  for (RopeStyle style : {RopeStyle::kNormal, RopeStyle::kNeox}) {
    std::vector<double> head = {0.5, -1, 2, 3};
    ApplyRope(style, absl::MakeSpan(head), 4, /*pos=*/0, 10000, {}, 1);
    EXPECT_EQ(head, (std::vector<double>{0.5, -1, 2, 3}));
  }
}

TEST(ReferenceRopeTest, AngleGrowsWithPositionAndBase) {
  // pos 3, base 100, n_rot 4: pair 0 angle 3, pair 1 angle 3 * 100^(-1/2) = 0.3.
  std::vector<double> head = {0, 2, 1, 0};
  ApplyRope(RopeStyle::kNormal, absl::MakeSpan(head), 4, /*pos=*/3, 100, {}, 1);
  EXPECT_NEAR(head[0], -2 * std::sin(3.0), kTol);
  EXPECT_NEAR(head[1], 2 * std::cos(3.0), kTol);
  EXPECT_NEAR(head[2], std::cos(0.3), kTol);
  EXPECT_NEAR(head[3], std::sin(0.3), kTol);
}

TEST(ReferenceRopeTest, PartialRotationLeavesTheRest) {
  // n_rot 2 of head size 6: only pair 0 turns (NeoX pairs (0, 1) here).
  for (RopeStyle style : {RopeStyle::kNormal, RopeStyle::kNeox}) {
    std::vector<double> head = {1, 0, 7, 8, 9, 10};
    ApplyRope(style, absl::MakeSpan(head), 2, /*pos=*/2, 10000, {}, 1);
    EXPECT_NEAR(head[0], std::cos(2.0), kTol);
    EXPECT_NEAR(head[1], std::sin(2.0), kTol);
    EXPECT_EQ(head[2], 7);
    EXPECT_EQ(head[3], 8);
    EXPECT_EQ(head[4], 9);
    EXPECT_EQ(head[5], 10);
  }
}

TEST(ReferenceRopeTest, FreqFactorsAndLinearFactorDivideTheAngle) {
  // pos 2; pair 0: 2 / 4 (factor) / 2 (linear) = 0.25;
  // pair 1: 2 * 0.01 / 0.5 / 2 = 0.02.
  std::vector<double> head = {1, 0, 1, 0};
  const std::vector<double> factors = {4, 0.5};
  ApplyRope(RopeStyle::kNormal, absl::MakeSpan(head), 4, /*pos=*/2, 10000, factors, 2);
  EXPECT_NEAR(head[0], std::cos(0.25), kTol);
  EXPECT_NEAR(head[1], std::sin(0.25), kTol);
  EXPECT_NEAR(head[2], std::cos(0.02), kTol);
  EXPECT_NEAR(head[3], std::sin(0.02), kTol);
}

}  // namespace
}  // namespace fleet::engine::testing
