# Warning flags shared by every target of the project (not by generated GLAD code).
set(SMP_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wformat=2 -Wvla)
if(SMP_WERROR)
  list(APPEND SMP_WARNINGS -Werror)
endif()
