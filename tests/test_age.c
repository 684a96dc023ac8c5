/* The ageing model: healing, fading, touch-ups, scars, sun, depth, bad input, path parity. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_internal.h"
#include "smp/age.h"
#include "smp/blend.h"
#include "smp/simd.h"
#include "support.h"

#define DAY (1.0 / 365.25)

typedef struct plan {
    int mst, fitzpatrick;
    double hours, spf;
    int count;
    smp_age_session s[8];
} plan;

/* The default scene's plan: three sessions three weeks apart, lighter first. */
static plan default_plan(void) {
    plan p = {.mst = 4, .fitzpatrick = 3, .hours = 1, .spf = 1, .count = 3};
    const double dil[3] = {0.6, 0.45, 0.35};
    for (int i = 0; i < 3; ++i)
        p.s[i] = (smp_age_session){.t_years = 21 * i * DAY, .dilution = dil[i]};
    return p;
}

static smp_age_model *build(const plan *p) {
    static smp_skin skin; /* the model copies it */
    smp_error err = {0};
    cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = p->mst, .fitzpatrick = p->fitzpatrick},
                                  &skin, &err),
                 SMP_OK, "%s", err.message);
    smp_age_desc d = {.skin = &skin,
                      .sessions = p->s,
                      .session_count = p->count,
                      .outdoor_hours_per_day = p->hours,
                      .sunscreen_spf = p->spf};
    smp_age_model *m = NULL;
    cr_assert_eq(smp_age_create(&d, &m, &err), SMP_OK, "%s", err.message);
    return m;
}

static smp_dot_state dot(const smp_age_model *m, double t, unsigned depth_um, unsigned session,
                         unsigned tissue) {
    smp_dot_state s;
    smp_error err = {0};
    cr_assert_eq(smp_age_dot(m, t, 75, depth_um, 166, session, tissue, &s, &err), SMP_OK, "%s",
                 err.message);
    return s;
}

/* The light a dot takes, core and halo together, per band: 2π(σ²(1 − T) + σh²(1 − Th)). */
static void dot_take(const smp_dot_state *d, double take[3]) {
    for (int b = 0; b < 3; ++b)
        take[b] = 2.0 * 3.14159265358979 *
                  (d->sigma_mm * d->sigma_mm * (1.0 - d->trans[b]) +
                   d->halo_sigma_mm * d->halo_sigma_mm * (1.0 - d->halo_trans[b]));
}

static double luma_contrast(const smp_skin *skin, int tissue, const float tr[3]) {
    const double w[3] = {0.2126, 0.7152, 0.0722};
    double y = 0, yd = 0;
    for (int b = 0; b < 3; ++b) {
        y += w[b] * skin->tissue_albedo_linear[tissue][b];
        yd += w[b] * skin->tissue_albedo_linear[tissue][b] * tr[b];
    }
    return 1.0 - yd / y;
}

/* Float range reduction costs about one ulp of x·log2(e) in the exponent, so the bound grows
 * with x; over the model's range (x < 8) it stays under 2e-6. */
Test(age, own_exponential_is_accurate) {
    for (float x = 0.0f; x < 80.0f; x += 0.013f) {
        double want = exp(-(double)x);
        cr_assert_leq(fabs(age_expneg(x) - want), 2e-7 * (1.0 + x) * want + 1e-37,
                      "x %g: %.9g vs %.9g", x, age_expneg(x), want);
    }
    cr_assert_eq(age_expneg(0.0f), 1.0f);
    cr_assert_eq(age_expneg(200.0f), age_expneg(87.0f), "large arguments saturate");
}

Test(age, healing_loses_about_a_third_in_the_first_weeks) {
    plan p = default_plan();
    p.hours = 0;
    smp_age_model *m = build(&p);
    double fresh = dot(m, 0.0, 400, 0, 0).pigment;
    double four_weeks = dot(m, 28 * DAY, 400, 0, 0).pigment;
    double ratio = four_weeks / fresh;
    cr_assert(ratio >= 0.6 && ratio <= 0.72, "kept %.3f after 4 weeks", ratio);
    /* the fresh mark is larger than the healed dot, and the scab darker */
    smp_dot_state f = dot(m, 0.0, 400, 0, 0), h = dot(m, 0.25, 400, 0, 0);
    cr_assert_gt(f.sigma_mm, 1.4f * h.sigma_mm, "fresh %g, healed %g", f.sigma_mm, h.sigma_mm);
    cr_assert_lt(f.trans[1], h.trans[1]);
    smp_age_destroy(m);
}

