# fleet_proto_library(NAME PROTOS a.proto ... DEPS other_proto_lib ...)
# Generates C++ messages and gRPC stubs for one proto package into the build
# tree (never the source tree) and wraps them in one static library.
# Call it from proto/CMakeLists.txt with paths relative to proto/ (protobuf_generate
# derives output paths from CMAKE_CURRENT_SOURCE_DIR). Imports resolve from
# ${PROJECT_SOURCE_DIR}/proto, so a file imports
# "fleet/common/v1/common.proto" and its header is "fleet/common/v1/common.pb.h".
include_guard(GLOBAL)

set(FLEET_PROTO_ROOT ${PROJECT_SOURCE_DIR}/proto)
set(FLEET_PROTO_OUT ${PROJECT_BINARY_DIR}/proto_gen)

function(fleet_proto_library name)
  cmake_parse_arguments(ARG "" "" "PROTOS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_PROTOS})
  file(MAKE_DIRECTORY ${FLEET_PROTO_OUT})
  protobuf_generate(TARGET ${name} LANGUAGE cpp
    IMPORT_DIRS ${FLEET_PROTO_ROOT}
    PROTOC_OUT_DIR ${FLEET_PROTO_OUT})
  protobuf_generate(TARGET ${name} LANGUAGE grpc
    GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
    PLUGIN "protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
    IMPORT_DIRS ${FLEET_PROTO_ROOT}
    PROTOC_OUT_DIR ${FLEET_PROTO_OUT})
  target_include_directories(${name} PUBLIC ${FLEET_PROTO_OUT})
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
  # Generated code is not ours: no -Werror, and quiet.
  target_compile_options(${name} PRIVATE -w)
endfunction()
