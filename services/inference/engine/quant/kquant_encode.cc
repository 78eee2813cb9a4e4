#include "services/inference/engine/quant/kquant_encode.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/fp16.h"

// The search runs in double so that no intermediate overflows for any finite
// float input; the final quants are chosen against the exact float values the
// decoder will compute (d*sc, dmin*m in float), so the error we minimise is
// the error the decoder shows.

namespace fleet::engine::quant::internal {
namespace {

constexpr double kHalfMax = 65504.0;

// The fp16 super-block scale for sub-block scales whose largest magnitude is
// `largest` (signed), to be coded as `code` (e.g. 63, or -128 for Q6_K):
// largest / code rounded to fp16, clamped to the largest finite fp16
// magnitude; moved one fp16 step away from zero when rounding made it so
// small that the largest code would saturate, and never rounded to zero when
// it is not zero (tiny data then still gets a subnormal scale).
uint16_t SuperScale(double largest, double code) {
  const double d = std::clamp(largest / code, -kHalfMax, kHalfMax);
  uint16_t h = FloatToHalf(static_cast<float>(d));
  const uint16_t magnitude = h & 0x7FFF;
  const double dq = HalfToFloat(h);
  const bool saturates = dq != 0.0 && std::fabs(largest / dq) > std::fabs(code) + 0.5;
  if (d != 0.0 && (magnitude == 0 || saturates) && magnitude < 0x7BFF) ++h;
  return h;
}

// v rounded to the nearest integer (halves up), clamped to [lo, hi]. Clamps
// first, so the conversion never overflows; cheaper than std::round, which
// matters in the search loops.
// Branch-free so the search loops vectorise; `v` must not be NaN (callers
// only pass finite products: inputs are finite, inverse scales bounded).
inline int RoundClamp(double v, int lo, int hi) {
  const double c = std::min(std::max(v, static_cast<double>(lo)), static_cast<double>(hi));
  return static_cast<int>(c - lo + 0.5) + lo;  // c - lo >= 0: truncation is floor
}

// ---- Q4_K / Q5_K: x = (d*sc)*q - (dmin*m), q in [0, nmax] ----

struct AffineFit {
  double scale = 0.0;  // >= 0
  double min = 0.0;    // >= 0; the sub-block's values are scale*q - min
};

// One pass over a sub-block with the model (scale, min): the squared error of
// its quants, and the sums a least-squares refit of those quants needs.
struct AffinePass {
  double err = 0, sq = 0, sqq = 0, sxq = 0;
};

AffinePass EvalAffine(const float* x, int n, int nmax, const AffineFit& fit) {
  AffinePass p;
  const double inv = fit.scale > 0.0 ? 1.0 / fit.scale : 0.0;
  for (int i = 0; i < n; ++i) {
    const int q = RoundClamp((x[i] + fit.min) * inv, 0, nmax);
    const double e = fit.scale * q - fit.min - x[i];
    p.err += e * e;
    p.sq += q;
    p.sqq += static_cast<double>(q) * q;
    p.sxq += static_cast<double>(x[i]) * q;
  }
  return p;
}

// Least-squares (scale, min) for the quants of pass `p` (sx = sum of x), with
// min >= 0 enforced. Returns false when degenerate (all quants equal).
bool RefitAffine(const AffinePass& p, double sx, int n, AffineFit* fit) {
  const double det = n * p.sqq - p.sq * p.sq;
  if (det <= 0.0) return false;
  double a = (n * p.sxq - p.sq * sx) / det;
  double b = (sx - a * p.sq) / n;  // x ~ a*q + b, b = -min
  if (b > 0.0) {                   // a negative min is not representable
    b = 0.0;
    a = p.sxq / p.sqq;
  }
  if (!(a > 0.0)) return false;
  fit->scale = a;
  fit->min = -b;
  return true;
}

// Our own search for one sub-block: a grid of candidate scales over the value
// range [min(0, min x), max x]; each candidate and two successive
// least-squares refits of its quants are evaluated; the smallest squared
// error wins.
AffineFit FitAffine(const float* x, int n, int nmax) {
  double lo = 0.0;
  double hi = -HUGE_VAL;
  double sx = 0.0;
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, static_cast<double>(x[i]));
    hi = std::max(hi, static_cast<double>(x[i]));
    sx += x[i];
  }
  AffineFit best;
  best.min = -lo;
  if (!(hi > lo)) return best;  // constant (<= 0) sub-block: scale 0 is exact
  double best_err = HUGE_VAL;
  for (int step = -2; step <= 5; ++step) {
    AffineFit cand{(hi - lo) / (nmax + 0.125 * step), -lo};
    for (int iter = 0; iter < 3; ++iter) {
      const AffinePass p = EvalAffine(x, n, nmax, cand);
      if (p.err < best_err) {
        best_err = p.err;
        best = cand;
      }
      if (iter == 2 || !RefitAffine(p, sx, n, &cand)) break;
    }
  }
  return best;
}

