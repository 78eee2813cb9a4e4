#pragma once
// Early-return helpers for absl::Status / absl::StatusOr<T>. abseil 20220623
// (Debian bookworm) ships none, so they are defined once, here.
//
//   RETURN_IF_ERROR(DoThing());              // returns the status if not OK
//   ASSIGN_OR_RETURN(auto value, Compute()); // moves the value or returns
//
// Both evaluate their argument exactly once.

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FLEET_STATUS_CONCAT_INNER_(a, b) a##b
#define FLEET_STATUS_CONCAT_(a, b) FLEET_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status fleet_status_ = (expr);         \
    if (!fleet_status_.ok()) return fleet_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  FLEET_ASSIGN_OR_RETURN_IMPL_(FLEET_STATUS_CONCAT_(fleet_statusor_, __LINE__), lhs, expr)

#define FLEET_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)  \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
