/* Scoring ranks dot sets as a trainer would: constructed good and bad sets on the built-in
 * head, each scored against the same target. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/head.h"
#include "smp/scatter.h"
#include "smp/score.h"
#include "smp/skin.h"

static smp_mesh head;
static float *target;
static smp_skin skin;
static smp_age_model *model;

static void chart(const float *p, double *cx, double *cz) {
    double r = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
    double alpha = acos(p[1] / r), phi = atan2(p[0], p[2]);
    *cx = r * alpha * sin(phi), *cz = r * alpha * cos(phi);
}

static double smooth(double e0, double e1, double x) {
    double t = (x - e0) / (e1 - e0);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return t * t * (3 - 2 * t);
}

/* A cap of the top of the head within 30° of +Y, 80 dots/cm². */
static void cap_target(float *out) {
    for (uint32_t v = 0; v < head.vertex_count; ++v) {
        const float *p = head.positions + 3 * (size_t)v;
        float r = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        out[v] = p[1] / r > cosf(30.0f * 3.14159265f / 180.0f) ? 80.0f : 0.0f;
    }
}

/* The front of the scalp up to a hairline at chart cz = 75 mm, fading in over soft_mm. */
static void front_target(float *out, double soft_mm) {
    for (uint32_t v = 0; v < head.vertex_count; ++v) {
        double cx, cz;
        chart(head.positions + 3 * (size_t)v, &cx, &cz);
        int inside = cz > -10 && fabs(cx) < 45;
        double ramp = soft_mm > 0 ? 1.0 - smooth(75 - soft_mm, 75, cz) : cz < 75;
        out[v] = inside ? (float)(80.0 * ramp) : 0.0f;
    }
}

static void setup(void) {
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 64};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK, "%s", err.message);
    target = malloc(sizeof(float) * head.vertex_count);
    cap_target(target);
    smp_skin_desc sd = {.mst = 4};
    cr_assert_eq(smp_skin_resolve(&sd, &skin, &err), SMP_OK, "%s", err.message);
    smp_age_session s = {.t_years = 0};
    smp_age_desc ad = {.skin = &skin,
                       .sessions = &s,
                       .session_count = 1,
                       .sunscreen_spf = 30,
                       .outdoor_hours_per_day = 1};
    cr_assert_eq(smp_age_create(&ad, &model, &err), SMP_OK, "%s", err.message);
}

static void teardown(void) {
    smp_age_destroy(model);
    free(target);
    smp_mesh_free(&head);
}

TestSuite(score, .init = setup, .fini = teardown);

