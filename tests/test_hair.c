/* The client's own hair: where it grows and how densely, the angle and direction it grows at,
 * how long, and that a seed gives the same hair every time. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/hair.h"
#include "smp/head.h"

static smp_mesh g_head;
static smp_landmarks g_lm;

static void head_setup(void) {
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 64};
    cr_assert_eq(smp_head_build(&hd, &g_head, &err), SMP_OK, "%s", err.message);
    smp_landmarks_procedural(&g_lm);
}

static void head_teardown(void) { smp_mesh_free(&g_head); }

TestSuite(hair, .init = head_setup, .fini = head_teardown);

static smp_fields *make_fields(const smp_fields_desc *d) {
    smp_fields *f = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_fields_create(d, &g_head, &g_lm, &f, &err), SMP_OK, "%s", err.message);
    return f;
}

static void grow(smp_fields *f, uint64_t seed, size_t max_hairs, smp_hair_set *out) {
    smp_error err = {0};
    smp_hair_grow_desc d = {
        .mesh = &g_head, .fields = f, .landmarks = &g_lm, .seed = seed, .max_hairs = max_hairs};
    cr_assert_eq(smp_hair_grow(&d, out, &err), SMP_OK, "%s", err.message);
}

static const float *root(const smp_hair_set *h, size_t i) {
    return h->points + 3 * (size_t)(h->segments + 1) * i;
}

/* A cone around a direction from the head-frame origin: the regions the tests count in. */
typedef struct cone {
    float dir[3];
    float cos_half;
} cone;

static cone make_cone(float x, float y, float z, float half_deg) {
    float len = sqrtf(x * x + y * y + z * z);
    return (cone){{x / len, y / len, z / len}, cosf(half_deg * 3.14159265f / 180.0f)};
}

static int in_cone(const cone *c, const float p[3]) {
    float len = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    return p[0] * c->dir[0] + p[1] * c->dir[1] + p[2] * c->dir[2] >= c->cos_half * len;
}

/* Hairs the fields ask for inside the cone: ∫ native units × hair multiplier × hairs per unit
 * over the triangles whose centroid lies in it (the scatter core interpolates the per-vertex
 * density linearly, so the triangle's mean is exact). */
static double expected_in_cone(smp_fields *f, const cone *c, double *area_out) {
    size_t v = g_head.vertex_count;
    float *native = malloc(sizeof(float) * v), *mult = malloc(sizeof(float) * v);
    smp_fields_out o = {.hair = mult, .native_fu_per_cm2 = native};
    smp_fields_eval(f, g_head.positions, v, &o);
    double sum = 0, area = 0;
    for (uint32_t t = 0; t < g_head.triangle_count; ++t) {
        const uint32_t *ix = g_head.indices + 3 * (size_t)t;
        const float *a = g_head.positions + 3 * ix[0], *b = g_head.positions + 3 * ix[1],
                    *cc = g_head.positions + 3 * ix[2];
        float centroid[3], e1[3], e2[3];
        for (int k = 0; k < 3; ++k) {
            centroid[k] = (a[k] + b[k] + cc[k]) / 3.0f;
            e1[k] = b[k] - a[k], e2[k] = cc[k] - a[k];
        }
        if (!in_cone(c, centroid)) continue;
        double nx = e1[1] * e2[2] - e1[2] * e2[1], ny = e1[2] * e2[0] - e1[0] * e2[2],
               nz = e1[0] * e2[1] - e1[1] * e2[0];
        double area_cm2 = 0.5 * sqrt(nx * nx + ny * ny + nz * nz) / 100.0;
        double d = 0;
        for (int k = 0; k < 3; ++k) d += native[ix[k]] * fmax(mult[ix[k]], 0.0) / 3.0;
        sum += d * area_cm2;
        area += area_cm2;
    }
    free(native);
    free(mult);
    if (area_out) *area_out = area;
    return sum * smp_fields_resolved(f)->hair.hairs_per_fu;
}

static size_t count_in_cone(const smp_hair_set *h, const cone *c) {
    size_t n = 0;
    for (size_t i = 0; i < h->count; ++i) n += in_cone(c, root(h, i));
    return n;
}

/* Units land as a Poisson process and carry 1 + Binomial(3, p) hairs, so the count of hairs in
 * a region has variance E[units] · E[n²]; allowed: 4 standard deviations, plus 2 % for the
 * cone's edge cutting triangles the expectation counts whole. */
