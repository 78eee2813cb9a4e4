# FLEET_SANITIZE applies to every target (ours and generated code) so that
# instrumented and uninstrumented code never mix inside one binary.
if(FLEET_SANITIZE)
  set(_fleet_san_flags "")
  foreach(_san IN LISTS FLEET_SANITIZE)
    if(NOT _san MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "FLEET_SANITIZE: unknown sanitizer '${_san}'")
    endif()
    list(APPEND _fleet_san_flags "-fsanitize=${_san}")
  endforeach()
  list(APPEND _fleet_san_flags -fno-omit-frame-pointer -fno-sanitize-recover=all)
  if("thread" IN_LIST FLEET_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 warns that Asio's atomic_thread_fence is not instrumented; with
    # -Werror that would stop the build. TSan still sees Asio's mutexes.
    list(APPEND _fleet_san_flags -Wno-tsan)
  endif()
  add_compile_options(${_fleet_san_flags})
  add_link_options(${_fleet_san_flags})
endif()