Test(age, fading_is_monotone_between_sessions) {
    plan p = default_plan();
    p.s[3] = (smp_age_session){.t_years = 4.0, .touch_up = 1, .dilution = 0.4};
    p.count = 4;
    smp_age_model *m = build(&p);
    const double dates[5] = {0, 21 * DAY, 42 * DAY, 4.0, 30.0};
    for (int s = 0; s < 4; ++s)
        for (int k = 0; k < SMP_TISSUE_COUNT; ++k)
            for (unsigned z = 60; z <= 1500; z += 180)
                for (int seg = 0; seg < 4; ++seg) {
                    smp_dot_state prev = dot(m, dates[seg], z, (unsigned)s, (unsigned)k);
                    for (int i = 1; i <= 60; ++i) {
                        double t = dates[seg] + (dates[seg + 1] - dates[seg]) * i / 60.0;
                        if (i == 60) t = nextafter(dates[seg + 1], 0.0);
                        smp_dot_state cur = dot(m, t, z, (unsigned)s, (unsigned)k);
                        cr_assert_leq(cur.pigment, prev.pigment, "s%d k%d z%u t %g", s, k, z, t);
                        /* the light the dot takes in all: a spreading opaque deposit may darken
                         * its own centre a little while it fades as a whole */
                        double tp[3], tc[3];
                        dot_take(&prev, tp);
                        dot_take(&cur, tc);
                        /* (while the scab clears, its pigment's share moves into the dermis) */
                        if (t - dates[seg] < 30 * DAY) {
                            prev = cur;
                            continue;
                        }
                        for (int b = 0; b < 3; ++b)
                            cr_assert_leq(tc[b], tp[b] * (1.0 + 1e-5), "s%d k%d z%u t %g band %d",
                                          s, k, z, t, b);
                        prev = cur;
                    }
                }
    smp_age_destroy(m);
}

Test(age, touch_up_re_darkens_what_it_covers) {
    plan base = default_plan(), tu = default_plan();
    tu.s[3] = (smp_age_session){.t_years = 4.0, .touch_up = 1, .dilution = 0.4};
    tu.count = 4;
    plan scars_only = tu;
    scars_only.s[3].tissues = 1u << SMP_TISSUE_SCAR_LINEAR;
    smp_age_model *mb = build(&base), *mt = build(&tu), *ms = build(&scars_only);
    smp_dot_state before = dot(mt, 4.0 - DAY, 400, 0, 0), after = dot(mt, 4.0 + DAY, 400, 0, 0);
    cr_assert_gt(after.pigment, before.pigment);
    cr_assert_lt(after.trans[1], before.trans[1]);
    for (double t = 4.5; t <= 20.0; t += 2.5) {
        cr_assert_gt(dot(mt, t, 400, 1, 0).pigment, dot(mb, t, 400, 1, 0).pigment);
        cr_assert_lt(dot(mt, t, 400, 1, 0).trans[1], dot(mb, t, 400, 1, 0).trans[1]);
        /* a touch-up of the scar leaves normal skin as it was, and darkens the scar */
        cr_assert_eq(dot(ms, t, 400, 1, 0).pigment, dot(mb, t, 400, 1, 0).pigment);
        cr_assert_gt(dot(ms, t, 400, 1, 1).pigment, dot(mb, t, 400, 1, 1).pigment);
    }
    /* its own new dots do not exist before it */
    cr_assert_eq(dot(mt, 3.9, 400, 3, 0).pigment, 0.0f);
    cr_assert_eq(dot(mt, 3.9, 400, 3, 0).trans[1], 1.0f);
    double due_before, due_after;
    smp_blend_touch_up_due(mb, NULL, SMP_TISSUE_SKIN, &due_before, NULL);
    smp_blend_touch_up_due(mt, NULL, SMP_TISSUE_SKIN, &due_after, NULL);
    cr_assert_gt(due_after, 4.0, "the next touch-up is due after this one");
    cr_assert_gt(due_after, due_before);
    smp_age_destroy(mb);
    smp_age_destroy(mt);
    smp_age_destroy(ms);
}

