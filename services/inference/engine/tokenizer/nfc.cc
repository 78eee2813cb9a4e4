#include "services/inference/engine/tokenizer/nfc.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/unistr.h>

namespace fleet::engine::tokenizer {
namespace {

const icu::Normalizer2& Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || instance == nullptr) {
      // ICU's data is part of the library; failing to load it is a broken install.
      std::fprintf(stderr, "fatal: ICU NFC normalizer unavailable: %s\n", u_errorName(status));
      std::abort();
    }
    return instance;
  }();
  return *nfc;
}

bool IsAscii(absl::string_view text) {
  unsigned char any = 0;
  for (unsigned char c : text) any |= c;
  return any < 0x80;
}

}  // namespace

bool IsNfc(absl::string_view text) {
  if (IsAscii(text)) return true;
  if (text.size() > static_cast<size_t>(INT32_MAX)) return false;  // ICU takes int32 lengths
  UErrorCode status = U_ZERO_ERROR;
  const bool normalized = Nfc().isNormalizedUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), status);
  return U_SUCCESS(status) && normalized;
}

std::string NfcNormalize(absl::string_view text) {
  if (IsAscii(text)) return std::string(text);
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2& nfc = Nfc();
  if (nfc.isNormalized(input, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfc.normalize(input, status);
  if (U_FAILURE(status)) return std::string(text);  // only on allocation failure
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace fleet::engine::tokenizer
