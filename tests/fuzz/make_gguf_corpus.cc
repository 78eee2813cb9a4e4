// Writes the GGUF seed corpus (tests/fuzz/corpus/gguf/) from the test
// samples: every valid sample as valid_<name>.gguf and a selection of the
// malformed ones as invalid_<name>.gguf. Run by hand after changing the
// samples:  build/release/bin/make_gguf_corpus tests/fuzz/corpus/gguf
// (engine_gguf_test checks that the committed files are up to date).

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "tests/services/inference/engine/gguf/gguf_samples.h"

int main(int argc, char** argv) {
  using fleet::engine::gguf::testing::GgufSample;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 1;
  }
  const std::set<std::string> kInvalid = {"bad_magic",
                                          "version_1",
                                          "big_endian",
                                          "absurd_kv_count",
                                          "absurd_tensor_count",
                                          "absurd_key_length",
                                          "absurd_string_length",
                                          "absurd_array_count",
                                          "absurd_string_array_count",
                                          "nested_depth_9",
                                          "invalid_value_type",
                                          "bad_bool_in_array",
                                          "duplicate_key",
                                          "alignment_not_power_of_two",
                                          "n_dims_5",
                                          "zero_dim",
                                          "dims_product_overflow",
                                          "row_not_multiple_of_block",
                                          "unsupported_type",
                                          "misaligned_offset",
                                          "offset_overflow",
                                          "tensor_past_eof",
                                          "duplicate_tensor_name"};
  int written = 0;
  auto write = [&](const std::string& name, const GgufSample& s) {
    const std::string path = std::string(argv[1]) + "/" + name + ".gguf";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(s.bytes.data()),
              static_cast<std::streamsize>(s.bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return false;
    }
    ++written;
    return true;
  };
  for (const GgufSample& s : fleet::engine::gguf::testing::ValidSamples()) {
    if (!write(s.name, s)) return 1;
  }
  for (const GgufSample& s : fleet::engine::gguf::testing::MalformedSamples()) {
    if (kInvalid.count(s.name) != 0 && !write("invalid_" + s.name, s)) return 1;
  }
  std::printf("wrote %d files to %s\n", written, argv[1]);
  return 0;
}