static void blue_dots(const float *density, uint64_t seed, smp_dots *dots) {
    smp_error err = {0};
    smp_scatter_desc d = {.mesh = &head,
                          .density_per_cm2 = density,
                          .rule = SMP_SCATTER_BLUE,
                          .seed = seed,
                          .session = {.technician_skill = 1.0f}};
    size_t need = 0;
    cr_assert_eq(smp_scatter_capacity(&d, &need, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_dots_alloc(dots, need, 0, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_scatter(&d, dots, &err), SMP_OK, "%s", err.message);
}

static void put_dot(smp_dots *d, uint32_t t, float u, float v) {
    const uint32_t *ix = head.indices + 3 * (size_t)t;
    const float *a = head.positions + 3 * ix[0], *b = head.positions + 3 * ix[1],
                *c = head.positions + 3 * ix[2];
    size_t o = d->count++;
    uint16_t bu = (uint16_t)(u * 65535.0f + 0.5f), bv = (uint16_t)(v * 65535.0f + 0.5f);
    float qu = bu / 65535.0f, qv = bv / 65535.0f;
    d->x[o] = a[0] + qu * (b[0] - a[0]) + qv * (c[0] - a[0]);
    d->y[o] = a[1] + qu * (b[1] - a[1]) + qv * (c[1] - a[1]);
    d->z[o] = a[2] + qu * (b[2] - a[2]) + qv * (c[2] - a[2]);
    float e1[3], e2[3], n[3];
    for (int k = 0; k < 3; ++k) e1[k] = b[k] - a[k], e2[k] = c[k] - a[k];
    n[0] = e1[1] * e2[2] - e1[2] * e2[1];
    n[1] = e1[2] * e2[0] - e1[0] * e2[2];
    n[2] = e1[0] * e2[1] - e1[1] * e2[0];
    float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int k = 0; k < 3; ++k) n[k] /= len;
    d->normal[o] = smp_normal_encode_oct(n);
    d->triangle[o] = t;
    d->bary_u[o] = bu, d->bary_v[o] = bv;
    d->radius_um[o] = 75, d->depth_um[o] = 400, d->ink[o] = 255;
    d->session[o] = 0, d->tissue[o] = SMP_TISSUE_SKIN;
}

/* A square grid of the given spacing seen from above, dropped onto the upward-facing skin
 * where the target asks for dots: the mechanical placement trainers warn about. */
static void grid_dots(double spacing_mm, smp_dots *dots) {
    smp_error err = {0};
    cr_assert_eq(smp_dots_alloc(dots, 200000, 0, &err), SMP_OK);
    for (uint32_t t = 0; t < head.triangle_count; ++t) {
        const uint32_t *ix = head.indices + 3 * (size_t)t;
        const float *a = head.positions + 3 * ix[0], *b = head.positions + 3 * ix[1],
                    *c = head.positions + 3 * ix[2];
        if (target[ix[0]] <= 0 && target[ix[1]] <= 0 && target[ix[2]] <= 0) continue;
        if (a[1] < 0) continue;
        double x0 = fmin(a[0], fmin(b[0], c[0])), x1 = fmax(a[0], fmax(b[0], c[0]));
        double z0 = fmin(a[2], fmin(b[2], c[2])), z1 = fmax(a[2], fmax(b[2], c[2]));
        double ux = b[0] - a[0], uz = b[2] - a[2], vx = c[0] - a[0], vz = c[2] - a[2];
        double den = ux * vz - uz * vx;
        if (den >= 0) continue; /* faces away from +Y (its normal's y is −den) */
        for (long i = (long)ceil(x0 / spacing_mm); i * spacing_mm <= x1; ++i)
            for (long k = (long)ceil(z0 / spacing_mm); k * spacing_mm <= z1; ++k) {
                double px = i * spacing_mm - a[0], pz = k * spacing_mm - a[2];
                double u = (px * vz - pz * vx) / den, v = (ux * pz - uz * px) / den;
                if (u < 0 || v < 0 || u + v >= 1) continue;
                /* a lattice node on a shared edge belongs to one triangle only */
                if (u == 0 || v == 0) continue;
                put_dot(dots, t, (float)u, (float)v);
            }
    }
}

static smp_score_ctx *make_ctx(const float *tgt, int hairline) {
    smp_error err = {0};
    smp_score_desc d = {.head = &head,
                        .target_density_per_cm2 = tgt,
                        .model = model,
                        .skin = &skin,
                        .hairline = hairline};
    smp_score_ctx *ctx = NULL;
    cr_assert_eq(smp_score_create(&d, &ctx, &err), SMP_OK, "%s", err.message);
    return ctx;
}

static void score_of(smp_score_ctx *ctx, const smp_dots *dots, smp_score *s) {
    smp_error err = {0};
    cr_assert_eq(smp_score_eval(ctx, dots, s, &err), SMP_OK, "%s", err.message);
}

Test(score, blue_noise_meets_the_target_and_spacing_ideal) {
    smp_dots dots = {0};
    blue_dots(target, 11, &dots);
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score s;
    score_of(ctx, &dots, &s);
    /* the scatter's own density, edges included, within 10 % of the target */
    cr_assert_lt(s.density_error, 0.10, "density error %g", s.density_error);
    cr_assert_lt(s.clump_share, 0.01, "clumps %g", s.clump_share);
    cr_assert_lt(s.nn_cv, 0.25, "nn cv %g", s.nn_cv);
    cr_assert_lt(s.lattice_order, 0.3, "lattice %g", s.lattice_order);
    cr_assert_gt(s.item[SMP_SCORE_SPACING], 90.0, "spacing %g: %s", s.item[SMP_SCORE_SPACING],
                 s.hint[SMP_SCORE_SPACING]);
    cr_assert(isnan(s.item[SMP_SCORE_HAIRLINE]));
    smp_score_destroy(ctx);
    smp_dots_free(&dots);
}

Test(score, a_grid_scores_worse_than_blue_noise) {
    smp_dots blue = {0}, grid = {0};
    blue_dots(target, 11, &blue);
    grid_dots(10.0 / sqrt(80.0), &grid);
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score sb, sg;
    score_of(ctx, &blue, &sb);
    score_of(ctx, &grid, &sg);
    cr_assert_gt(sg.lattice_order, sb.lattice_order + 0.3, "grid %g blue %g", sg.lattice_order,
                 sb.lattice_order);
    cr_assert_lt(sg.item[SMP_SCORE_SPACING], sb.item[SMP_SCORE_SPACING] - 30, "grid %g blue %g",
                 sg.item[SMP_SCORE_SPACING], sb.item[SMP_SCORE_SPACING]);
    cr_assert_not_null(strstr(sg.hint[SMP_SCORE_SPACING], "rows"), "%s",
                       sg.hint[SMP_SCORE_SPACING]);
    smp_score_destroy(ctx);
    smp_dots_free(&blue);
    smp_dots_free(&grid);
}

/* Clumps: a third of the density in blue noise, each dot with two companions a few tenths of a
 * millimetre away: the same count as even spacing, in threes. */
Test(score, a_clump_scores_worse_than_even_spacing) {
    smp_error err = {0};
    float *third = malloc(sizeof(float) * head.vertex_count);
    for (uint32_t v = 0; v < head.vertex_count; ++v) third[v] = target[v] / 3.0f;
    smp_dots seeds = {0}, clumps = {0}, even = {0};
    blue_dots(third, 5, &seeds);
    blue_dots(target, 5, &even);
    cr_assert_eq(smp_dots_alloc(&clumps, 3 * seeds.count, 0, &err), SMP_OK);
    for (size_t i = 0; i < seeds.count; ++i) {
        float u = seeds.bary_u[i] / 65535.0f, v = seeds.bary_v[i] / 65535.0f;
        /* convex combinations of points inside the triangle stay inside it */
        put_dot(&clumps, seeds.triangle[i], u, v);
        put_dot(&clumps, seeds.triangle[i], u + 0.3f * (0.6f - u), v + 0.3f * (0.2f - v));
        put_dot(&clumps, seeds.triangle[i], u + 0.3f * (0.2f - u), v + 0.3f * (0.6f - v));
    }
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score sc, se;
    score_of(ctx, &clumps, &sc);
    score_of(ctx, &even, &se);
    cr_assert_gt(sc.clump_share, 0.5, "clump share %g", sc.clump_share);
    cr_assert_lt(sc.item[SMP_SCORE_SPACING], se.item[SMP_SCORE_SPACING] - 30, "clumps %g even %g",
                 sc.item[SMP_SCORE_SPACING], se.item[SMP_SCORE_SPACING]);
    cr_assert_not_null(strstr(sc.hint[SMP_SCORE_SPACING], "closer"), "%s",
                       sc.hint[SMP_SCORE_SPACING]);
    /* companions so close also blur together first */
    cr_assert_gt(sc.merge_share_10, se.merge_share_10);
    smp_score_destroy(ctx);
    free(third);
    smp_dots_free(&seeds);
    smp_dots_free(&clumps);
    smp_dots_free(&even);
}

Test(score, too_deep_dots_show_more_merge_risk_at_year_10) {
    smp_dots right = {0}, deep = {0};
    blue_dots(target, 3, &right);
    blue_dots(target, 3, &deep);
    for (size_t i = 0; i < deep.count; ++i) deep.depth_um[i] = 1200;
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score sr, sd;
    score_of(ctx, &right, &sr);
    score_of(ctx, &deep, &sd);
    cr_assert_gt(sd.merge_share_10, sr.merge_share_10 + 0.2, "deep %g right %g", sd.merge_share_10,
                 sr.merge_share_10);
    cr_assert_geq(sd.merge_share_10, sd.merge_share_5);
    cr_assert_lt(sd.item[SMP_SCORE_MERGE], sr.item[SMP_SCORE_MERGE]);
    cr_assert_lt(sd.item[SMP_SCORE_CONSISTENCY], sr.item[SMP_SCORE_CONSISTENCY]);
    cr_assert_not_null(strstr(sd.hint[SMP_SCORE_CONSISTENCY], "deeper"), "%s",
                       sd.hint[SMP_SCORE_CONSISTENCY]);
    smp_score_destroy(ctx);
    smp_dots_free(&right);
    smp_dots_free(&deep);
}

Test(score, a_hard_hairline_scores_worse_than_a_soft_one) {
    float *hard = malloc(sizeof(float) * head.vertex_count);
    float *soft = malloc(sizeof(float) * head.vertex_count);
    front_target(hard, 0);
    front_target(soft, 8);
    smp_dots dh = {0}, ds = {0};
    blue_dots(hard, 9, &dh);
    blue_dots(soft, 9, &ds);
    smp_score_ctx *ctx = make_ctx(soft, 1);
    smp_score sh, ss;
    score_of(ctx, &dh, &sh);
    score_of(ctx, &ds, &ss);
    cr_assert_lt(sh.hairline_softness_mm, 2.5, "hard %g", sh.hairline_softness_mm);
    cr_assert_gt(ss.hairline_softness_mm, 4.0, "soft %g", ss.hairline_softness_mm);
    cr_assert_lt(sh.item[SMP_SCORE_HAIRLINE], ss.item[SMP_SCORE_HAIRLINE] - 20, "hard %g soft %g",
                 sh.item[SMP_SCORE_HAIRLINE], ss.item[SMP_SCORE_HAIRLINE]);
    cr_assert_not_null(strstr(sh.hint[SMP_SCORE_HAIRLINE], "hard"), "%s",
                       sh.hint[SMP_SCORE_HAIRLINE]);
    smp_score_destroy(ctx);
    free(hard);
    free(soft);
    smp_dots_free(&dh);
    smp_dots_free(&ds);
}

Test(score, half_the_density_reads_half_the_target_in_number_map_and_hint) {
    smp_error err = {0};
    float *half = malloc(sizeof(float) * head.vertex_count);
    for (uint32_t v = 0; v < head.vertex_count; ++v) half[v] = target[v] / 2.0f;
    smp_dots dots = {0};
    blue_dots(half, 21, &dots);
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score s;
    score_of(ctx, &dots, &s);
    cr_assert_float_eq(s.zone[0].error, -0.5, 0.06, "top error %g", s.zone[0].error);
    cr_assert_float_eq(s.density_error, 0.5, 0.06);
    cr_assert_not_null(strstr(s.hint[SMP_SCORE_DENSITY], "top"), "%s", s.hint[SMP_SCORE_DENSITY]);
    cr_assert_not_null(strstr(s.hint[SMP_SCORE_DENSITY], "too sparse"), "%s",
                       s.hint[SMP_SCORE_DENSITY]);
    float *heat = malloc(sizeof(float) * head.vertex_count);
    cr_assert_eq(smp_score_density_map(ctx, &dots, heat, &err), SMP_OK, "%s", err.message);
    /* well inside the cap (within 20°, away from the edge the kernel straddles) */
    double sum = 0;
    int n = 0;
    for (uint32_t v = 0; v < head.vertex_count; ++v) {
        const float *p = head.positions + 3 * (size_t)v;
        float r = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        if (p[1] / r > cosf(20.0f * 3.14159265f / 180.0f)) sum += heat[v], ++n;
        if (p[1] < 0) cr_assert_eq(heat[v], 0.0f, "vertex %u far from any dot", v);
    }
    cr_assert_gt(n, 50);
    cr_assert_float_eq(sum / n, -0.5, 0.06, "mean heat %g", sum / n);
    smp_score_destroy(ctx);
    free(heat);
    free(half);
    smp_dots_free(&dots);
}

Test(score, scoring_is_deterministic_to_the_bit) {
    smp_dots dots = {0};
    blue_dots(target, 4, &dots);
    for (size_t i = 0; i < dots.count; i += 7) dots.depth_um[i] = 900;
    smp_score_ctx *a = make_ctx(target, 1), *b = make_ctx(target, 1);
    smp_score s1, s2, s3;
    score_of(a, &dots, &s1);
    score_of(a, &dots, &s2);
    score_of(b, &dots, &s3);
    cr_assert_eq(memcmp(&s1, &s2, sizeof s1), 0);
    cr_assert_eq(memcmp(&s1, &s3, sizeof s1), 0);
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k)
        cr_assert_gt(strlen(s1.hint[k]), 10, "item %s has a hint",
                     smp_score_item_name((smp_score_item)k));
    cr_assert(s1.overall > 0 && s1.overall <= 100, "%g", s1.overall);
    cr_assert(s1.contrast_0 > s1.contrast_5 && s1.contrast_5 > 0, "%g %g", s1.contrast_0,
              s1.contrast_5);
    cr_assert(s1.touch_up_due_years > 1 && s1.touch_up_due_years < 100, "%g",
              s1.touch_up_due_years);
    smp_score_destroy(a);
    smp_score_destroy(b);
    smp_dots_free(&dots);
}

