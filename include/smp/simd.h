/*
 * smp/simd.h — which vector instruction set the hot loops use.
 *
 * Every hot loop of the engine (scatter, model evaluation) has a scalar reference path and
 * hand-written vector paths that give bit-identical results. The path is chosen once, at run
 * time, from what the CPU supports; SMP_SIMD in the environment or smp_simd_set() overrides it,
 * so tests can run every path this CPU has and compare.
 *
 *   smp_simd_path p = smp_simd_active();        // best supported, or SMP_SIMD's choice
 *   if (smp_simd_set(SMP_SIMD_SCALAR, &err) != SMP_OK) ...
 *
 * Does NOT: vectorise anything itself, or decide thread counts.
 */
#ifndef SMP_SIMD_H
#define SMP_SIMD_H

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_simd_path {
    SMP_SIMD_SCALAR = 0, /* portable C, the reference every other path must match bit for bit */
    SMP_SIMD_SSE41,
    SMP_SIMD_AVX2,   /* AVX2 + FMA present, but the engine never fuses: results stay bit-exact */
    SMP_SIMD_AVX512, /* AVX-512 F, BW, DQ, VL */
    SMP_SIMD_NEON,   /* 64-bit ARM: the Poisson kernel in NEON; the model runs its scalar code */
    SMP_SIMD_COUNT
} smp_simd_path;

/* "scalar", "sse41", "avx2", "avx512", "neon"; NULL out of range. */
const char *smp_simd_name(smp_simd_path path);

/* Parses a name above; fails with SMP_ERR_INVALID_ARG listing the valid names. */
smp_status smp_simd_parse(const char *name, smp_simd_path *out, smp_error *err);

/* Whether this CPU (and this build) can run the path. SMP_SIMD_SCALAR always can. */
int smp_simd_supported(smp_simd_path path);

/* The best path this CPU supports. */
smp_simd_path smp_simd_best(void);

/* The path in use: the one set with smp_simd_set, else SMP_SIMD from the environment if it
 * names a supported path, else smp_simd_best(). Cheap after the first call. */
smp_simd_path smp_simd_active(void);

/* Chooses the path for this process; fails with SMP_ERR_UNSUPPORTED if the CPU lacks it. */
smp_status smp_simd_set(smp_simd_path path, smp_error *err);

/* Checks SMP_SIMD (if set) names a path this CPU supports, so a program can refuse a bad value
 * up front instead of silently running another path. */
smp_status smp_simd_check_env(smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