Test(age, scars_fade_faster_and_spread_more) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    for (double t = 1.0; t <= 20.0; t += 1.0)
        for (int k = 1; k < SMP_TISSUE_COUNT; ++k) {
            smp_dot_state skin = dot(m, t, 400, 1, 0), scar = dot(m, t, 400, 1, (unsigned)k);
            cr_assert_lt(scar.pigment, skin.pigment, "tissue %d year %g", k, t);
            cr_assert_gt(scar.sigma_mm, skin.sigma_mm, "tissue %d year %g", k, t);
        }
    double due_skin, due_scar;
    smp_blend_touch_up_due(m, NULL, SMP_TISSUE_SKIN, &due_skin, NULL);
    smp_blend_touch_up_due(m, NULL, SMP_TISSUE_SCAR_LINEAR, &due_scar, NULL);
    cr_assert_lt(due_scar, due_skin);
    smp_age_destroy(m);
}

Test(age, sun_fades_faster_and_sunscreen_slows_it) {
    plan indoor = default_plan(), sunny = default_plan(), screened = default_plan();
    indoor.hours = 0;
    sunny.hours = 4;
    screened.hours = 4;
    screened.spf = 50;
    plan fair = sunny, deep = sunny;
    fair.fitzpatrick = 1;
    deep.fitzpatrick = 6;
    smp_age_model *mi = build(&indoor), *ms = build(&sunny), *mp = build(&screened),
                  *mf = build(&fair), *md = build(&deep);
    for (double t = 0.5; t <= 30.0; t += 0.5) {
        float pi = dot(mi, t, 400, 2, 0).pigment, ps = dot(ms, t, 400, 2, 0).pigment,
              pp = dot(mp, t, 400, 2, 0).pigment;
        cr_assert_lt(ps, pp, "year %g", t);
        cr_assert_lt(pp, pi, "year %g", t);
        cr_assert_lt(dot(mf, t, 400, 2, 0).pigment, dot(md, t, 400, 2, 0).pigment,
                     "Fitzpatrick I fades faster than VI, year %g", t);
    }
    double due_i, due_s, due_p;
    smp_blend_touch_up_due(mi, NULL, SMP_TISSUE_SKIN, &due_i, NULL);
    smp_blend_touch_up_due(ms, NULL, SMP_TISSUE_SKIN, &due_s, NULL);
    smp_blend_touch_up_due(mp, NULL, SMP_TISSUE_SKIN, &due_p, NULL);
    cr_assert(due_s < due_p && due_p < due_i, "due: sun %g, sunscreen %g, indoor %g", due_s, due_p,
              due_i);
    smp_age_destroy(mi);
    smp_age_destroy(ms);
    smp_age_destroy(mp);
    smp_age_destroy(mf);
    smp_age_destroy(md);
}

/* Within the papillary dermis a deeper needle leaves a longer column (darker, its halo wider);
 * below it the column leaves the dermal–epidermal junction, and the dot comes out wider,
 * fainter and bluer, by the optics alone. */
Test(age, deeper_dots_are_bluer_wider_and_fainter) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    smp_skin skin;
    smp_skin_resolve(&(smp_skin_desc){.mst = 4}, &skin, NULL);
    smp_dot_state prev = dot(m, 1.0, 100, 2, 0);
    for (unsigned z = 120; z <= 1500; z += 20) {
        smp_dot_state cur = dot(m, 1.0, z, 2, 0);
        double tp[3], tc[3];
        dot_take(&prev, tp);
        dot_take(&cur, tc);
        cr_assert_gt(cur.halo_sigma_mm, prev.halo_sigma_mm, "halo wider at %u µm", z);
        cr_assert_geq(cur.sigma_mm, prev.sigma_mm, "core no narrower at %u µm", z);
        if (z <= 440) cr_assert_gt(tc[1], tp[1], "a longer column takes more at %u µm", z);
        if (z >= 520) {
            cr_assert_gt(cur.sigma_mm, prev.sigma_mm, "wider at %u µm", z);
            cr_assert_lt(luma_contrast(&skin, 0, cur.trans), luma_contrast(&skin, 0, prev.trans),
                         "fainter at %u µm", z);
            /* the light the dot takes shifts to red with depth: it looks blue-grey */
            cr_assert_gt(tc[0] / tc[2], tp[0] / tp[2], "bluer at %u µm", z);
        }
        cr_assert_gt(tc[0], tc[2], "takes more red than blue at %u µm", z);
        prev = cur;
    }
    smp_age_destroy(m);
}

