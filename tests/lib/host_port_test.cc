#include "lib/net/host_port.h"

#include "gtest/gtest.h"

namespace fleet {
namespace {

TEST(HostPort, ParsesIpv4HostnameAndIpv6) {
  auto a = ParseHostPort("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseHostPort("localhost:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 0);
  auto c = ParseHostPort("[::1]:65535");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->ToString(), "[::1]:65535");
  EXPECT_EQ(a->WithPort(9).ToString(), "127.0.0.1:9");
}

TEST(HostPort, RejectsMalformedInputNamingIt) {
  for (const char* bad : {"", "8080", "host", ":80", "host:", "host:x", "host:65536", "host:-1",
                          "::1:80", "[::1]80", "[::1", "[]:80"}) {
    auto parsed = ParseHostPort(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(std::string("'") + bad + "'"), absl::string_view::npos)
        << parsed.status();
  }
}

}  // namespace
}  // namespace fleet