static void assert_density(const smp_hair_set *h, smp_fields *f, const cone *c, const char *what) {
    double expected = expected_in_cone(f, c, NULL);
    double per_unit = smp_fields_resolved(f)->hair.hairs_per_fu;
    double p = (per_unit - 1.0) / 3.0;
    double n2 = 3.0 * p * (1.0 - p) + per_unit * per_unit;
    double sd = sqrt(expected / per_unit * n2);
    double got = (double)count_in_cone(h, c);
    cr_assert(fabs(got - expected) <= 4.0 * sd + 0.02 * expected,
              "%s: %.0f hairs, expected %.1f ± %.1f", what, got, expected, 4.0 * sd);
}

Test(hair, density_follows_the_fields_region_by_region) {
    smp_fields_desc d = {0};
    d.pattern.kind = SMP_PATTERN_LUDWIG;
    d.pattern.stage = 2;
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    grow(f, 3, 0, &h);
    /* Full native density at the back; the Ludwig II crown at 0.35 of it. */
    cone back = make_cone(0, 0.1f, -1, 20), crown = make_cone(0, 1, -0.15f, 12);
    assert_density(&h, f, &back, "back");
    assert_density(&h, f, &crown, "thinned crown");
    /* What the regions should come to: 86 units × 2.4 hairs per cm² at the back, and well
     * under half of that on the crown. */
    double back_cm2, crown_cm2;
    expected_in_cone(f, &back, &back_cm2);
    expected_in_cone(f, &crown, &crown_cm2);
    double back_density = (double)count_in_cone(&h, &back) / back_cm2;
    double crown_density = (double)count_in_cone(&h, &crown) / crown_cm2;
    cr_assert_gt(back_cm2, 10.0, "the back region is too small to test: %.1f cm²", back_cm2);
    cr_assert(fabs(back_density - 86.0 * 2.4) < 0.1 * 86.0 * 2.4, "back: %.1f hairs/cm²",
              back_density);
    cr_assert_lt(crown_density, 0.5 * back_density, "crown %.1f vs back %.1f hairs/cm²",
                 crown_density, back_density);
    cr_assert(fabs((double)h.count - h.expected) < 0.03 * h.expected, "%zu hairs, expected %.0f",
              h.count, h.expected);
    smp_hair_set_free(&h);
    smp_fields_destroy(f);
}

Test(hair, any_first_share_is_an_even_thinning) {
    /* The renderer draws the first k hairs of a moving frame: they must spread like all of
     * them. Per octant of the head, the first quarter's count against a quarter of the total
     * (hypergeometric, so the chi-square is conservative). */
    smp_fields_desc d = {0};
    d.pattern.kind = SMP_PATTERN_LUDWIG;
    d.pattern.stage = 3;
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    grow(f, 5, 0, &h);
    cr_assert_gt(h.count, 20000, "%zu hairs", h.count);
    size_t quarter = h.count / 4;
    double all[8] = {0}, first[8] = {0};
    for (size_t i = 0; i < h.count; ++i) {
        const float *p = root(&h, i);
        int o = (p[0] > 0) | (p[1] > 0) << 1 | (p[2] > 0) << 2;
        all[o] += 1.0;
        if (i < quarter) first[o] += 1.0;
    }
    double chi2 = 0.0;
    int bins = 0;
    for (int o = 0; o < 8; ++o) {
        double e = all[o] * (double)quarter / (double)h.count;
        if (e < 20.0) continue;
        chi2 += (first[o] - e) * (first[o] - e) / e;
        ++bins;
    }
    cr_assert_geq(bins, 4, "hair in %d octants only", bins);
    /* 7 degrees of freedom at most: 24.3 is the 0.1 % critical value */
    cr_assert_lt(chi2, 24.3, "the first quarter of the hairs is clustered: chi-square %.1f", chi2);
    smp_hair_set_free(&h);
    smp_fields_destroy(f);
}

Test(hair, none_where_the_fields_say_bald) {
    smp_fields_desc d = {0};
    d.pattern.kind = SMP_PATTERN_NORWOOD;
    d.pattern.stage = 6;
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    grow(f, 5, 0, &h);
    cr_assert_gt(h.count, 10000, "a Norwood VI fringe has hair: %zu", h.count);
    /* The top of a Norwood VI head is bald: the fields give zero there, and so must the hair. */
    cone top = make_cone(0, 1, 0.2f, 20);
    size_t v = g_head.vertex_count, bald_vertices = 0;
    float *mult = malloc(sizeof(float) * v);
    smp_fields_out o = {.hair = mult};
    smp_fields_eval(f, g_head.positions, v, &o);
    for (size_t i = 0; i < v; ++i)
        if (in_cone(&top, g_head.positions + 3 * i)) {
            cr_assert_eq(mult[i], 0.0f, "vertex %zu of the top has hair multiplier %f", i, mult[i]);
            ++bald_vertices;
        }
    cr_assert_gt(bald_vertices, 100);
    free(mult);
    cr_assert_eq(count_in_cone(&h, &top), 0, "%zu hairs on the bald top", count_in_cone(&h, &top));
    /* Every root where the fields give hair (up to the width of one triangle at soft edges). */
    size_t n = h.count, stray = 0;
    float *roots = malloc(sizeof(float) * 3 * n), *at = malloc(sizeof(float) * n),
          *native = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; ++i) memcpy(roots + 3 * i, root(&h, i), 3 * sizeof(float));
    smp_fields_out ro = {.hair = at, .native_fu_per_cm2 = native};
    smp_fields_eval(f, roots, n, &ro);
    for (size_t i = 0; i < n; ++i) stray += native[i] * at[i] <= 0.0f;
    cr_assert_lt(stray, n / 200, "%zu of %zu hairs where the fields say no hair grows", stray, n);
    free(roots);
    free(at);
    free(native);
    smp_hair_set_free(&h);
    smp_fields_destroy(f);
}

