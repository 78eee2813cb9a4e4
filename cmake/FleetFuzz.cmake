# Fuzz targets. Every target is a file defining
#   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
#
# fleet_fuzz_target(NAME SRCS a.cc ... DEPS x y ... CORPUS dir)
#   - always: NAME_replay (tests/fuzz/replay_main.cc + SRCS), registered with
#     ctest as NAME_corpus (label fuzz): it runs the target once on every file
#     of the corpus, so the corpus is a regression test in every build, gcc
#     included;
#   - with clang and -DFLEET_LIBFUZZER=ON: also NAME, a real libFuzzer binary
#     (-fsanitize=fuzzer,address,undefined) in build/<preset>/fuzz/. Run it as
#       build/<preset>/fuzz/NAME -max_total_time=300 /tmp/work-corpus <CORPUS>
#     (the first directory receives new inputs; keep the committed corpus small).
#
# FLEET_LIBFUZZER instruments ALL code of the build (coverage + ASan + UBSan),
# so that the libraries under test report coverage to libFuzzer; use it in a
# separate build directory, e.g.
#   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DFLEET_LIBFUZZER=ON
include_guard(GLOBAL)

option(FLEET_LIBFUZZER "Also build real libFuzzer binaries (clang only)" OFF)

set(_fleet_libfuzzer OFF)
if(FLEET_LIBFUZZER)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(WARNING "FLEET_LIBFUZZER needs clang (compiler is ${CMAKE_CXX_COMPILER_ID}): "
                    "only the corpus replay tests are built")
  elseif("thread" IN_LIST FLEET_SANITIZE)
    message(FATAL_ERROR "FLEET_LIBFUZZER uses ASan and cannot be combined with FLEET_SANITIZE=thread")
  else()
    set(_fleet_libfuzzer ON)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
  endif()
endif()

function(fleet_fuzz_target name)
  cmake_parse_arguments(ARG "" "CORPUS" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_SRCS OR NOT ARG_CORPUS)
    message(FATAL_ERROR "fleet_fuzz_target(${name}): SRCS and CORPUS are required")
  endif()

  add_executable(${name}_replay ${ARG_SRCS} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
  target_include_directories(${name}_replay PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
  fleet_apply_warnings(${name}_replay)
  set_target_properties(${name}_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_test(NAME ${name}_corpus COMMAND ${name}_replay ${ARG_CORPUS})
  set_tests_properties(${name}_corpus PROPERTIES LABELS fuzz TIMEOUT 300
    PASS_REGULAR_EXPRESSION "ran [1-9][0-9]* inputs")

  if(_fleet_libfuzzer)
    add_executable(${name} ${ARG_SRCS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    fleet_apply_warnings(${name})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  endif()
endfunction()