/* Per band, every step darker takes less light from the skin; in luminance the light tones
 * are alike (within 0.1 %) and the dark ones clearly lower. */
Test(age, darker_skin_shows_lower_contrast) {
    float prev[3] = {0, 0, 0};
    double lum[11] = {0};
    for (int mst = 1; mst <= 10; ++mst) {
        plan p = default_plan();
        p.mst = mst;
        smp_age_model *m = build(&p);
        smp_skin skin;
        smp_skin_resolve(&(smp_skin_desc){.mst = mst}, &skin, NULL);
        smp_dot_state d = dot(m, 1.0, 400, 2, 0);
        for (int b = 0; b < 3; ++b)
            cr_assert_gt(d.trans[b], prev[b], "MST%d band %d: %g", mst, b, d.trans[b]);
        memcpy(prev, d.trans, sizeof prev);
        lum[mst] = luma_contrast(&skin, 0, d.trans);
        if (mst > 1) cr_assert_lt(lum[mst], lum[mst - 1] + 1e-3, "MST%d: %g", mst, lum[mst]);
        smp_age_destroy(m);
    }
    cr_assert_lt(lum[7], 0.9 * lum[4]);
    cr_assert_lt(lum[10], 0.6 * lum[1], "MST10 %g vs MST1 %g", lum[10], lum[1]);
}

Test(age, temporary_ink_is_gone_by_year_three) {
    plan p = default_plan();
    for (int i = 0; i < 3; ++i) p.s[i].ink_class = SMP_INK_TEMPORARY;
    smp_age_model *m = build(&p);
    float healed = dot(m, 0.25, 400, 0, 0).pigment;
    cr_assert_gt(healed, 0.3f);
    for (int s = 0; s < 3; ++s) {
        smp_dot_state d = dot(m, 3.0, 400, (unsigned)s, 0);
        cr_assert_lt(d.pigment, 0.01f * healed, "session %d keeps %g", s, d.pigment);
        cr_assert_gt(d.trans[1], 0.995f);
    }
    smp_age_destroy(m);
}

Test(age, too_shallow_is_shed_within_weeks) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    float shallow = dot(m, 0.25, 50, 0, 0).pigment, right = dot(m, 0.25, 400, 0, 0).pigment;
    cr_assert_lt(shallow, 0.1f * right);
    cr_assert_gt(dot(m, 0.0, 50, 0, 0).pigment, 0.9f * dot(m, 0.0, 400, 0, 0).pigment,
                 "shedding takes weeks, not an instant");
    smp_age_destroy(m);
}

/* A fixed-seed random dot set, every field within range. */
static void random_dots(size_t n, int sessions, uint16_t *r, uint16_t *z, uint8_t *ink, uint8_t *s,
                        uint8_t *k) {
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        r[i] = (uint16_t)(1 + (x >> 8) % 400);
        z[i] = (uint16_t)((x >> 20) % (SMP_AGE_MAX_DEPTH_UM + 1));
        ink[i] = (uint8_t)(x >> 36);
        s[i] = (uint8_t)((x >> 44) % (uint64_t)sessions);
        k[i] = (uint8_t)((x >> 52) % SMP_TISSUE_COUNT);
    }
}

typedef struct buffers {
    float *v[9];
} buffers;

static buffers alloc_out(size_t n) {
    buffers b;
    for (int i = 0; i < 9; ++i) b.v[i] = calloc(n, sizeof(float));
    return b;
}
static void free_out(buffers *b) {
    for (int i = 0; i < 9; ++i) free(b->v[i]);
}
static smp_dot_look look_of(buffers *b) {
    return (smp_dot_look){b->v[0], b->v[1], b->v[2], b->v[3], b->v[4],
                          b->v[5], b->v[6], b->v[7], b->v[8]};
}

