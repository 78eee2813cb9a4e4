#include "services/inference/engine/sampler/stop_matcher.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleet::engine::sampler {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  std::string text;  // everything emitted, Flush included unless stopped
  bool stopped = false;
  std::vector<std::string> emits;  // per Push
};

Outcome Feed(const std::vector<std::string>& stops, const std::vector<std::string>& pieces) {
  StopMatcher m(stops);
  Outcome out;
  for (const std::string& piece : pieces) {
    StopMatcher::Result r = m.Push(piece);
    out.emits.push_back(r.emit);
    out.text += r.emit;
    if (r.stopped) {
      out.stopped = true;
      EXPECT_EQ(m.Flush(), "");
      return out;
    }
  }
  out.text += m.Flush();
  return out;
}

// Every split of `text` into single bytes, and into two pieces at every position, gives the
// same outcome as one piece.
void ExpectSplitInvariant(const std::vector<std::string>& stops, const std::string& text,
                          const std::string& expected, bool expected_stopped) {
  Outcome whole = Feed(stops, {text});
  EXPECT_EQ(whole.text, expected);
  EXPECT_EQ(whole.stopped, expected_stopped);
  std::vector<std::string> bytes;
  for (char c : text) bytes.push_back(std::string(1, c));
  Outcome by_byte = Feed(stops, bytes);
  EXPECT_EQ(by_byte.text, expected);
  EXPECT_EQ(by_byte.stopped, expected_stopped);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Outcome two = Feed(stops, {text.substr(0, cut), text.substr(cut)});
    EXPECT_EQ(two.text, expected) << "cut at " << cut;
    EXPECT_EQ(two.stopped, expected_stopped) << "cut at " << cut;
  }
}

TEST(StopMatcher, NoStopsEmitsEverythingAtOnce) {
  Outcome o = Feed({}, {"Hello", ", ", "world"});
  EXPECT_EQ(o.emits, (std::vector<std::string>{"Hello", ", ", "world"}));
  EXPECT_FALSE(o.stopped);
}

TEST(StopMatcher, StopWithinOnePiece) {
  Outcome o = Feed({"END"}, {"abcENDdef"});
  EXPECT_TRUE(o.stopped);
  EXPECT_EQ(o.text, "abc");
}

TEST(StopMatcher, StopAcrossPiecesHoldsBackOnlyThePossiblePrefix) {
  StopMatcher m({"</s>"});
  StopMatcher::Result r = m.Push("Hi <");
  EXPECT_EQ(r.emit, "Hi ");
  EXPECT_FALSE(r.stopped);
  r = m.Push("/");
  EXPECT_EQ(r.emit, "");
  r = m.Push("s> trailing");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.emit, "");
  EXPECT_EQ(m.matched_stop(), "</s>");
  r = m.Push("more");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.emit, "");
}

TEST(StopMatcher, FalseStartIsReleased) {
  StopMatcher m({"</s>"});
  EXPECT_EQ(m.Push("a</").emit, "a");
  EXPECT_EQ(m.Push("x").emit, "</x");
  EXPECT_EQ(m.Push("<").emit, "");
  EXPECT_EQ(m.Flush(), "<");
  EXPECT_FALSE(m.stopped());
}

TEST(StopMatcher, HeldSuffixRestartsInsideAFalseStart) {
  // "aab" with stop "aab": after "aa" + "a" the first 'a' is safe but "aa" may still start it.
  StopMatcher m({"aab"});
  EXPECT_EQ(m.Push("aa").emit, "");
  EXPECT_EQ(m.Push("a").emit, "a");
  StopMatcher::Result r = m.Push("b");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.emit, "");
}

TEST(StopMatcher, OverlappingPrefixesShorterWins) {
  // "ab" completes before "abc" could.
  ExpectSplitInvariant({"abc", "ab"}, "xxabcyy", "xx", true);
  ExpectSplitInvariant({"abc", "ab"}, "xxa", "xxa", false);
}

TEST(StopMatcher, OverlappingPrefixesLongerOnly) {
  ExpectSplitInvariant({"abc"}, "xxabxabcz", "xxabx", true);
  ExpectSplitInvariant({"abc"}, "xxab", "xxab", false);
}

TEST(StopMatcher, EarliestOfMultipleStopsWins) {
  ExpectSplitInvariant({"world", "lo w"}, "hello world", "hel", true);
  ExpectSplitInvariant({"\n\n", "User:"}, "fine.\nUser: next\n\n", "fine.\n", true);
  ExpectSplitInvariant({"zz", "yy"}, "abc", "abc", false);
}

TEST(StopMatcher, StopAtVeryStart) {
  ExpectSplitInvariant({"<|im_end|>"}, "<|im_end|>rest", "", true);
}

TEST(StopMatcher, Utf8NeverSplit) {
  // Stop "你好" (e4 bd a0 e5 a5 bd); text contains "你" followed by something else.
  const std::string text = "说你们好你好吗";
  ExpectSplitInvariant({"你好"}, text, "说你们好", true);
  // Whole-character pieces: every emitted string is valid UTF-8.
  StopMatcher m({"你好", "🙂!"});
  for (const std::string piece : {"说", "你", "们", "🙂", "?", "你"}) {
    StopMatcher::Result r = m.Push(piece);
    EXPECT_TRUE(IsValidUtf8(r.emit)) << piece;
    EXPECT_FALSE(r.stopped);
  }
  EXPECT_EQ(m.Flush(), "你");
}

TEST(StopMatcher, Utf8CutBacksUpToCharacterStart) {
  // A stop that is not valid UTF-8 (starts with a continuation byte) would make the held
  // suffix start mid-character; the cut backs up to the character's first byte instead.
  StopMatcher m({"\xa0x"});
  StopMatcher::Result r = m.Push("a你");  // "你" = e4 bd a0: suffix "\xa0" may start the stop
  EXPECT_EQ(r.emit, "a");
  EXPECT_EQ(m.Flush(), "你");
}

TEST(StopMatcher, ValidateRejectsEmptyAndBadUtf8) {
  EXPECT_TRUE(StopMatcher::Validate({"a", "</s>"}).ok());
  EXPECT_TRUE(StopMatcher::Validate({}).ok());
  absl::Status s = StopMatcher::Validate({"a", ""});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "stop[1] is empty");
  s = StopMatcher::Validate({"\xff"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("stop[0] is not valid UTF-8"));
}

TEST(StopMatcher, ConstructorIgnoresEmptyStops) {
  Outcome o = Feed({"", "b"}, {"aab"});
  EXPECT_EQ(o.text, "aa");
  EXPECT_TRUE(o.stopped);
}

TEST(Utf8, Validity) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("你好 🙂 é"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe4\xbd"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace
}  // namespace fleet::engine::sampler
