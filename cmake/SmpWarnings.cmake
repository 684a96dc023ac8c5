# Warning flags shared by every target of the project (not by generated GLAD code).
# The prototype warnings are C-only; the viewer's one C++ file (the ImGui bridge) gets the rest.
set(SMP_WARNINGS -Wall -Wextra -Wshadow -Wpointer-arith -Wformat=2 -Wvla
    $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes> $<$<COMPILE_LANGUAGE:C>:-Wmissing-prototypes>)
if(SMP_WERROR)
  list(APPEND SMP_WARNINGS -Werror)
endif()