// Squared error of sub-block `x` decoded with 6-bit codes (sc, m) against
// fp16 super-scales (d, dmin), and its quants in `q` when non-null.
double SubBlockError(const float* x, int n, int nmax, float d, float dmin, int sc, int m, int* q) {
  const float d1 = d * static_cast<float>(sc);
  const float m1 = dmin * static_cast<float>(m);
  double err = 0.0;
  const double inv = d1 > 0.0f ? 1.0 / d1 : 0.0;
  for (int i = 0; i < n; ++i) {
    const int qi = RoundClamp((static_cast<double>(x[i]) + m1) * inv, 0, nmax);
    const float y = d1 * static_cast<float>(qi) - m1;
    const double e = static_cast<double>(y) - x[i];
    err += e * e;
    if (q != nullptr) q[i] = qi;
  }
  return err;
}

// Fills d, dmin, the 6-bit codes and the quants (0..nmax) of one super-block.
struct AffineBlock {
  uint16_t d = 0;
  uint16_t dmin = 0;
  uint8_t sc[8] = {};
  uint8_t m[8] = {};
  int q[256] = {};
};

void EncodeAffineSuperBlock(const float* x, int nmax, AffineBlock* block) {
  AffineFit fits[8];
  double max_scale = 0.0;
  double max_min = 0.0;
  for (int s = 0; s < 8; ++s) {
    fits[s] = FitAffine(x + 32 * s, 32, nmax);
    max_scale = std::max(max_scale, fits[s].scale);
    max_min = std::max(max_min, fits[s].min);
  }
  block->d = SuperScale(max_scale, 63.0);
  block->dmin = SuperScale(max_min, 63.0);
  const float d = HalfToFloat(block->d);
  const float dmin = HalfToFloat(block->dmin);
  for (int s = 0; s < 8; ++s) {
    const float* xs = x + 32 * s;
    const int sc0 = d > 0.0f ? RoundClamp(fits[s].scale / d, 0, 63) : 0;
    const int m0 = dmin > 0.0f ? RoundClamp(fits[s].min / dmin, 0, 63) : 0;
    int best_sc = sc0;
    int best_m = m0;
    double best_err = SubBlockError(xs, 32, nmax, d, dmin, sc0, m0, nullptr);
    // The 6-bit rounding of the scale and min interact: try the neighbours.
    for (int sc = std::max(0, sc0 - 1); sc <= std::min(63, sc0 + 1); ++sc) {
      for (int m = std::max(0, m0 - 1); m <= std::min(63, m0 + 1); ++m) {
        const double err = SubBlockError(xs, 32, nmax, d, dmin, sc, m, nullptr);
        if (err < best_err) {
          best_err = err;
          best_sc = sc;
          best_m = m;
        }
      }
    }
    block->sc[s] = static_cast<uint8_t>(best_sc);
    block->m[s] = static_cast<uint8_t>(best_m);
    SubBlockError(xs, 32, nmax, d, dmin, best_sc, best_m, block->q + 32 * s);
  }
}

// ---- Q6_K: x = (d*sc)*(q - 32), q - 32 in [-32, 31], int8 sc ----

// Our own search for one 16-element sub-block: candidate scales map the
// element of largest magnitude near -32 or near +31; each candidate and two
// successive least-squares refits (scale = sum(x*q) / sum(q*q)) are
// evaluated; the smallest squared error wins.
double FitSymmetric(const float* x, int n) {
  double max = 0.0;  // the element of largest magnitude, with its sign
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > std::fabs(max)) max = x[i];
  }
  if (max == 0.0) return 0.0;
  double best = max / -32.0;
  double best_err = HUGE_VAL;
  for (int side = 0; side < 2; ++side) {
    const double target = side == 0 ? -32.0 : 31.0;
    for (int step = -2; step <= 2; ++step) {
      double scale = max / (target + (side == 0 ? -0.125 : 0.125) * step);
      for (int iter = 0; iter < 3; ++iter) {
        double err = 0.0, sxq = 0.0, sqq = 0.0;
        const double inv = 1.0 / scale;
        for (int i = 0; i < n; ++i) {
          const int q = RoundClamp(x[i] * inv, -32, 31);
          const double e = scale * q - x[i];
          err += e * e;
          sxq += static_cast<double>(x[i]) * q;
          sqq += static_cast<double>(q) * q;
        }
        if (err < best_err) {
          best_err = err;
          best = scale;
        }
        if (iter == 2 || sqq <= 0.0 || sxq == 0.0) break;
        scale = sxq / sqq;
      }
    }
  }
  return best;
}

