#pragma once
// Constants of the GGUF container format shared by the reader and the writer.
// The byte layout is described in docs/engine.md ("GGUF, byte by byte").

#include <cstdint>

namespace fleet::engine::gguf {

inline constexpr char kGgufMagic[4] = {'G', 'G', 'U', 'F'};
inline constexpr uint32_t kGgufMinVersion = 2;
inline constexpr uint32_t kGgufMaxVersion = 3;
// Alignment of the data section and of every tensor offset when the file
// has no general.alignment key.
inline constexpr uint32_t kGgufDefaultAlignment = 32;
inline constexpr char kGgufAlignmentKey[] = "general.alignment";
// ggml tensors have at most 4 dimensions.
inline constexpr uint32_t kGgufMaxDims = 4;
// Arrays may nest (an array of arrays) at most this many levels deep.
inline constexpr int kGgufMaxArrayDepth = 8;

// Lower bounds on encoded sizes, used to reject a count before anything is
// allocated for it: count > remaining / min_bytes is an error.
inline constexpr uint64_t kGgufMinKeyValueBytes = 8 + 4 + 1;  // key length, type, uint8
inline constexpr uint64_t kGgufMinTensorInfoBytes =
    8 + 1 + 4 + 8 + 4 + 8;                             // name, n_dims, 1 dim, type, offset
inline constexpr uint64_t kGgufMinArrayBytes = 4 + 8;  // element type, count

}  // namespace fleet::engine::gguf
