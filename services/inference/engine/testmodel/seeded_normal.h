#pragma once
// Seeded standard-normal numbers that are the same on every platform and
// standard library: splitmix64 for the bits, Box-Muller for the shape
// (std::normal_distribution's algorithm is implementation-defined).
//
// Thread safety: none; one generator per thread.

#include <cmath>
#include <cstdint>
#include <numbers>

namespace fleet::engine::testmodel {

class SeededNormal {
 public:
  explicit SeededNormal(uint64_t seed) : state_(seed) {}

  // The next N(0, 1) sample.
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // u1 in (0, 1] so that log(u1) is finite; u2 in [0, 1).
    const double u1 = (static_cast<double>(NextBits() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(NextBits() >> 11) * 0x1.0p-53;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  uint64_t NextBits() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace fleet::engine::testmodel
