#include "services/inference/engine/tokenizer/unicode_update.h"

namespace fleet::engine::tokenizer {
namespace {

const char* NewCodePoints(char property) {
  switch (property) {
    case 'L':
      return kNewCodePointsL;
    case 'N':
      return kNewCodePointsN;
    case 'P':
      return kNewCodePointsP;
    case 'S':
      return kNewCodePointsS;
    case 'M':
      return kNewCodePointsM;
    default:
      return nullptr;
  }
}

}  // namespace

std::string ExtendUnicodeProperties(absl::string_view regex) {
  std::string out;
  out.reserve(regex.size());
  bool in_class = false;
  size_t i = 0;
  while (i < regex.size()) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      // \p{X} with a one-letter general category we extend.
      if (regex[i + 1] == 'p' && i + 4 < regex.size() && regex[i + 2] == '{' &&
          regex[i + 4] == '}') {
        if (const char* extra = NewCodePoints(regex[i + 3])) {
          const absl::string_view escape = regex.substr(i, 5);
          if (!in_class) out.push_back('[');
          out.append(escape.data(), escape.size());
          out.append(extra);
          if (!in_class) out.push_back(']');
          i += 5;
          continue;
        }
      }
      out.append(regex.data() + i, 2);
      i += 2;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out.push_back(c);
      ++i;
      // A ']' right after '[' or '[^' is a literal.
      if (i < regex.size() && regex[i] == '^') out.push_back(regex[i++]);
      if (i < regex.size() && regex[i] == ']') out.push_back(regex[i++]);
      continue;
    }
    if (in_class && c == '[' && i + 1 < regex.size() && regex[i + 1] == ':') {
      // POSIX class [:name:] inside a class.
      const size_t end = regex.find(":]", i + 2);
      if (end != absl::string_view::npos) {
        out.append(regex.data() + i, end + 2 - i);
        i = end + 2;
        continue;
      }
    }
    if (in_class && c == ']') in_class = false;
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace fleet::engine::tokenizer
