#include "services/inference/engine/tokenizer/utf8.h"

#include "absl/strings/str_cat.h"

namespace fleet::engine::tokenizer {
namespace {

inline bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// The valid range of the second byte of a sequence led by `lead`
// (Unicode Table 3-7), and the total length; length 0 for a bad lead.
struct LeadInfo {
  size_t length;
  uint8_t second_lo;
  uint8_t second_hi;
};

LeadInfo InfoForLead(uint8_t lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// The number of bytes starting at pos that form a valid prefix of a
// sequence (the maximal subpart); at least 1 when the lead is bad.
size_t MaximalPrefix(absl::string_view text, size_t pos, bool* complete) {
  const uint8_t lead = static_cast<uint8_t>(text[pos]);
  const LeadInfo info = InfoForLead(lead);
  *complete = false;
  if (info.length == 0) return 1;
  if (info.length == 1) {
    *complete = true;
    return 1;
  }
  size_t n = 1;
  for (; n < info.length && pos + n < text.size(); ++n) {
    const uint8_t b = static_cast<uint8_t>(text[pos + n]);
    if (n == 1 ? (b < info.second_lo || b > info.second_hi) : !IsContinuation(b)) break;
  }
  *complete = n == info.length;
  return n;
}

}  // namespace

size_t Utf8SequenceLength(absl::string_view text, size_t pos) {
  bool complete = false;
  const size_t n = MaximalPrefix(text, pos, &complete);
  return complete ? n : 0;
}

absl::Status ValidateUtf8(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t n = Utf8SequenceLength(text, pos);
    if (n == 0) {
      return absl::InvalidArgumentError(absl::StrCat("invalid UTF-8 at byte offset ", pos));
    }
    pos += n;
  }
  return absl::OkStatus();
}

uint32_t DecodeUtf8(absl::string_view text, size_t pos, size_t len) {
  const auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(text[pos + i]));
  };
  switch (len) {
    case 1:
      return byte(0);
    case 2:
      return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3:
      return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default:
      return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
             (byte(3) & 0x3F);
  }
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t IncompleteUtf8TailLength(absl::string_view bytes) {
  // An incomplete sequence is at most 3 bytes: look for its lead among the
  // last 3 bytes.
  const size_t n = bytes.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const size_t pos = n - back;
    const uint8_t b = static_cast<uint8_t>(bytes[pos]);
    if (IsContinuation(b)) continue;
    bool complete = false;
    const size_t prefix = MaximalPrefix(bytes, pos, &complete);
    if (!complete && InfoForLead(b).length > 1 && prefix == back) return back;
    return 0;
  }
  return 0;
}

std::string SanitizeUtf8(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    bool complete = false;
    const size_t n = MaximalPrefix(bytes, pos, &complete);
    if (complete) {
      out.append(bytes.data() + pos, n);
    } else {
      out.append("\xEF\xBF\xBD");
    }
    pos += n;
  }
  return out;
}

}  // namespace fleet::engine::tokenizer
