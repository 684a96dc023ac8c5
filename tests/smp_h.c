/* smp/smp.h includes every public header: this file holds it to compiling on its own, with the
 * project's warnings, so the umbrella header cannot rot unnoticed. */
#include "smp/smp.h"

int smp_h_compiles(void);
int smp_h_compiles(void) { return SMP_OK; }
