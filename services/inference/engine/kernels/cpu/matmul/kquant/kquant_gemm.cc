// Portable K-quant gemm (plain C++; the compiler vectorises the 16-element
// integer dots). Each weight block is decoded once to unsigned quants plus
// integer sub-block scales and reused for every activation column.
#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/quant/block_layout.h"

namespace fleet::engine::kernels::cpu::kquant_detail {
namespace {

// One weight block in a form shared by the three types: value i is
// scale[i / 16] * q[i], minus (in the dot) min[g] times the activation
// block's bsums[g] weighted by dmin (Q4_K, Q5_K) or by 32 * d in the integer
// sum (Q6_K, kFoldMin).
struct Unpacked {
  uint8_t q[kQK];
  int32_t scale[16];
  int32_t min[16];
  float d;
  float dmin;
};

void UnpackScalesQ4Q5(const uint8_t* blk, Unpacked* u) {
  u->d = quant::LoadHalf(blk);
  u->dmin = quant::LoadHalf(blk + 2);
  for (int s = 0; s < 8; ++s) {
    uint8_t sc, m;
    quant::UnpackScaleMinK4(s, blk + quant::kQ4_KScalesOffset, &sc, &m);
    u->scale[2 * s] = u->scale[2 * s + 1] = sc;
    u->min[2 * s] = u->min[2 * s + 1] = m;
  }
}

void UnpackQ4K(const uint8_t* blk, Unpacked* u) {
  UnpackScalesQ4Q5(blk, u);
  const uint8_t* qs = blk + quant::kQ4_KQsOffset;
  for (int chunk = 0; chunk < 4; ++chunk) {
    for (int l = 0; l < 32; ++l) {
      u->q[64 * chunk + l] = qs[32 * chunk + l] & 0xF;
      u->q[64 * chunk + 32 + l] = qs[32 * chunk + l] >> 4;
    }
  }
}

void UnpackQ5K(const uint8_t* blk, Unpacked* u) {
  UnpackScalesQ4Q5(blk, u);
  const uint8_t* qh = blk + quant::kQ5_KQhOffset;
  const uint8_t* qs = blk + quant::kQ5_KQsOffset;
  for (int chunk = 0; chunk < 4; ++chunk) {
    for (int l = 0; l < 32; ++l) {
      const uint8_t lo_high = static_cast<uint8_t>(((qh[l] >> (2 * chunk)) & 1) << 4);
      const uint8_t hi_high = static_cast<uint8_t>(((qh[l] >> (2 * chunk + 1)) & 1) << 4);
      u->q[64 * chunk + l] = (qs[32 * chunk + l] & 0xF) | lo_high;
      u->q[64 * chunk + 32 + l] = (qs[32 * chunk + l] >> 4) | hi_high;
    }
  }
}

void UnpackQ6K(const uint8_t* blk, Unpacked* u) {
  u->d = quant::LoadHalf(blk + quant::kQ6_KDOffset);
  u->dmin = 0.0f;
  const int8_t* sc = reinterpret_cast<const int8_t*>(blk + quant::kQ6_KScalesOffset);
  for (int g = 0; g < 16; ++g) u->scale[g] = u->min[g] = sc[g];
  for (int half = 0; half < 2; ++half) {
    const uint8_t* ql = blk + 64 * half;
    const uint8_t* qh = blk + quant::kQ6_KQhOffset + 32 * half;
    uint8_t* q = u->q + 128 * half;
    for (int l = 0; l < 32; ++l) {
      q[l] = static_cast<uint8_t>((ql[l] & 0xF) | ((qh[l] & 3) << 4));
      q[l + 32] = static_cast<uint8_t>((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4));
      q[l + 64] = static_cast<uint8_t>((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
      q[l + 96] = static_cast<uint8_t>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
    }
  }
}

// The contribution of one weight block to one activation block.
template <bool kFoldMin>
float BlockDot(const Unpacked& u, const uint8_t* act_block) {
  float da;
  std::memcpy(&da, act_block + offsetof(ActQ8_KBlock, d), sizeof(da));
  const int8_t* qs = reinterpret_cast<const int8_t*>(act_block + offsetof(ActQ8_KBlock, qs));
  int16_t bsums[16];
  std::memcpy(bsums, act_block + offsetof(ActQ8_KBlock, bsums), sizeof(bsums));
  int32_t sumi = 0;
  int32_t summ = 0;
  for (int g = 0; g < 16; ++g) {
    int32_t dot = 0;
    for (int i = 0; i < 16; ++i) dot += u.q[16 * g + i] * qs[16 * g + i];
    sumi += u.scale[g] * dot;
    summ += u.min[g] * bsums[g];
  }
  if constexpr (kFoldMin) {
    return (u.d * da) * static_cast<float>(sumi - 32 * summ);
  } else {
    return (u.d * da) * static_cast<float>(sumi) - (u.dmin * da) * static_cast<float>(summ);
  }
}

template <size_t kBlockBytes, void (*kUnpack)(const uint8_t*, Unpacked*), bool kFoldMin>
void Gemm(const GemmArgs& args) {
  const int64_t nb = args.n / kQK;
  for (int64_t r = 0; r < args.n_rows; ++r) {
    const uint8_t* row = args.w + r * args.w_stride;
    float acc[kMaxTileCols] = {};
    for (int64_t b = 0; b < nb; ++b) {
      Unpacked u;
      kUnpack(row + b * kBlockBytes, &u);
      const uint8_t* act = args.act + b * sizeof(ActQ8_KBlock);
      for (int64_t c = 0; c < args.n_cols; ++c) {
        acc[c] += BlockDot<kFoldMin>(u, act + c * args.act_stride);
      }
    }
    for (int64_t c = 0; c < args.n_cols; ++c) args.out[c * args.out_stride + r] = acc[c];
  }
}

}  // namespace

void GemmQ4KPortable(const GemmArgs& args) {
  Gemm<quant::kQ4_KBlockBytes, &UnpackQ4K, false>(args);
}
void GemmQ5KPortable(const GemmArgs& args) {
  Gemm<quant::kQ5_KBlockBytes, &UnpackQ5K, false>(args);
}
void GemmQ6KPortable(const GemmArgs& args) { Gemm<quant::kQ6_KBlockBytes, &UnpackQ6K, true>(args); }

}  // namespace fleet::engine::kernels::cpu::kquant_detail
