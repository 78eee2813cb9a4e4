# Target helpers: one library target per component, one executable per binary,
# one ctest entry per test binary. Warnings are strict for our code only.
include_guard(GLOBAL)

function(fleet_apply_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${FLEET_WERROR}>>:-Werror>)
endfunction()

# fleet_library(NAME SRCS a.cc ... DEPS x y [PUBLIC_DEPS ...])
# A static library whose public include root is the repository root, so that
# every include reads "lib/...", "services/...".
function(fleet_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  fleet_apply_warnings(${name})
endfunction()

# fleet_executable(NAME SRCS main.cc DEPS ...)
function(fleet_executable name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  fleet_apply_warnings(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

# fleet_test(NAME SRCS a_test.cc DEPS ... LABELS unit [TIMEOUT s] [NOT_UNDER_TSAN])
# A GoogleTest binary registered as one ctest entry (so a label selects whole
# binaries and `ctest -j` parallelises across them).
# NOT_UNDER_TSAN: the test runs gRPC in-process. Debian's gRPC and abseil are
# not built with ThreadSanitizer, so their internal absl::Mutex is invisible
# to it and it reports races inside gRPC itself; suppressions would match our
# frames too (they apply to whole stacks), so such a test is disabled (shown
# as "Not Run (Disabled)") in the tsan build instead, and ASan still runs it.
function(fleet_test name)
  cmake_parse_arguments(ARG "NOT_UNDER_TSAN" "TIMEOUT" "SRCS;DEPS;LABELS;ENV" ${ARGN})
  if(NOT ARG_LABELS)
    message(FATAL_ERROR "fleet_test(${name}): LABELS is required")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  fleet_apply_warnings(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "FLEET_BIN_DIR=${PROJECT_BINARY_DIR}/bin;${ARG_ENV}")
  if(ARG_NOT_UNDER_TSAN AND "thread" IN_LIST FLEET_SANITIZE)
    set_tests_properties(${name} PROPERTIES DISABLED TRUE)
  endif()
endfunction()
