# smp_embed_files(NAME OUTPUT file.c BASE dir FILES a b ...)
# Generates a C file holding each input file as a NUL-terminated string, so an installed
# binary needs no data files next to it. Regenerated whenever an input changes.
function(smp_embed_files name)
  cmake_parse_arguments(E "" "OUTPUT;BASE" "FILES" ${ARGN})
  set(abs_files)
  foreach(f IN LISTS E_FILES)
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUTPUT} -DBASE=${E_BASE} -DSYMBOL=${name}
            "-DFILES=${abs_files}" -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/SmpEmbedRun.cmake
    DEPENDS ${abs_files} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/SmpEmbedRun.cmake
    COMMENT "Embedding ${name}"
    VERBATIM)
endfunction()