Test(age, nothing_negative_or_nan_over_thirty_years) {
    plan p = default_plan();
    p.s[3] = (smp_age_session){.t_years = 5, .touch_up = 1, .ink_class = SMP_INK_TEMPORARY};
    p.count = 4;
    enum { N = 4099 };
    static uint16_t r[N], z[N];
    static uint8_t ink[N], s[N], k[N];
    random_dots(N, 4, r, z, ink, s, k);
    smp_dot_attrs in = {r, z, ink, s, k};
    buffers b = alloc_out(N);
    smp_dot_look out = look_of(&b);
    for (int mst = 1; mst <= 10; mst += 9) {
        p.mst = mst;
        smp_age_model *m = build(&p);
        for (double t = 0.0; t <= 30.0; t += 0.25) {
            cr_assert_eq(smp_age_eval(m, t, &in, 0, N, &out, 0, NULL), SMP_OK);
            for (size_t i = 0; i < N; ++i) {
                cr_assert(isfinite(b.v[0][i]) && b.v[0][i] > 0.0f, "sigma %g", b.v[0][i]);
                cr_assert(isfinite(b.v[1][i]) && b.v[1][i] >= 0.0f && b.v[1][i] <= 2.0f);
                cr_assert(isfinite(b.v[5][i]) && b.v[5][i] >= b.v[0][i], "halo %g", b.v[5][i]);
                for (int c = 2; c < 9; ++c)
                    if (c != 5)
                        cr_assert(b.v[c][i] >= 0.0f && b.v[c][i] <= 1.0f, "t %g dot %zu trans %g",
                                  t, i, b.v[c][i]);
            }
        }
        smp_age_destroy(m);
    }
    free_out(&b);
}

/* Compares every path and two thread counts with the scalar reference, bit for bit. */
static void check_paths_equal(const plan *pl) {
    plan p = *pl;
    smp_age_model *m = build(&p);
    enum { N = 20011, FIRST = 7 }; /* odd sizes: every path's tail runs */
    static uint16_t r[N], z[N];
    static uint8_t ink[N], s[N], k[N];
    random_dots(N, p.count, r, z, ink, s, k);
    smp_dot_attrs in = {r, z, ink, s, k};
    buffers ref = alloc_out(N), got = alloc_out(N);
    smp_dot_look ref_out = look_of(&ref), got_out = look_of(&got);
    int compared = 0;
    for (double t = 0.0; t <= 12.0; t += 1.5) {
        cr_assert_eq(
            smp_age_eval_path(m, t, &in, FIRST, N - FIRST, &ref_out, 1, SMP_SIMD_SCALAR, NULL),
            SMP_OK);
        for (int path = 0; path < SMP_SIMD_COUNT; ++path) {
            if (!smp_simd_supported((smp_simd_path)path)) continue;
            for (int threads = 1; threads <= 3; threads += 2) {
                for (int i = 0; i < 9; ++i) memset(got.v[i], 0, N * sizeof(float));
                cr_assert_eq(smp_age_eval_path(m, t, &in, FIRST, N - FIRST, &got_out, threads,
                                               (smp_simd_path)path, NULL),
                             SMP_OK);
                for (int i = 0; i < 9; ++i)
                    cr_assert_eq(
                        memcmp(ref.v[i] + FIRST, got.v[i] + FIRST, (N - FIRST) * sizeof(float)), 0,
                        "path %s, %d threads, output %d, year %g",
                        smp_simd_name((smp_simd_path)path), threads, i, t);
                cr_assert_eq(got.v[0][FIRST - 1], 0.0f, "wrote before first");
                ++compared;
            }
        }
    }
    cr_assert_geq(compared, 2);
    /* pigment is optional */
    got_out.pigment = NULL;
    cr_assert_eq(smp_age_eval(m, 2.0, &in, 0, N, &got_out, 0, NULL), SMP_OK);
    free_out(&ref);
    free_out(&got);
    smp_age_destroy(m);
}

