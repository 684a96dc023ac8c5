/* SIMD dispatch: path names, switching the active path, unsupported paths, SMP_SIMD checked. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "smp/simd.h"

Test(simd, names_round_trip) {
    for (int i = 0; i < SMP_SIMD_COUNT; ++i) {
        smp_simd_path p;
        cr_assert_eq(smp_simd_parse(smp_simd_name((smp_simd_path)i), &p, NULL), SMP_OK);
        cr_assert_eq(p, (smp_simd_path)i);
    }
    cr_assert_null(smp_simd_name(SMP_SIMD_COUNT));
}

Test(simd, unknown_name_lists_the_valid_ones) {
    smp_error err = {0};
    smp_simd_path p;
    cr_assert_eq(smp_simd_parse("avx3", &p, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "'avx3'"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "avx512"), "%s", err.message);
}

Test(simd, best_is_supported_and_set_switches_the_active_path) {
    cr_assert(smp_simd_supported(SMP_SIMD_SCALAR));
    cr_assert(smp_simd_supported(smp_simd_best()));
    cr_assert_eq(smp_simd_set(SMP_SIMD_SCALAR, NULL), SMP_OK);
    cr_assert_eq(smp_simd_active(), SMP_SIMD_SCALAR);
    cr_assert_eq(smp_simd_set(smp_simd_best(), NULL), SMP_OK);
    cr_assert_eq(smp_simd_active(), smp_simd_best());
}

Test(simd, unsupported_path_is_refused) {
    for (int i = 0; i < SMP_SIMD_COUNT; ++i) {
        if (smp_simd_supported((smp_simd_path)i)) continue;
        smp_error err = {0};
        cr_assert_eq(smp_simd_set((smp_simd_path)i, &err), SMP_ERR_UNSUPPORTED);
        cr_assert_not_null(strstr(err.message, smp_simd_name((smp_simd_path)i)));
    }
}

Test(simd, environment_override_is_checked) {
    smp_error err = {0};
    setenv("SMP_SIMD", "fast", 1);
    cr_assert_eq(smp_simd_check_env(&err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "SMP_SIMD"), "%s", err.message);
    setenv("SMP_SIMD", "scalar", 1);
    cr_assert_eq(smp_simd_check_env(&err), SMP_OK);
    unsetenv("SMP_SIMD");
    cr_assert_eq(smp_simd_check_env(&err), SMP_OK);
}
