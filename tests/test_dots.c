/* The dot set: allocation limits, alignment, octahedral normals, tissue names. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "smp/dots.h"

Test(dots, alloc_gives_aligned_arrays_and_free_clears) {
    smp_dots d = {0};
    smp_error err = {0};
    cr_assert_eq(smp_dots_alloc(&d, 1000, 0, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(d.capacity, 1000);
    cr_assert_eq(d.count, 0);
    const void *arrays[] = {d.x,      d.y,         d.z,        d.normal, d.triangle, d.bary_u,
                            d.bary_v, d.radius_um, d.depth_um, d.ink,    d.session,  d.tissue};
    for (int i = 0; i < 12; ++i) {
        cr_assert_not_null(arrays[i]);
        cr_assert_eq((uintptr_t)arrays[i] % 64, 0, "array %d not on a cache line", i);
    }
    /* every byte writable: ASan catches a short array */
    memset(d.ink, 1, 1000);
    memset(d.radius_um, 1, 2000);
    memset(d.z, 1, 4000);
    smp_dots_free(&d);
    cr_assert_null(d.x);
    cr_assert_eq(d.capacity, 0);
    smp_dots_free(&d); /* twice is harmless */
}

Test(dots, zero_capacity_is_refused) {
    smp_dots d = {0};
    smp_error err = {0};
    cr_assert_eq(smp_dots_alloc(&d, 0, 0, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(d.x);
}

Test(dots, over_the_limit_is_refused_naming_the_bytes) {
    smp_dots d = {0};
    smp_error err = {0};
    cr_assert_eq(smp_dots_alloc(&d, 1000000, 1000000, &err), SMP_ERR_NOMEM);
    cr_assert_null(d.x);
    /* 31 bytes per dot plus one cache line per array */
    cr_assert_not_null(strstr(err.message, "31000768 bytes"), "%s", err.message);
    cr_assert_eq(smp_dots_alloc(&d, SIZE_MAX / 8, 0, &err), SMP_ERR_NOMEM);
    cr_assert_null(d.x);
}

static void check_round_trip(const float n[3], float tol) {
    float back[3];
    smp_normal_decode_oct(smp_normal_encode_oct(n), back);
    for (int k = 0; k < 3; ++k)
        cr_assert(fabsf(back[k] - n[k]) <= tol, "(%g %g %g) -> (%g %g %g)", (double)n[0],
                  (double)n[1], (double)n[2], (double)back[0], (double)back[1], (double)back[2]);
}

Test(dots, octahedral_normals_round_trip) {
    const float axes[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int i = 0; i < 6; ++i) check_round_trip(axes[i], 1e-6f);
    uint64_t s = 99;
    for (int i = 0; i < 100000; ++i) {
        float v[3];
        for (int k = 0; k < 3; ++k) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            v[k] = (float)((double)(s >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        }
        float l = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        if (l < 1e-3f) continue;
        for (int k = 0; k < 3; ++k) v[k] /= l;
        check_round_trip(v, 1e-4f);
    }
}

Test(dots, zero_encoding_is_plus_z_as_the_renderer_assumes) {
    float n[3];
    smp_normal_decode_oct(0, n);
    cr_assert_float_eq(n[2], 1.0f, 1e-7f);
    const float z[3] = {0, 0, 0};
    cr_assert_eq(smp_normal_encode_oct(z), 0u);
}

Test(dots, tissue_names) {
    cr_assert_str_eq(smp_tissue_name(SMP_TISSUE_SKIN), "skin");
    cr_assert_str_eq(smp_tissue_name(SMP_TISSUE_SCAR_BURN), "scar_burn");
    cr_assert_null(smp_tissue_name(SMP_TISSUE_COUNT));
}
