#include "services/inference/engine/chat/reasoning_splitter.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fleet::engine::chat {
namespace {

struct Split {
  std::string content;
  std::string reasoning;
  bool operator==(const Split&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Split& s) {
  return os << "{content=\"" << s.content << "\", reasoning=\"" << s.reasoning << "\"}";
}

Split Feed(bool starts_in_reasoning, const std::vector<std::string>& pieces) {
  ReasoningSplitter splitter(starts_in_reasoning);
  Split out;
  for (const std::string& piece : pieces) {
    ReasoningSplitter::Delta d = splitter.Push(piece);
    out.content += d.content;
    out.reasoning += d.reasoning;
  }
  ReasoningSplitter::Delta d = splitter.Flush();
  out.content += d.content;
  out.reasoning += d.reasoning;
  return out;
}

// The result must not depend on how the text is cut: one piece, every byte alone, two pieces
// cut at every position, and three pieces cut at every pair of positions.
void ExpectAllSplits(bool starts_in_reasoning, const std::string& text, const Split& expected) {
  EXPECT_EQ(Feed(starts_in_reasoning, {text}), expected) << "whole: " << text;
  std::vector<std::string> bytes;
  for (char c : text) bytes.push_back(std::string(1, c));
  EXPECT_EQ(Feed(starts_in_reasoning, bytes), expected) << "bytewise: " << text;
  for (size_t i = 0; i <= text.size(); ++i) {
    EXPECT_EQ(Feed(starts_in_reasoning, {text.substr(0, i), text.substr(i)}), expected)
        << "cut " << i << ": " << text;
    for (size_t j = i; j <= text.size(); ++j) {
      EXPECT_EQ(
          Feed(starts_in_reasoning, {text.substr(0, i), text.substr(i, j - i), text.substr(j)}),
          expected)
          << "cuts " << i << "," << j << ": " << text;
    }
  }
}

TEST(ReasoningSplitter, LeadingThinkOpensReasoning) {
  ExpectAllSplits(false, "<think>\nLet me see.\n</think>\n\nThe answer is 4.",
                  {"The answer is 4.", "\nLet me see.\n"});
}

TEST(ReasoningSplitter, StartsInReasoningWithoutOpenTag) {
  ExpectAllSplits(true, "Okay, 2+2.</think>  4", {"4", "Okay, 2+2."});
}

TEST(ReasoningSplitter, StartsInReasoningSwallowsRepeatedOpenTag) {
  ExpectAllSplits(true, "\n<think>hmm</think>ok", {"ok", "hmm"});
}

TEST(ReasoningSplitter, NoThinkIsAllContent) {
  ExpectAllSplits(false, "Plain answer <think> not a tag here",
                  {"Plain answer <think> not a tag here", ""});
  ExpectAllSplits(false, "  <thin", {"  <thin", ""});
}

TEST(ReasoningSplitter, WhitespaceBeforeOpeningTagIsDropped) {
  ExpectAllSplits(false, " \n<think>r</think>c", {"c", "r"});
}

TEST(ReasoningSplitter, OnlyWhitespaceAfterCloseIsDropped) {
  ExpectAllSplits(false, "<think>r</think> \t\r\n x \n", {"x \n", "r"});
}

TEST(ReasoningSplitter, LaterTagsAreContent) {
  ExpectAllSplits(true, "a</think>b</think><think>c", {"b</think><think>c", "a"});
}

TEST(ReasoningSplitter, FalseCloseTagStaysReasoning) {
  ExpectAllSplits(true, "a</thin>b</think", {"", "a</thin>b</think"});
}

TEST(ReasoningSplitter, UnterminatedReasoning) {
  ExpectAllSplits(false, "<think>still thinking", {"", "still thinking"});
  ExpectAllSplits(true, "", {"", ""});
}

TEST(ReasoningSplitter, Utf8Reasoning) {
  ExpectAllSplits(false, "<think>想一想🙂</think>\n答案", {"答案", "想一想🙂"});
}

TEST(ReasoningSplitter, StreamsWithoutWaitingForTheEnd) {
  ReasoningSplitter s(true);
  EXPECT_EQ(s.Push("abc").reasoning, "abc");
  EXPECT_TRUE(s.in_reasoning());
  ReasoningSplitter::Delta d = s.Push("de</th");
  EXPECT_EQ(d.reasoning, "de");  // "</th" held back
  d = s.Push("ink>\n");
  EXPECT_EQ(d.reasoning, "");
  EXPECT_EQ(d.content, "");
  EXPECT_FALSE(s.in_reasoning());
  d = s.Push("Hi");
  EXPECT_EQ(d.content, "Hi");
}

}  // namespace
}  // namespace fleet::engine::chat
