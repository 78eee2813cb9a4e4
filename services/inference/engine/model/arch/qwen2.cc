// Architecture "qwen2" (Qwen2, Qwen2.5, DeepSeek-R1-Distill-Qwen): NeoX
// rope (pairs (i, i + n_rot/2)), biases on the Q, K and V projections.
#include "services/inference/engine/model/arch/arch.h"

namespace fleet::engine::model {

const ArchSpec& Qwen2Arch() {
  static constexpr ArchSpec kSpec{
      .name = "qwen2",
      .rope_style = kernels::RopeStyle::kNeox,
      .qkv_bias = Presence::kRequired,
      .rope_freqs = Presence::kAbsent,
  };
  return kSpec;
}

}  // namespace fleet::engine::model