Test(score, dots_off_the_head_are_refused_naming_the_dot) {
    smp_error err = {0};
    smp_dots dots = {0};
    blue_dots(target, 2, &dots);
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score s;
    uint32_t tri = dots.triangle[5];
    dots.triangle[5] = head.triangle_count + 3;
    cr_assert_eq(smp_score_eval(ctx, &dots, &s, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "dot 5: triangle"), "%s", err.message);
    dots.triangle[5] = tri;
    uint16_t u = dots.bary_u[7];
    dots.bary_u[7] = 60000, dots.bary_v[7] = 60000;
    cr_assert_eq(smp_score_eval(ctx, &dots, &s, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "dot 7: barycentrics"), "%s", err.message);
    dots.bary_u[7] = u;
    dots.bary_v[7] = 0;
    cr_assert_eq(smp_score_eval(ctx, &dots, &s, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "dot 7: position"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "off the head surface"), "%s", err.message);
    smp_score_destroy(ctx);
    smp_dots_free(&dots);
}

Test(score, an_empty_target_or_a_bad_desc_is_refused) {
    smp_error err = {0};
    float *zero = calloc(head.vertex_count, sizeof(float));
    smp_score_desc d = {
        .head = &head, .target_density_per_cm2 = zero, .model = model, .skin = &skin};
    smp_score_ctx *ctx = NULL;
    cr_assert_eq(smp_score_create(&d, &ctx, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "nothing to score"), "%s", err.message);
    cr_assert_null(ctx);
    d.target_density_per_cm2 = target;
    d.kernel_mm = 100;
    cr_assert_eq(smp_score_create(&d, &ctx, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "kernel_mm"), "%s", err.message);
    zero[3] = NAN;
    d.kernel_mm = 0, d.target_density_per_cm2 = zero;
    cr_assert_eq(smp_score_create(&d, &ctx, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "target_density_per_cm2[3]"), "%s", err.message);
    free(zero);
}

