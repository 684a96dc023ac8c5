/* The engine core's fingerprint: checksums of a Poisson and a blue-noise scatter and of the
 * dots' look at year 5, on the built-in head with a Norwood V plan. The core promises the
 * same bits on any thread count and SIMD path; scripts/check-portable.sh builds this program
 * for this machine and for 64-bit ARM (run under emulation) and compares the two outputs, so
 * the portable fallback is built, run and held to the same bits. Depends on the core alone. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/fields.h"
#include "smp/head.h"
#include "smp/landmarks.h"
#include "smp/scatter.h"
#include "smp/skin.h"

static int fail(const smp_error *err) {
    fprintf(stderr, "portable_check: %s\n", err->message);
    return 1;
}

static uint64_t fnv(uint64_t h, const void *data, size_t bytes) {
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static int scatter(const smp_mesh *head, const float *density, smp_scatter_rule rule, size_t count,
                   smp_dots *dots, smp_error *err) {
    smp_scatter_desc d = {.mesh = head,
                          .density_per_cm2 = density,
                          .rule = rule,
                          .count = count,
                          .seed = 7,
                          .threads = 2};
    size_t need;
    if (smp_scatter_capacity(&d, &need, err) != SMP_OK) return 0;
    if (smp_dots_alloc(dots, need, 0, err) != SMP_OK) return 0;
    return smp_scatter(&d, dots, err) == SMP_OK;
}

int main(void) {
    smp_error err = {0};
    smp_mesh head = {0};
    smp_head_desc hd = {.resolution = 48};
    if (smp_head_build(&hd, &head, &err) != SMP_OK) return fail(&err);
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_fields_desc fd = {0};
    fd.pattern.kind = SMP_PATTERN_NORWOOD;
    fd.pattern.stage = 5;
    fd.hairline.shape = SMP_HAIRLINE_ROUNDED;
    fd.seed = 3;
    smp_fields *fields = NULL;
    if (smp_fields_create(&fd, &head, &lm, &fields, &err) != SMP_OK) return fail(&err);
    float *density = malloc((size_t)head.vertex_count * sizeof *density);
    if (!density) return 1;
    smp_treatment_desc treat = {.density_per_cm2 = 80.0f};
    if (smp_fields_vertex_density(fields, &head, &treat, density, NULL, &err) != SMP_OK)
        return fail(&err);

    smp_dots poisson = {0}, blue = {0};
    if (!scatter(&head, density, SMP_SCATTER_POISSON, 200000, &poisson, &err) ||
        !scatter(&head, density, SMP_SCATTER_BLUE, 20000, &blue, &err))
        return fail(&err);
    printf("poisson %zu dots %016" PRIx64 "\n", poisson.count, smp_dots_checksum(&poisson));
    printf("blue    %zu dots %016" PRIx64 "\n", blue.count, smp_dots_checksum(&blue));

    smp_skin skin;
    smp_skin_desc sd = {.mst = 5};
    if (smp_skin_resolve(&sd, &skin, &err) != SMP_OK) return fail(&err);
    smp_age_session session = {.t_years = 0.0};
    smp_age_desc ad = {
        .skin = &skin, .sessions = &session, .session_count = 1, .outdoor_hours_per_day = 1.0};
    smp_age_model *model = NULL;
    if (smp_age_create(&ad, &model, &err) != SMP_OK) return fail(&err);
    size_t n = poisson.count;
    float *v = malloc(5 * n * sizeof *v);
    if (!v) return 1;
    smp_dot_look look = {.sigma_mm = v,
                         .pigment = v + n,
                         .trans_r = v + 2 * n,
                         .trans_g = v + 3 * n,
                         .trans_b = v + 4 * n};
    smp_dot_attrs attrs = smp_dot_attrs_of(&poisson);
    if (smp_age_eval(model, 5.0, &attrs, 0, n, &look, 2, &err) != SMP_OK) return fail(&err);
    printf("look    year 5 %016" PRIx64 "\n", fnv(0xcbf29ce484222325ull, v, 5 * n * sizeof *v));

    free(v);
    smp_age_destroy(model);
    smp_dots_free(&poisson);
    smp_dots_free(&blue);
    free(density);
    smp_fields_destroy(fields);
    smp_mesh_free(&head);
    return 0;
}
