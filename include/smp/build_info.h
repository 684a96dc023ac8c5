/* What this program is and how it was built: the text of --version, and the facts the
 * benchmarks' context and -v print.
 *
 *   smp_build_commit = SMP_GIT_COMMIT;   // main.c, from the header the build writes
 *   smp_build_info_print(stdout);        // smpsim --version, smpsim CMD --version
 *
 * Does NOT: read the machine it runs on (smp/bench_report.h does, for the benchmarks).
 */
#ifndef SMP_BUILD_INFO_H
#define SMP_BUILD_INFO_H

#include <stddef.h>
#include <stdio.h>

/* The source tree's commit the program was built from; the program sets it at start (main.c),
 * "unknown" until then or outside git. */
extern const char *smp_build_commit;

/* The SIMD paths this build has code for, space-separated: "scalar sse41 avx2 avx512" on x86,
 * "scalar neon" on 64-bit ARM. */
const char *smp_build_simd_paths(void);

/* The GL backends built in, space-separated: "egl sdl-offscreen". */
const char *smp_build_gl_backends(void);

/* The --version text: version, commit, build type, compiler and flags, SIMD paths (built and
 * this CPU's), GL backends, and whether the mesh importer and the viewer are built in. */
void smp_build_info_print(FILE *out);

/* One line for -v: "smpsim 0.1.0 (commit abc, Release, GNU 12.2.0), SIMD avx2". */
void smp_build_info_line(char *out, size_t size);

#endif
