#include "lib/logging/log.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fleet::log {
namespace {

TEST(Log, FormatsOneJsonObjectWithFields) {
  Init("testsvc", Level::kDebug);
  const std::string line =
      FormatLine(Level::kWarn, "hello \"world\"\n",
                 {{"request_id", "abc"}, {"n", 3}, {"ok", true}, {"seconds", 0.5}});
  ASSERT_EQ(line.find('\n'), std::string::npos) << "one line per record";
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "warn");
  EXPECT_EQ(json["service"], "testsvc");
  EXPECT_EQ(json["msg"], "hello \"world\"\n");
  EXPECT_EQ(json["request_id"], "abc");
  EXPECT_EQ(json["n"], 3);
  EXPECT_EQ(json["ok"], true);
  EXPECT_DOUBLE_EQ(json["seconds"].get<double>(), 0.5);
  EXPECT_EQ(json["ts"].get<std::string>().back(), 'Z');
}

TEST(Log, InvalidUtf8IsReplacedNotRejected) {
  const std::string bad = std::string("a\xff\xfe", 3);
  const std::string line = FormatLine(Level::kInfo, bad, {{"field", bad}});
  EXPECT_NO_THROW(nlohmann::json::parse(line));
}

TEST(Log, ParseLevel) {
  Level level;
  EXPECT_TRUE(ParseLevel("error", &level).ok());
  EXPECT_EQ(level, Level::kError);
  EXPECT_EQ(ParseLevel("loud", &level).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fleet::log