double SymmetricSubBlockError(const float* x, int n, float d, int sc, int* q) {
  const float e = d * static_cast<float>(sc);
  double err = 0.0;
  const double inv = e != 0.0f ? 1.0 / e : 0.0;
  for (int i = 0; i < n; ++i) {
    const int qi = RoundClamp(static_cast<double>(x[i]) * inv, -32, 31);
    const float y = e * static_cast<float>(qi);
    const double diff = static_cast<double>(y) - x[i];
    err += diff * diff;
    if (q != nullptr) q[i] = qi;
  }
  return err;
}

}  // namespace

void EncodeQ4_K(const float* x, size_t n_blocks, uint8_t* out) {
  AffineBlock block;
  for (size_t b = 0; b < n_blocks; ++b, x += kQKK, out += kQ4_KBlockBytes) {
    EncodeAffineSuperBlock(x, 15, &block);
    StoreU16(out, block.d);
    StoreU16(out + 2, block.dmin);
    PackScaleMinK4(block.sc, block.m, out + kQ4_KScalesOffset);
    uint8_t* qs = out + kQ4_KQsOffset;
    for (int chunk = 0; chunk < 4; ++chunk) {
      for (int l = 0; l < 32; ++l) {
        const int lo = block.q[64 * chunk + l];
        const int hi = block.q[64 * chunk + 32 + l];
        qs[32 * chunk + l] = static_cast<uint8_t>(lo | (hi << 4));
      }
    }
  }
}

void EncodeQ5_K(const float* x, size_t n_blocks, uint8_t* out) {
  AffineBlock block;
  for (size_t b = 0; b < n_blocks; ++b, x += kQKK, out += kQ5_KBlockBytes) {
    EncodeAffineSuperBlock(x, 31, &block);
    StoreU16(out, block.d);
    StoreU16(out + 2, block.dmin);
    PackScaleMinK4(block.sc, block.m, out + kQ5_KScalesOffset);
    uint8_t* qh = out + kQ5_KQhOffset;
    uint8_t* qs = out + kQ5_KQsOffset;
    std::fill(qh, qh + 32, 0);
    for (int chunk = 0; chunk < 4; ++chunk) {
      for (int l = 0; l < 32; ++l) {
        const int lo = block.q[64 * chunk + l];
        const int hi = block.q[64 * chunk + 32 + l];
        qs[32 * chunk + l] = static_cast<uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
        qh[l] = static_cast<uint8_t>(qh[l] | ((lo >> 4) << (2 * chunk)) |
                                     ((hi >> 4) << (2 * chunk + 1)));
      }
    }
  }
}

void EncodeQ6_K(const float* x, size_t n_blocks, uint8_t* out) {
  for (size_t b = 0; b < n_blocks; ++b, x += kQKK, out += kQ6_KBlockBytes) {
    double scales[16];
    double max_scale = 0.0;  // the sub-block scale of largest magnitude, signed
    for (int s = 0; s < 16; ++s) {
      scales[s] = FitSymmetric(x + 16 * s, 16);
      if (std::fabs(scales[s]) > std::fabs(max_scale)) max_scale = scales[s];
    }
    // The largest scale gets code -128, the full int8 range.
    const uint16_t d_half = SuperScale(max_scale, -128.0);
    const float d = HalfToFloat(d_half);
    int8_t sc[16];
    int q[256];
    for (int s = 0; s < 16; ++s) {
      const float* xs = x + 16 * s;
      const int sc0 = d != 0.0f ? RoundClamp(scales[s] / d, -128, 127) : 0;
      int best_sc = sc0;
      double best_err = SymmetricSubBlockError(xs, 16, d, sc0, nullptr);
      for (int c = std::max(-128, sc0 - 1); c <= std::min(127, sc0 + 1); ++c) {
        const double err = SymmetricSubBlockError(xs, 16, d, c, nullptr);
        if (err < best_err) {
          best_err = err;
          best_sc = c;
        }
      }
      sc[s] = static_cast<int8_t>(best_sc);
      SymmetricSubBlockError(xs, 16, d, best_sc, q + 16 * s);
    }
    uint8_t* ql = out;
    uint8_t* qh = out + kQ6_KQhOffset;
    for (int half = 0; half < 2; ++half) {
      const int* qq = q + 128 * half;
      for (int l = 0; l < 32; ++l) {
        const int q1 = qq[l] + 32;
        const int q2 = qq[l + 32] + 32;
        const int q3 = qq[l + 64] + 32;
        const int q4 = qq[l + 96] + 32;
        ql[64 * half + l] = static_cast<uint8_t>((q1 & 0xF) | ((q3 & 0xF) << 4));
        ql[64 * half + l + 32] = static_cast<uint8_t>((q2 & 0xF) | ((q4 & 0xF) << 4));
        qh[32 * half + l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) |
                                                 ((q4 >> 4) << 6));
      }
    }
    for (int s = 0; s < 16; ++s) out[kQ6_KScalesOffset + s] = static_cast<uint8_t>(sc[s]);
    StoreU16(out + kQ6_KDOffset, d_half);
  }
}

}  // namespace fleet::engine::quant::internal
