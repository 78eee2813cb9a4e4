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

// Whether regex[i..] is \p{X} for a category X we extend (then *property = X).
bool IsExtendedEscape(absl::string_view regex, size_t i, char* property) {
  if (regex[i] != '\\' || i + 4 >= regex.size() || regex[i + 1] != 'p' || regex[i + 2] != '{' ||
      regex[i + 4] != '}' || NewCodePoints(regex[i + 3]) == nullptr) {
    return false;
  }
  *property = regex[i + 3];
  return true;
}

}  // namespace

std::string ExtendUnicodePropertiesForJit(absl::string_view regex) {
  std::string out;
  out.reserve(regex.size() * 2);
  size_t i = 0;
  char property = 0;
  while (i < regex.size()) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      if (IsExtendedEscape(regex, i, &property)) {
        out.append("(?:");
        out.append(regex.data() + i, 5);
        out.append("|[");
        out.append(NewCodePoints(property));
        out.append("])");
        i += 5;
      } else {
        out.append(regex.data() + i, 2);
        i += 2;
      }
      continue;
    }
    if (c != '[') {
      out.push_back(c);
      ++i;
      continue;
    }
    // A class: find its end and the extended properties it holds.
    size_t j = i + 1;
    bool negated = false;
    if (j < regex.size() && regex[j] == '^') {
      negated = true;
      ++j;
    }
    if (j < regex.size() && regex[j] == ']') ++j;  // a literal ']'
    bool closed = false;
    std::string properties;
    while (j < regex.size()) {
      if (regex[j] == '\\' && j + 1 < regex.size()) {
        if (IsExtendedEscape(regex, j, &property)) {
          if (properties.find(property) == std::string::npos) properties.push_back(property);
          j += 5;
        } else {
          j += 2;
        }
        continue;
      }
      if (regex[j] == '[' && j + 1 < regex.size() && regex[j + 1] == ':') {
        const size_t end = regex.find(":]", j + 2);  // POSIX class [:name:]
        if (end != absl::string_view::npos) {
          j = end + 2;
          continue;
        }
      }
      if (regex[j] == ']') {
        closed = true;
        ++j;
        break;
      }
      ++j;
    }
    const absl::string_view cls = regex.substr(i, j - i);
    i = j;
    if (!closed || properties.empty()) {
      out.append(cls.data(), cls.size());
      continue;
    }
    std::string extra;
    for (char p : properties) extra.append(NewCodePoints(p));
    if (negated) {
      out.append("(?:(?![").append(extra).append("])");
      out.append(cls.data(), cls.size());
      out.append(")");
    } else {
      out.append("(?:");
      out.append(cls.data(), cls.size());
      out.append("|[").append(extra).append("])");
    }
  }
  return out;
}

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