Test(hair, stubble_leaves_the_skin_at_an_acute_angle_and_its_length) {
    smp_fields_desc d = {0};
    d.hair.stubble_mm = 1.5f;
    d.hair.shaft_diameter_um = 70.0f;
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    grow(f, 9, 0, &h);
    cr_assert_eq(h.segments, 1);
    double sum_elev = 0;
    for (size_t i = 0; i < h.count; ++i) {
        const float *p = root(&h, i);
        float n[3], dir[3];
        smp_normal_decode_oct(h.normal[i], n);
        for (int k = 0; k < 3; ++k) dir[k] = p[3 + k] - p[k];
        float len = sqrtf(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
        float elev = asinf((dir[0] * n[0] + dir[1] * n[1] + dir[2] * n[2]) / len) * 57.29578f;
        cr_assert(elev > 24.5f && elev < 50.5f, "hair %zu leaves the skin at %.1f°", i, elev);
        cr_assert(len > 1.5f * 0.85f - 1e-4f && len < 1.5f * 1.15f + 1e-4f, "hair %zu: %.3f mm", i,
                  len);
        cr_assert(h.diameter_mm[i] >= 0.070f * 0.85f - 1e-6f &&
                      h.diameter_mm[i] <= 0.070f * 1.15f + 1e-6f,
                  "hair %zu: shaft %.4f mm", i, h.diameter_mm[i]);
        sum_elev += elev;
    }
    double mean = sum_elev / (double)h.count;
    cr_assert(fabs(mean - 37.5) < 1.0, "mean angle to the skin %.2f°, expected 37.5°", mean);
    smp_hair_set_free(&h);
    smp_fields_destroy(f);
}

/* The pattern of growth: forward on the frontal scalp, down at the back and over the ears, and
 * a clockwise whorl (seen from above) at the crown. */
Test(hair, grows_forward_in_front_down_behind_and_round_the_whorl) {
    float n[3], g[3];
    const float front[3] = {0, 120, 70};
    memcpy(n, front, sizeof n);
    float l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int k = 0; k < 3; ++k) n[k] /= l;
    smp_hair_flow(&g_lm, front, n, 0, g);
    cr_assert_gt(g[2], 0.7f, "frontal scalp: (%.2f %.2f %.2f)", g[0], g[1], g[2]);
    const float back[3] = {0, 20, -100}, back_n[3] = {0, 0.2f, -0.98f};
    smp_hair_flow(&g_lm, back, back_n, 0, g);
    cr_assert_lt(g[1], -0.7f, "back: (%.2f %.2f %.2f)", g[0], g[1], g[2]);
    const float side[3] = {80, 40, 0}, side_n[3] = {0.9f, 0.44f, 0};
    smp_hair_flow(&g_lm, side, side_n, 0, g);
    cr_assert_lt(g[1], -0.5f, "side: (%.2f %.2f %.2f)", g[0], g[1], g[2]);
    /* Around the whorl every direction turns the same way about the up axis. */
    int turns = 0;
    for (int i = 0; i < 8; ++i) {
        float a = (float)i * 0.785398f;
        float p[3] = {-8.0f + 12.0f * sinf(a), 140.0f, -40.0f + 12.0f * cosf(a)};
        float pn[3] = {p[0] / 150.0f, 0.95f, p[2] / 150.0f};
        float pl = sqrtf(pn[0] * pn[0] + pn[1] * pn[1] + pn[2] * pn[2]);
        for (int k = 0; k < 3; ++k) pn[k] /= pl;
        smp_hair_flow(&g_lm, p, pn, 0, g);
        /* offset from the whorl's axis crossed with the flow: y < 0 is clockwise from above */
        float ox = p[0] + 8.0f, oz = p[2] + 40.0f;
        turns += (oz * g[0] - ox * g[2]) < 0.0f;
    }
    cr_assert_eq(turns, 8, "%d of 8 directions round the whorl turn clockwise from above", turns);
}

