#include "lib/flags/parse_flags.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/net/host_port.h"

ABSL_FLAG(int32_t, test_count, 1, "A number.");
ABSL_FLAG(bool, test_switch, false, "A switch.");
ABSL_FLAG(fleet::HostPort, test_address, (fleet::HostPort{"127.0.0.1", 1}), "An address.");

namespace fleet {
namespace {

using ::testing::ElementsAre;
using ::testing::ExitedWithCode;

std::vector<std::string> Parse(std::vector<std::string> args, bool positional = false) {
  args.insert(args.begin(), "/usr/bin/fleet-test");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseFlagsOrExit(static_cast<int>(argv.size()), argv.data(), "usage", positional);
}

TEST(ParseFlags, AcceptsEveryForm) {
  Parse({"--test_count=5", "--test_switch", "--test_address", "[::1]:7"});
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 5);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_switch));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_address).ToString(), "[::1]:7");
  EXPECT_EQ(ProgramName(), "fleet-test");
  Parse({"-test_count", "6", "--notest_switch"});
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 6);
  EXPECT_FALSE(absl::GetFlag(FLAGS_test_switch));
}

TEST(ParseFlags, ReturnsPositionalArgumentsWhenAllowed) {
  EXPECT_THAT(Parse({"a", "--test_count=2", "--", "--b"}, true), ElementsAre("a", "--b"));
}

TEST(ParseFlagsDeathTest, UnknownFlagExitsTwoNamingIt) {
  EXPECT_EXIT(Parse({"--bogus=1"}), ExitedWithCode(2), "fleet-test: unknown flag --bogus");
}

TEST(ParseFlagsDeathTest, BadValueExitsTwoNamingTheFlag) {
  EXPECT_EXIT(Parse({"--test_count=many"}), ExitedWithCode(2), "for --test_count");
  EXPECT_EXIT(Parse({"--test_address=nowhere"}), ExitedWithCode(2),
              "for --test_address: 'nowhere' is not HOST:PORT");
}

TEST(ParseFlagsDeathTest, MissingValueAndStrayArgumentsExitTwo) {
  EXPECT_EXIT(Parse({"--test_count"}), ExitedWithCode(2), "missing value for --test_count");
  EXPECT_EXIT(Parse({"stray"}), ExitedWithCode(2), "unexpected argument 'stray'");
  EXPECT_EXIT(Parse({"--absl_internal_flag_that_does_not_exist"}), ExitedWithCode(2),
              "unknown flag");
}

TEST(ParseFlagsDeathTest, ValidationErrorExitsTwo) {
  EXPECT_EXIT(ExitWithFlagError("test_count", "must be positive"), ExitedWithCode(2),
              "--test_count: must be positive");
}

TEST(ParseFlagsDeathTest, HelpListsOwnFlagsAndExitsZero) {
  EXPECT_EXIT({ Parse({"--help"}); }, ExitedWithCode(0), "");
}

}  // namespace
}  // namespace fleet
