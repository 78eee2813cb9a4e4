#include "tests/services/inference/engine/model/reference/relative_error.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace fleet::engine::testing {
namespace {

TEST(MaxRelativeErrorTest, LargestDifferenceOverLargestReference) {
  const std::vector<float> got = {1.0f, 2.0f, -4.0f};
  const std::vector<double> want = {1.5, 2.0, -5.0};
  // max diff 1 (last element), max |want| 5.
  EXPECT_DOUBLE_EQ(MaxRelativeError(got, want), 0.2);
}

TEST(MaxRelativeErrorTest, EqualIsZero) {
  const std::vector<float> got = {0.5f, -0.25f};
  const std::vector<double> want = {0.5, -0.25};
  EXPECT_EQ(MaxRelativeError(got, want), 0.0);
  EXPECT_EQ(MaxRelativeError({}, {}), 0.0);
}

TEST(MaxRelativeErrorTest, ZeroReferenceMakesAnyDifferenceHuge) {
  const std::vector<float> got = {1e-6f, 0};
  const std::vector<double> want = {0, 0};
  EXPECT_GT(MaxRelativeError(got, want), 1e20);
  const std::vector<float> zeros = {0, 0};
  EXPECT_EQ(MaxRelativeError(zeros, want), 0.0);
}

TEST(MaxRelativeErrorTest, MismatchOrNonFiniteIsInfinite) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(MaxRelativeError(std::vector<float>{1}, std::vector<double>{1, 2}), inf);
  EXPECT_EQ(MaxRelativeError(std::vector<float>{std::nanf("")}, std::vector<double>{1}), inf);
  EXPECT_EQ(MaxRelativeError(std::vector<float>{1}, std::vector<double>{inf}), inf);
}

}  // namespace
}  // namespace fleet::engine::testing
