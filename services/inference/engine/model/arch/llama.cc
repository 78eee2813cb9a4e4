// Architecture "llama" (Llama 1/2/3, Mistral, and models converted as llama):
// normal (adjacent-pair) rope, optional Q/K/V biases (as in llama.cpp), and
// optional per-dimension rope frequency factors (Llama 3.1's rope_freqs.weight).
//
// llama.cpp's converter permutes the rows of Q and K so that ggml's
// adjacent-pair rope reproduces the Hugging Face rotate-half rope, so the
// engine simply applies normal-style rope here.
#include "services/inference/engine/model/arch/arch.h"

namespace fleet::engine::model {

const ArchSpec& LlamaArch() {
  static constexpr ArchSpec kSpec{
      .name = "llama",
      .rope_style = kernels::RopeStyle::kNormal,
      .qkv_bias = Presence::kOptional,
      .rope_freqs = Presence::kOptional,
  };
  return kSpec;
}

}  // namespace fleet::engine::model
