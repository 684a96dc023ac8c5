#include "smp/build_info.h"

#include <stdio.h>
#include <stdlib.h>

#include "smp/simd.h"
#include "smp/version.h"

const char *smp_build_commit = "unknown";

const char *smp_build_simd_paths(void) {
#if defined(__x86_64__) || defined(__i386__)
    return "scalar sse41 avx2 avx512";
#elif defined(__aarch64__)
    return "scalar neon";
#else
    return "scalar";
#endif
}

/* engine/render builds both: EGL (surfaceless, headless) and an SDL2 hidden window. */
const char *smp_build_gl_backends(void) { return "egl sdl-offscreen"; }

void smp_build_info_print(FILE *out) {
    const char *env = getenv("SMP_SIMD");
    fprintf(out, "smpsim %s\n", SMP_VERSION_STRING);
    fprintf(out, "commit:     %s\n", smp_build_commit);
    fprintf(out, "build type: %s\n", SMP_BUILD_TYPE);
    fprintf(out, "compiler:   %s\n", SMP_BUILD_COMPILER);
    fprintf(out, "flags:      %s\n", SMP_BUILD_C_FLAGS);
    fprintf(out, "simd:       built %s; this CPU: best %s, used %s%s%s\n", smp_build_simd_paths(),
            smp_simd_name(smp_simd_best()), smp_simd_name(smp_simd_active()),
            env && *env ? " (SMP_SIMD=" : "", env && *env ? ")" : "");
    fprintf(out, "gl:         %s\n", smp_build_gl_backends());
    fprintf(out, "assimp:     %s\n",
            SMP_BUILD_WITH_ASSIMP ? "yes (head meshes from files)" : "no (the built-in head only)");
    fprintf(out, "viewer:     %s\n", SMP_BUILD_WITH_VIEWER ? "yes" : "no");
}

void smp_build_info_line(char *out, size_t size) {
    snprintf(out, size, "smpsim %s (commit %s, %s, %s), SIMD %s", SMP_VERSION_STRING,
             smp_build_commit, SMP_BUILD_TYPE, SMP_BUILD_COMPILER,
             smp_simd_name(smp_simd_active()));
}
