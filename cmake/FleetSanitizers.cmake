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
  add_compile_options(${_fleet_san_flags})
  add_link_options(${_fleet_san_flags})
endif()
