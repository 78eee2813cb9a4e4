# Every third-party dependency, found once. All come from Debian bookworm
# packages installed by tools/setup/install-deps.sh (see docs/building.md for
# the packaging traps these calls work around).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# protobuf ships no CMake config on bookworm: CMake's FindProtobuf module.
find_package(Protobuf REQUIRED)
# gRPC's config needs libgrpc-dev and protobuf-compiler-grpc installed.
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED)
# hiredis' CMake config is broken on bookworm: pkg-config instead.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# PCRE2 (8-bit, with JIT and Unicode properties): the tokenizer's pre-tokenizer regexes.
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
# ICU (libicu72): Unicode normalisation (NFC) for tokenizers that ask for it.
find_package(ICU REQUIRED COMPONENTS uc)

if(FLEET_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()

# Google Benchmark (libbenchmark-dev): the micro benchmarks in bench/.
find_package(benchmark CONFIG REQUIRED)
