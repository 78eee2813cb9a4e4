#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/tokenizer/byte_level.h"
#include "services/inference/engine/tokenizer/nfc.h"
#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {
namespace {

using ::testing::HasSubstr;

TEST(Utf8, ValidateGivesTheOffset) {
  EXPECT_TRUE(ValidateUtf8("plain ascii, 你好, 😀").ok());
  EXPECT_THAT(std::string(ValidateUtf8("ab\xFF").message()), HasSubstr("byte offset 2"));
  EXPECT_THAT(std::string(ValidateUtf8("a\xC0\x80").message()), HasSubstr("byte offset 1"));
  EXPECT_FALSE(ValidateUtf8("\xED\xA0\x80").ok());      // surrogate
  EXPECT_FALSE(ValidateUtf8("\xF4\x90\x80\x80").ok());  // above U+10FFFF
  EXPECT_FALSE(ValidateUtf8("\xE4\xBD").ok());          // truncated
  EXPECT_FALSE(ValidateUtf8("\xE0\x80\x80").ok());      // overlong
}

TEST(Utf8, IncompleteTail) {
  EXPECT_EQ(IncompleteUtf8TailLength("abc"), 0u);
  EXPECT_EQ(IncompleteUtf8TailLength("a\xE4"), 1u);
  EXPECT_EQ(IncompleteUtf8TailLength("a\xE4\xBD"), 2u);
  EXPECT_EQ(IncompleteUtf8TailLength("a\xE4\xBD\xA0"), 0u);  // complete
  EXPECT_EQ(IncompleteUtf8TailLength("\xF0\x9F\x98"), 3u);
  EXPECT_EQ(IncompleteUtf8TailLength("a\xFF"), 0u);      // can never complete
  EXPECT_EQ(IncompleteUtf8TailLength("a\xE0\x80"), 0u);  // invalid second byte
}

TEST(Utf8, SanitizeReplacesMaximalSubparts) {
  EXPECT_EQ(SanitizeUtf8("a\xE4\xBD"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeUtf8("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("你好"), "你好");
}

TEST(ByteLevel, Gpt2Alphabet) {
  EXPECT_EQ(ByteToUnicode(' '), "Ġ");
  EXPECT_EQ(ByteToUnicode('\n'), "Ċ");
  EXPECT_EQ(ByteToUnicode('a'), "a");
  EXPECT_EQ(ByteToUnicode(0xAD), "Ń");  // the 68th remapped byte is U+0143
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string encoded;
  AppendByteLevelEncoded(all, encoded);
  EXPECT_EQ(ByteLevelDecode(encoded), all);
  EXPECT_EQ(ByteLevelDecode("ä½łå¥½"), "你好");
}

TEST(Nfc, ComposesReordersAndKeepsAscii) {
  EXPECT_EQ(NfcNormalize("abc"), "abc");
  EXPECT_EQ(NfcNormalize("e\xCC\x81"), "\xC3\xA9");  // e + U+0301 -> é
  EXPECT_EQ(NfcNormalize("\xC3\xA9"), "\xC3\xA9");
  // Hangul jamo L V T -> syllable 한 (U+D55C).
  EXPECT_EQ(NfcNormalize("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), "\xED\x95\x9C");
  // q + dot below (220) + dot above (230) stays; a + U+0307 U+0323 -> ạ̇ (U+1EA1 U+0307).
  EXPECT_EQ(NfcNormalize("a\xCC\x87\xCC\xA3"), "\xE1\xBA\xA1\xCC\x87");
  // Singleton decomposition: U+212B ANGSTROM SIGN -> U+00C5.
  EXPECT_EQ(NfcNormalize("\xE2\x84\xAB"), "\xC3\x85");
  // Composition exclusion: U+0958 stays decomposed.
  EXPECT_EQ(NfcNormalize("\xE0\xA5\x98"), "\xE0\xA4\x95\xE0\xA4\xBC");
}

}  // namespace
}  // namespace fleet::engine::tokenizer