Test(hair, long_hair_falls_and_stays_outside_the_head) {
    smp_fields_desc d = {0};
    d.hair.stubble_mm = 200.0f;
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    grow(f, 11, 20000, &h);
    cr_assert_eq(h.segments, 10);
    cr_assert(h.width_scale > 1.0f, "20000 hairs is fewer than a full head: %f", h.width_scale);
    size_t falling = 0, checked = 0;
    for (size_t i = 0; i < h.count; i += 97, ++checked) {
        const float *p = root(&h, i);
        falling += p[3 * 10 + 1] < p[1] - 20.0f;
        for (int k = 1; k <= 10; ++k) {
            const float *q = p + 3 * k;
            /* the nearest vertex of the head: the point must not be behind its surface */
            float best = 1e30f;
            uint32_t bv = 0;
            for (uint32_t v = 0; v < g_head.vertex_count; ++v) {
                const float *x = g_head.positions + 3 * (size_t)v;
                float dd = (q[0] - x[0]) * (q[0] - x[0]) + (q[1] - x[1]) * (q[1] - x[1]) +
                           (q[2] - x[2]) * (q[2] - x[2]);
                if (dd < best) best = dd, bv = v;
            }
            const float *x = g_head.positions + 3 * (size_t)bv,
                        *xn = g_head.normals + 3 * (size_t)bv;
            float above = (q[0] - x[0]) * xn[0] + (q[1] - x[1]) * xn[1] + (q[2] - x[2]) * xn[2];
            cr_assert_gt(above, -0.5f, "hair %zu point %d is %.2f mm inside the head", i, k,
                         -above);
        }
    }
    cr_assert_gt(falling, checked * 9 / 10, "only %zu of %zu strands fall", falling, checked);
    smp_hair_set_free(&h);
    smp_fields_destroy(f);
}

Test(hair, max_hairs_thins_and_widens_keeping_coverage) {
    smp_fields_desc d = {0};
    smp_fields *f = make_fields(&d);
    smp_hair_set full = {0}, thin = {0};
    grow(f, 2, 0, &full);
    grow(f, 2, 5000, &thin);
    cr_assert(fabs((double)thin.count - 5000.0) < 4.0 * sqrt(5000.0 * 1.5) + 50.0, "%zu hairs",
              thin.count);
    double cov_full = 0, cov_thin = 0;
    for (size_t i = 0; i < full.count; ++i) cov_full += full.diameter_mm[i];
    for (size_t i = 0; i < thin.count; ++i) cov_thin += thin.diameter_mm[i];
    cr_assert(fabs(cov_thin / cov_full - 1.0) < 0.05, "coverage changed by %.3f",
              cov_thin / cov_full);
    smp_hair_set_free(&full);
    smp_hair_set_free(&thin);
    smp_fields_destroy(f);
}

Test(hair, same_seed_same_hair) {
    smp_fields_desc d = {0};
    d.pattern.kind = SMP_PATTERN_NORWOOD;
    d.pattern.stage = 4;
    smp_fields *f = make_fields(&d);
    smp_hair_set a = {0}, b = {0}, c = {0};
    grow(f, 42, 0, &a);
    grow(f, 42, 0, &b);
    grow(f, 43, 0, &c);
    cr_assert_eq(a.count, b.count);
    cr_assert_eq(memcmp(a.points, b.points, sizeof(float) * 6 * a.count), 0);
    cr_assert_eq(memcmp(a.diameter_mm, b.diameter_mm, sizeof(float) * a.count), 0);
    cr_assert_eq(memcmp(a.color_srgb, b.color_srgb, 3 * a.count), 0);
    cr_assert(c.count != a.count || memcmp(a.points, c.points, sizeof(float) * 6 * a.count) != 0,
              "another seed gave the same hair");
    smp_hair_set_free(&a);
    smp_hair_set_free(&b);
    smp_hair_set_free(&c);
    smp_fields_destroy(f);
}

Test(hair, bad_input_is_named) {
    smp_fields_desc d = {0};
    smp_fields *f = make_fields(&d);
    smp_hair_set h = {0};
    smp_error err = {0};
    smp_hair_grow_desc gd = {.mesh = &g_head, .landmarks = &g_lm};
    cr_assert_eq(smp_hair_grow(&gd, &h, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "fields"), "%s", err.message);
    gd.fields = f;
    gd.segments = 1;
    cr_assert_eq(smp_hair_grow(&gd, &h, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "segments 1"), "%s", err.message);
    cr_assert_eq(h.count, 0);
    smp_fields_destroy(f);
}
