#include "services/inference/engine/tokenizer/byte_level.h"

#include <array>

#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {
namespace {

bool MapsToItself(uint32_t b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Tables {
  std::array<std::string, 256> byte_to_text;
  std::array<int16_t, 512> code_point_to_byte;  // -1 when not in the alphabet
  Tables() {
    code_point_to_byte.fill(-1);
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t cp = MapsToItself(b) ? b : next++;
      AppendUtf8(cp, byte_to_text[b]);
      code_point_to_byte[cp] = static_cast<int16_t>(b);
    }
  }
};

const Tables& GetTables() {
  static const Tables* const tables = new Tables();
  return *tables;
}

}  // namespace

const std::string& ByteToUnicode(uint8_t b) { return GetTables().byte_to_text[b]; }

void AppendByteLevelEncoded(absl::string_view bytes, std::string& out) {
  const Tables& t = GetTables();
  for (char c : bytes) out.append(t.byte_to_text[static_cast<uint8_t>(c)]);
}

std::string ByteLevelDecode(absl::string_view text) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t len = Utf8SequenceLength(text, pos);
    if (len == 0) {  // not UTF-8: copy the byte through
      out.push_back(text[pos++]);
      continue;
    }
    const uint32_t cp = DecodeUtf8(text, pos, len);
    if (cp < t.code_point_to_byte.size() && t.code_point_to_byte[cp] >= 0) {
      out.push_back(static_cast<char>(t.code_point_to_byte[cp]));
    } else {
      out.append(text.data() + pos, len);
    }
    pos += len;
  }
  return out;
}

}  // namespace fleet::engine::tokenizer