Test(age, every_simd_path_and_thread_count_is_bitwise_equal) {
    plan p = default_plan();
    p.s[3] = (smp_age_session){.t_years = 3, .touch_up = 1, .tissues = 0x5};
    p.count = 4; /* vector paths hold the (session, tissue) factors in registers */
    check_paths_equal(&p);
    p.s[4] = (smp_age_session){.t_years = 4, .dilution = 0.2, .ink_class = SMP_INK_TEMPORARY};
    p.s[5] = (smp_age_session){.t_years = 6, .touch_up = 1, .redeposit = 0.3};
    p.count = 6; /* vector paths gather them */
    check_paths_equal(&p);
}

/* Large batches write around the cache (streaming stores after an alignment peel); the values
 * must not change. */
Test(age, streamed_outputs_match_the_scalar_path) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    const size_t n = ((size_t)1 << 20) + 37, first = 3;
    uint16_t *r = malloc(n * 2), *z = malloc(n * 2);
    uint8_t *ink = malloc(n), *s = malloc(n), *k = malloc(n);
    random_dots(n, 3, r, z, ink, s, k);
    smp_dot_attrs in = {r, z, ink, s, k};
    buffers ref = alloc_out(n), got = alloc_out(n);
    smp_dot_look ref_out = look_of(&ref), got_out = look_of(&got);
    cr_assert_eq(
        smp_age_eval_path(m, 2.5, &in, first, n - first, &ref_out, 2, SMP_SIMD_SCALAR, NULL),
        SMP_OK);
    for (int path = 1; path < SMP_SIMD_COUNT; ++path) {
        if (!smp_simd_supported((smp_simd_path)path)) continue;
        cr_assert_eq(smp_age_eval_path(m, 2.5, &in, first, n - first, &got_out, 2,
                                       (smp_simd_path)path, NULL),
                     SMP_OK);
        for (int i = 0; i < 9; ++i)
            cr_assert_eq(memcmp(ref.v[i] + first, got.v[i] + first, (n - first) * sizeof(float)), 0,
                         "path %s output %d", smp_simd_name((smp_simd_path)path), i);
    }
    free_out(&ref);
    free_out(&got);
    free(r);
    free(z);
    free(ink);
    free(s);
    free(k);
    smp_age_destroy(m);
}

Test(age, closed_form_has_no_hidden_state) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    smp_dot_state a = dot(m, 5.0, 400, 1, 2);
    dot(m, 17.0, 400, 1, 2);
    dot(m, 0.0, 900, 0, 0);
    smp_dot_state b = dot(m, 5.0, 400, 1, 2);
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
    smp_age_destroy(m);
}

static void expect_create_refused(plan p, const char *field, const char *range) {
    smp_skin skin;
    smp_skin_resolve(&(smp_skin_desc){0}, &skin, NULL);
    smp_age_desc d = {.skin = &skin,
                      .sessions = p.s,
                      .session_count = p.count,
                      .outdoor_hours_per_day = p.hours,
                      .sunscreen_spf = p.spf};
    smp_age_model *m = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_age_create(&d, &m, &err), SMP_ERR_INVALID_ARG, "%s accepted", field);
    cr_assert_null(m);
    cr_assert_not_null(strstr(err.message, field), "%s", err.message);
    cr_assert_not_null(strstr(err.message, range), "%s", err.message);
}

Test(age, bad_parameters_are_refused_with_field_and_range) {
    plan p = default_plan();
    p.spf = 0.5;
    expect_create_refused(p, "sunscreen_spf", "1 to 100");
    p = default_plan();
    p.hours = NAN;
    expect_create_refused(p, "outdoor_hours_per_day", "0 to 16");
    p = default_plan();
    p.s[1].depth_mm = -1;
    expect_create_refused(p, "sessions[1].depth_mm", "0.01 to 5");
    p = default_plan();
    p.s[2].dilution = 1.2;
    expect_create_refused(p, "sessions[2].dilution", "0 to 0.95");
    p = default_plan();
    p.s[2].t_years = 0.01;
    expect_create_refused(p, "sessions[2].t_years", "in order");
    p = default_plan();
    p.s[0].t_years = -1;
    expect_create_refused(p, "sessions[0].t_years", "year 0");
    p = default_plan();
    p.count = 0;
    expect_create_refused(p, "session_count", "1 to 64");
}