/* 200,000 punctures on one spot (a stuck hand, or a file made to stall the scorer) are scored
 * in linear time and judged a clump: the neighbour queries read a bounded share of a cell that
 * holds far more dots than the target puts in it. Quadratic, this took over two minutes. */
Test(score, many_punctures_on_one_spot_are_scored_as_a_clump, .timeout = 120) {
    smp_error err = {0};
    smp_dots seeds = {0}, pile = {0};
    blue_dots(target, 3, &seeds);
    cr_assert_gt(seeds.count, 0u);
    enum { N = 200000 };
    cr_assert_eq(smp_dots_alloc(&pile, N, 0, &err), SMP_OK);
    float u0 = seeds.bary_u[0] / 65535.0f, v0 = seeds.bary_v[0] / 65535.0f;
    for (int i = 0; i < N; ++i) /* within a few µm of the first blue dot */
        put_dot(&pile, seeds.triangle[0], u0 * (1.0f - 1e-3f * (float)(i % 17) / 17.0f),
                v0 * (1.0f - 1e-3f * (float)(i % 13) / 13.0f));
    smp_score_ctx *ctx = make_ctx(target, 0);
    smp_score s;
    score_of(ctx, &pile, &s);
    cr_assert_gt(s.clump_share, 0.99, "clump share %g", s.clump_share);
    cr_assert_lt(s.item[SMP_SCORE_SPACING], 5.0, "spacing %g", s.item[SMP_SCORE_SPACING]);
    smp_score_destroy(ctx);
    smp_dots_free(&seeds);
    smp_dots_free(&pile);
}
