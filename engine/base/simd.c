#include "smp/simd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_names[SMP_SIMD_COUNT] = {"scalar", "sse41", "avx2", "avx512", "neon"};

/* -1 until first use; written once, possibly by several threads with the same value. */
static _Atomic int g_active = -1;

const char *smp_simd_name(smp_simd_path path) {
    return (unsigned)path < SMP_SIMD_COUNT ? k_names[path] : NULL;
}

smp_status smp_simd_parse(const char *name, smp_simd_path *out, smp_error *err) {
    for (int i = 0; i < SMP_SIMD_COUNT; ++i)
        if (name && strcmp(name, k_names[i]) == 0) {
            *out = (smp_simd_path)i;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "unknown SIMD path '%s' (expected scalar, sse41, avx2, avx512 or neon)",
                         name ? name : "");
}

int smp_simd_supported(smp_simd_path path) {
    switch (path) {
    case SMP_SIMD_SCALAR: return 1;
#if defined(__x86_64__) || defined(__i386__)
    case SMP_SIMD_SSE41: return __builtin_cpu_supports("sse4.1");
    case SMP_SIMD_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SMP_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
#if defined(__aarch64__)
    case SMP_SIMD_NEON: return 1;
#endif
    default: return 0;
    }
}

smp_simd_path smp_simd_best(void) {
    for (int p = SMP_SIMD_COUNT - 1; p > 0; --p)
        if (smp_simd_supported((smp_simd_path)p)) return (smp_simd_path)p;
    return SMP_SIMD_SCALAR;
}

smp_simd_path smp_simd_active(void) {
    int a = atomic_load_explicit(&g_active, memory_order_relaxed);
    if (a >= 0) return (smp_simd_path)a;
    smp_simd_path p = smp_simd_best();
    const char *env = getenv("SMP_SIMD");
    smp_simd_path wanted;
    if (env && *env && smp_simd_parse(env, &wanted, NULL) == SMP_OK && smp_simd_supported(wanted))
        p = wanted;
    atomic_store_explicit(&g_active, (int)p, memory_order_relaxed);
    return p;
}

smp_status smp_simd_set(smp_simd_path path, smp_error *err) {
    if ((unsigned)path >= SMP_SIMD_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "SIMD path %d out of range", (int)path);
    if (!smp_simd_supported(path))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "this CPU cannot run the %s path",
                             k_names[path]);
    atomic_store_explicit(&g_active, (int)path, memory_order_relaxed);
    return SMP_OK;
}

smp_status smp_simd_check_env(smp_error *err) {
    const char *env = getenv("SMP_SIMD");
    if (!env || !*env) return SMP_OK;
    smp_simd_path p;
    if (smp_simd_parse(env, &p, err) != SMP_OK) {
        smp_error_prefix(err, "SMP_SIMD");
        return err ? err->status : SMP_ERR_INVALID_ARG;
    }
    if (!smp_simd_supported(p))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "SMP_SIMD: this CPU cannot run the %s path",
                             k_names[p]);
    return SMP_OK;
}
