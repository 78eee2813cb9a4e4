#include <memory>

#include "gtest/gtest.h"
#include "lib/status/grpc_status.h"
#include "lib/status/status_macros.h"

namespace fleet {
namespace {

absl::StatusOr<std::unique_ptr<int>> MakeValue(bool ok) {
  if (!ok) return absl::NotFoundError("nothing");
  return std::make_unique<int>(7);
}

absl::Status UseValue(bool ok, int* out, int* evaluations) {
  ++*evaluations;
  ASSIGN_OR_RETURN(std::unique_ptr<int> value, MakeValue(ok));  // move-only
  *out = *value;
  RETURN_IF_ERROR(absl::OkStatus());
  return absl::OkStatus();
}

absl::Status Propagate(absl::Status s) {
  RETURN_IF_ERROR(s);
  return absl::InternalError("not reached when s fails");
}

TEST(StatusMacros, AssignOrReturnMovesValueOrReturnsError) {
  int out = 0;
  int evaluations = 0;
  EXPECT_TRUE(UseValue(true, &out, &evaluations).ok());
  EXPECT_EQ(out, 7);
  absl::Status failed = UseValue(false, &out, &evaluations);
  EXPECT_EQ(failed.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(failed.message(), "nothing");
  EXPECT_EQ(evaluations, 2);
}

TEST(StatusMacros, ReturnIfErrorReturnsTheFailure) {
  EXPECT_EQ(Propagate(absl::PermissionDeniedError("no")).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Propagate(absl::OkStatus()).code(), absl::StatusCode::kInternal);
}

TEST(GrpcStatus, EveryCanonicalCodeRoundTripsWithItsMessage) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status in(static_cast<absl::StatusCode>(code), code == 0 ? "" : "why");
    const grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(out.error_code()), code);
    EXPECT_EQ(out.error_message(), code == 0 ? "" : "why");
    EXPECT_EQ(FromGrpcStatus(out), in);
  }
}

TEST(GrpcStatus, NonCanonicalCodeBecomesUnknown) {
  const absl::Status odd(static_cast<absl::StatusCode>(99), "odd");
  EXPECT_EQ(ToGrpcStatus(odd).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ToGrpcStatus(odd).error_message(), "odd");
}

}  // namespace
}  // namespace fleet
