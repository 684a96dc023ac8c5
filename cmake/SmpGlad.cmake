# GLAD 2 loader generated at build time by Debian's python3-glad. --reproducible makes it use
# the specifications bundled with the package and never touch the network. Only the GL 3.3
# core profile, EGL 1.5 and the extensions the renderer actually uses are generated.
find_program(SMP_GLAD_EXE glad PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT SMP_GLAD_EXE)
  find_program(SMP_GLAD_EXE glad REQUIRED)
endif()

set(SMP_GLAD_DIR ${CMAKE_CURRENT_BINARY_DIR}/glad)
set(SMP_GLAD_EXTENSIONS
  GL_KHR_debug
  EGL_EXT_platform_base
  EGL_MESA_platform_surfaceless
  EGL_KHR_surfaceless_context
  EGL_EXT_platform_device
  EGL_EXT_device_base
  EGL_EXT_device_enumeration
  EGL_EXT_device_query)
list(JOIN SMP_GLAD_EXTENSIONS "," SMP_GLAD_EXTENSIONS_CSV)

add_custom_command(
  OUTPUT ${SMP_GLAD_DIR}/src/gl.c ${SMP_GLAD_DIR}/src/egl.c
         ${SMP_GLAD_DIR}/include/glad/gl.h ${SMP_GLAD_DIR}/include/glad/egl.h
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${SMP_GLAD_DIR}
  COMMAND ${SMP_GLAD_EXE} --reproducible --quiet --api gl:core=3.3,egl=1.5
          --extensions ${SMP_GLAD_EXTENSIONS_CSV} --out-path ${SMP_GLAD_DIR} c --loader
  COMMENT "Generating GLAD loader (GL 3.3 core, EGL 1.5)"
  VERBATIM)

add_library(smp_glad STATIC ${SMP_GLAD_DIR}/src/gl.c ${SMP_GLAD_DIR}/src/egl.c)
target_include_directories(smp_glad SYSTEM PUBLIC ${SMP_GLAD_DIR}/include)
target_link_libraries(smp_glad PUBLIC ${CMAKE_DL_LIBS})