Test(age, bad_years_and_dots_are_refused) {
    plan p = default_plan();
    smp_age_model *m = build(&p);
    smp_error err = {0};
    smp_dot_state st;
    cr_assert_eq(smp_age_dot(m, -1.0, 75, 400, 100, 0, 0, &st, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "t_years"), "%s", err.message);
    cr_assert_eq(smp_age_dot(m, NAN, 75, 400, 100, 0, 0, &st, &err), SMP_ERR_INVALID_ARG);
    smp_area_state a;
    cr_assert_eq(smp_age_area(m, -0.5, SMP_TISSUE_SKIN, &a, &err), SMP_ERR_INVALID_ARG);

    uint16_t r[5] = {75, 75, 75, 75, 75}, z[5] = {400, 400, 400, 6000, 400};
    uint8_t ink[5] = {100, 100, 100, 100, 100}, s[5] = {0}, k[5] = {0};
    float o[5][5];
    smp_dot_attrs in = {r, z, ink, s, k};
    smp_dot_look out = {
        .sigma_mm = o[0], .pigment = o[1], .trans_r = o[2], .trans_g = o[3], .trans_b = o[4]};
    cr_assert_eq(smp_age_eval(m, 1.0, &in, 0, 5, &out, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "dot 3: depth_um: found 6000"), "%s", err.message);
    z[3] = 400;
    s[1] = 3;
    cr_assert_eq(smp_age_eval(m, 1.0, &in, 0, 5, &out, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "dot 1: session: found 3, expected 0 to 2"), "%s",
                       err.message);
    s[1] = 0;
    r[4] = 0;
    cr_assert_eq(smp_age_eval(m, 1.0, &in, 0, 5, &out, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "dot 4: radius_um"), "%s", err.message);
    r[4] = 75;
    k[0] = 9;
    cr_assert_eq(smp_age_eval(m, 1.0, &in, 0, 5, &out, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "dot 0: tissue"), "%s", err.message);
    k[0] = 0;
    cr_assert_eq(smp_age_eval(m, 1.0, &in, 0, 5, &out, 1, &err), SMP_OK);
    smp_age_destroy(m);
}

/* `smpsim bench age`: the charts of docs/MODEL.md and the benchmark's own error handling. */
Test(age, bench_age_writes_the_model_charts) {
    const char *dir = test_tmpdir("age-plot");
    char *out = NULL, *err = NULL;
    const char *args[] = {"bench", "age", "--plot", dir, NULL};
    cr_assert_eq(run_smpsim(&out, &err, args), 0, "%s", err);
    const char *files[] = {"contrast_skin.svg", "contrast_sun.svg", "contrast_scar.svg",
                           "contrast_depth.svg", "spread_depth.svg"};
    for (size_t i = 0; i < sizeof files / sizeof *files; ++i) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        size_t size = 0;
        char *svg = slurp(path, &size);
        cr_assert_not_null(svg, "%s missing", path);
        cr_assert_not_null(strstr(svg, "<polyline"), "%s has no curve", files[i]);
        cr_assert_not_null(strstr(svg, "</svg>"), "%s is cut short", files[i]);
        free(svg);
    }
    free(out);
    free(err);
}

Test(age, bench_age_runs_and_refuses_bad_options) {
    char *out = NULL, *err = NULL;
    const char *ok[] = {"bench", "age", "--dots", "1000", "--runs", "1", "--json", NULL};
    cr_assert_eq(run_smpsim(&out, &err, ok), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\"dots_per_s\": "), "%s", out);
    free(out);
    free(err);
    const char *bad[][8] = {
        {"bench", "age", "--dots", "0", NULL},
        {"bench", "age", "--years", "-1", NULL},
        {"bench", "age", "--simd", "avx3", NULL},
        {"bench", "age", "--bogus", NULL},
    };
    const char *named[] = {"--dots", "--years", "avx3", "--bogus"};
    for (int i = 0; i < 4; ++i) {
        cr_assert_eq(run_smpsim(&out, &err, bad[i]), 2, "case %d", i);
        cr_assert_not_null(strstr(err, named[i]), "%s", err);
        free(out);
        free(err);
    }
}
