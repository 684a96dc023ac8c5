/* Scalp fields: Norwood and Ludwig patterns, hairlines, scars, areas, densities, bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "smp/fields.h"
#include "smp/head.h"

#define PI 3.14159265358979323846

/* One built-in head per test process: building it is the slow part. */
static smp_mesh g_head;
static smp_landmarks g_lm;

static void head_setup(void) {
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 80};
    cr_assert_eq(smp_head_build(&hd, &g_head, &err), SMP_OK, "%s", err.message);
    smp_landmarks_procedural(&g_lm);
}

static void head_teardown(void) { smp_mesh_free(&g_head); }

static smp_fields *make(const smp_fields_desc *d) {
    smp_fields *f = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_fields_create(d, &g_head, &g_lm, &f, &err), SMP_OK, "%s", err.message);
    return f;
}

/* The surface point of the built-in head seen from the origin at [azimuth, elevation]. */
static void surface_at(double az_deg, double el_deg, float p[3]) {
    double az = az_deg * PI / 180, el = el_deg * PI / 180;
    float d[3] = {(float)(cos(el) * sin(az)), (float)sin(el), (float)(cos(el) * cos(az))};
    float r = smp_head_radius_mm(d);
    for (int k = 0; k < 3; ++k) p[k] = d[k] * r;
}

typedef struct sample {
    float scalp, hair, native, scar, pallor;
    uint8_t tissue;
} sample;

static sample eval1(const smp_fields *f, const float p[3]) {
    sample s;
    smp_fields_out o = {.scalp = &s.scalp,
                        .hair = &s.hair,
                        .native_fu_per_cm2 = &s.native,
                        .scar = &s.scar,
                        .pallor = &s.pallor,
                        .tissue = &s.tissue};
    smp_fields_eval(f, p, 1, &o);
    return s;
}

static double bald_area(smp_pattern_kind kind, int stage, smp_norwood_variant variant) {
    smp_fields_desc d = {0};
    d.pattern.kind = kind;
    d.pattern.stage = stage;
    d.pattern.variant = variant;
    smp_fields *f = make(&d);
    smp_fields_areas a;
    smp_error err = {0};
    cr_assert_eq(smp_fields_measure(f, &g_head, 0, &a, &err), SMP_OK, "%s", err.message);
    smp_fields_destroy(f);
    return a.bald_cm2;
}

TestSuite(fields, .init = head_setup, .fini = head_teardown);

/* Bald area per stage; lore (docs/MODEL-SOURCES.md) puts NW5 near 90 cm² on a 775 cm²
 * scalp, a geometric reading of Norwood's drawings about half as much again. */
Test(fields, norwood_bald_area_grows_with_stage) {
    double prev = -1;
    for (int stage = 1; stage <= 7; ++stage) {
        double a = bald_area(SMP_PATTERN_NORWOOD, stage, SMP_NORWOOD_PLAIN);
        cr_assert_gt(a, prev + (stage > 1 ? 10.0 : -1.0), "stage %d: %.1f cm² after %.1f", stage, a,
                     prev);
        if (stage == 1) cr_assert_lt(a, 1.0, "Norwood I has no loss: %.1f cm²", a);
        if (stage == 5) cr_assert(a > 80 && a < 200, "Norwood V bald area %.1f cm²", a);
        prev = a;
    }
    /* The variants sit between their neighbours' plain stages. */
    double iiiv = bald_area(SMP_PATTERN_NORWOOD, 3, SMP_NORWOOD_VERTEX);
    cr_assert_gt(iiiv, bald_area(SMP_PATTERN_NORWOOD, 3, SMP_NORWOOD_PLAIN));
    double a2 = bald_area(SMP_PATTERN_NORWOOD, 2, SMP_NORWOOD_A);
    double a5 = bald_area(SMP_PATTERN_NORWOOD, 5, SMP_NORWOOD_A);
    cr_assert(a2 > 5 && a2 < a5, "IIa %.1f, Va %.1f", a2, a5);
}

/* Norwood II stops 20 mm in front of the coronal line through the ear canals; III goes past
 * it (MODEL-SOURCES, modified Norwood–Hamilton table). Checked at the temples: the band
 * 15..30 mm either side of the midline, on the upper head. */
Test(fields, norwood_ii_and_iii_respect_the_coronal_line) {
    for (int stage = 2; stage <= 3; ++stage) {
        smp_fields_desc d = {.pattern = {.kind = SMP_PATTERN_NORWOOD, .stage = stage}};
        smp_fields *f = make(&d);
        float deepest = 1e9f;
        for (uint32_t v = 0; v < g_head.vertex_count; ++v) {
            const float *p = g_head.positions + 3 * v;
            if (p[1] < 60 || fabsf(p[0]) < 25 || fabsf(p[0]) > 55) continue;
            sample s = eval1(f, p);
            if (s.native > 43 && s.hair < 0.5f) deepest = fminf(deepest, p[2]);
        }
        if (stage == 2)
            cr_assert_gt(deepest, 15.0f, "II recedes to z = %.1f mm", deepest);
        else
            cr_assert_lt(deepest, 15.0f, "III recedes only to z = %.1f mm", deepest);
        smp_fields_destroy(f);
    }
}

/* Regression: the kept fringe was once measured down from the natural hairline, whose sharp
 * turns around the ears left wedges of hair radiating from the top of the head and bald
 * spikes over the ears. */
Test(fields, pattern_has_no_seams_at_the_top_or_over_the_ears) {
    smp_fields_desc d = {.pattern = {.kind = SMP_PATTERN_NORWOOD, .stage = 6}};
    smp_fields *f = make(&d);
    float p[3];
    for (int az = -180; az < 180; az += 5) {
        surface_at(az, 82, p);
        cr_assert_lt(eval1(f, p).hair, 0.1f, "hair %.2f near the top at azimuth %d",
                     eval1(f, p).hair, az);
    }
    smp_fields_destroy(f);
    d.pattern.stage = 5;
    f = make(&d);
    for (int az = 75; az <= 110; az += 1) {
        for (int sign = -1; sign <= 1; sign += 2) {
            surface_at(sign * az, 32, p); /* over the ear, well inside the side fringe */
            sample s = eval1(f, p);
            if (s.native > 43) cr_assert_eq(s.hair, 1.0f, "hair %.2f at azimuth %d", s.hair, az);
        }
    }
    smp_fields_destroy(f);
}

/* Ludwig: thinning behind the hairline, the hairline itself kept. */
Test(fields, ludwig_keeps_the_frontal_hairline) {
    float crown[3], front[3];
    surface_at(180, 80, crown); /* just behind the top */
    float prev_crown = 1.1f;
    for (int stage = 1; stage <= 3; ++stage) {
        smp_fields_desc d = {.pattern = {.kind = SMP_PATTERN_LUDWIG, .stage = stage}};
        smp_fields *f = make(&d);
        /* The first points behind the natural frontal hairline, walking back on the midline. */
        int found = 0;
        for (double el = 20; el < 89; el += 0.25) {
            surface_at(0, el, front);
            sample s = eval1(f, front);
            if (s.native < 0.95f * 86) continue;
            cr_assert_gt(s.hair, 0.9f, "Ludwig %d thins the hairline (elevation %.1f): %.2f", stage,
                         el, s.hair);
            found = 1;
            break;
        }
        cr_assert(found);
        sample c = eval1(f, crown);
        cr_assert_lt(c.hair, prev_crown - 0.1f, "Ludwig %d crown %.2f", stage, c.hair);
        prev_crown = c.hair;
        smp_fields_destroy(f);
    }
    cr_assert_lt(prev_crown, 0.2f, "Ludwig III is bald at the crown: %.2f", prev_crown);
}

/* Olsen's frontal accentuation thins the parting just behind the hairline. */
Test(fields, olsen_frontal_accentuation_thins_the_front) {
    smp_fields_desc d = {.pattern = {.kind = SMP_PATTERN_LUDWIG, .stage = 2}};
    smp_fields *plain = make(&d);
    d.pattern.frontal_accentuation = 1;
    smp_fields *olsen = make(&d);
    float p[3];
    surface_at(0, 56, p);
    sample a = eval1(plain, p), b = eval1(olsen, p);
    cr_assert_lt(b.hair, a.hair - 0.2f, "plain %.2f, accentuated %.2f", a.hair, b.hair);
    smp_fields_destroy(plain);
    smp_fields_destroy(olsen);
}

/* The cut of the mesh by the mid-sagittal plane above the glabella, as points ordered from the
 * glabella upwards and over the top. */
static int midline(float (*pts)[3], int cap) {
    int n = 0;
    float gy = g_lm.p[SMP_LM_GLABELLA][1];
    for (uint32_t t = 0; t < g_head.triangle_count; ++t) {
        for (int k = 0; k < 3; ++k) {
            const float *a = g_head.positions + 3 * g_head.indices[3 * t + k];
            const float *b = g_head.positions + 3 * g_head.indices[3 * t + (k + 1) % 3];
            if ((a[0] < 0) == (b[0] < 0)) continue;
            float u = a[0] / (a[0] - b[0]);
            float y = a[1] + (b[1] - a[1]) * u, z = a[2] + (b[2] - a[2]) * u;
            if (y < gy || z < -60 || n >= cap) continue;
            pts[n][0] = 0, pts[n][1] = y, pts[n][2] = z;
            ++n;
        }
    }
    /* Order by the angle around the ear axis, front first (simple insertion: n is small). */
    for (int i = 1; i < n; ++i) {
        float key[3] = {pts[i][0], pts[i][1], pts[i][2]};
        float ka = atan2f(key[2], key[1]);
        int j = i - 1;
        while (j >= 0 && atan2f(pts[j][2], pts[j][1]) < ka) {
            memcpy(pts[j + 1], pts[j], sizeof pts[0]);
            --j;
        }
        memcpy(pts[j + 1], key, sizeof key);
    }
    return n;
}

/* Arc length from the glabella along the mesh's midline to where the scalp mask crosses 0.5. */
static float measured_height(const smp_fields *f) {
    enum { CAP = 8192 };
    float(*pts)[3] = malloc(sizeof(float) * 3 * CAP);
    int n = midline(pts, CAP);
    cr_assert_gt(n, 50);
    const float *g = g_lm.p[SMP_LM_GLABELLA];
    float ga = atan2f(g[2], g[1]);
    float s = 0, prev[3] = {0, g[1], g[2]}, prev_m = eval1(f, prev).scalp, result = -1;
    for (int i = 0; i < n && result < 0; ++i) {
        if (atan2f(pts[i][2], pts[i][1]) > ga) continue; /* below the glabella's angle */
        float dy = pts[i][1] - prev[1], dz = pts[i][2] - prev[2];
        float step = sqrtf(dy * dy + dz * dz);
        float m = eval1(f, pts[i]).scalp;
        if (prev_m < 0.5f && m >= 0.5f) result = s + step * (0.5f - prev_m) / (m - prev_m);
        s += step;
        memcpy(prev, pts[i], sizeof prev);
        prev_m = m;
    }
    free(pts);
    return result;
}

Test(fields, hairline_height_is_respected_on_the_mesh) {
    const float heights[] = {60, 70, 80, 95, 110};
    for (size_t i = 0; i < sizeof heights / sizeof heights[0]; ++i) {
        smp_fields_desc d = {.hairline = {.shape = SMP_HAIRLINE_ROUNDED, .height_mm = heights[i]}};
        smp_fields *f = make(&d);
        float h = measured_height(f);
        cr_assert_float_eq(h, heights[i], 2.0f, "asked %.0f mm, measured %.2f mm", heights[i], h);
        smp_fields_destroy(f);
    }
}

static float *scalp_per_vertex(const smp_fields *f) {
    float *m = malloc(sizeof(float) * g_head.vertex_count);
    smp_fields_out o = {.scalp = m};
    smp_fields_eval(f, g_head.positions, g_head.vertex_count, &o);
    return m;
}

Test(fields, hairline_shapes_are_distinct) {
    const smp_hairline_shape shapes[] = {SMP_HAIRLINE_STRAIGHT, SMP_HAIRLINE_ROUNDED,
                                         SMP_HAIRLINE_WIDOWS_PEAK, SMP_HAIRLINE_WINGED};
    float *m[4];
    for (int i = 0; i < 4; ++i) {
        smp_fields_desc d = smp_fields_desc_default();
        d.hairline.shape = shapes[i];
        smp_fields *f = make(&d);
        m[i] = scalp_per_vertex(f);
        smp_fields_destroy(f);
    }
    for (int i = 0; i < 4; ++i) {
        for (int j = i + 1; j < 4; ++j) {
            int differ = 0;
            for (uint32_t v = 0; v < g_head.vertex_count; ++v)
                differ += (m[i][v] >= 0.5f) != (m[j][v] >= 0.5f);
            cr_assert_gt(differ, 40, "shapes %d and %d differ at %d vertices only", i, j, differ);
        }
    }
    /* Beside the midline the widow's peak has already turned back while the rounded line is
     * still level: [rounded] treats a strip there that [peak] leaves out, never the reverse. */
    int only_round = 0, only_peak = 0;
    for (uint32_t v = 0; v < g_head.vertex_count; ++v) {
        const float *p = g_head.positions + 3 * v;
        if (fabsf(p[0]) < 5 || fabsf(p[0]) > 12 || p[2] < 0) continue;
        only_round += m[1][v] >= 0.5f && m[2][v] < 0.5f;
        only_peak += m[2][v] >= 0.5f && m[1][v] < 0.5f;
    }
    cr_assert(only_round > 4 && only_peak == 0, "rounded-only %d, peak-only %d", only_round,
              only_peak);
    for (int i = 0; i < 4; ++i) free(m[i]);
}

Test(fields, hairline_temple_points_recede) {
    smp_fields_desc d = {.hairline = {.shape = SMP_HAIRLINE_ROUNDED, .temple_depth_mm = 10}};
    smp_fields *shallow = make(&d);
    d.hairline.temple_depth_mm = 40;
    smp_fields *deep = make(&d);
    float *a = scalp_per_vertex(shallow), *b = scalp_per_vertex(deep);
    double sa = 0, sb = 0;
    for (uint32_t v = 0; v < g_head.vertex_count; ++v) sa += a[v], sb += b[v];
    cr_assert_gt(sa, sb + 50, "deeper temples must shrink the treated area: %.0f vs %.0f", sa, sb);
    free(a);
    free(b);
    smp_fields_destroy(shallow);
    smp_fields_destroy(deep);
}

static smp_fields_desc irregular(uint64_t seed) {
    smp_fields_desc d = {0};
    d.seed = seed;
    d.pattern.kind = SMP_PATTERN_NORWOOD;
    d.pattern.stage = 5;
    d.hairline = (smp_hairline_desc){.shape = SMP_HAIRLINE_ROUNDED,
                                     .micro_irregularity_mm = 1.5f,
                                     .macro_irregularity_mm = 3.0f};
    d.scar_count = 1;
    d.scars[0] = smp_scar_desc_default(SMP_SCAR_FUE);
    return d;
}

static void eval_all(const smp_fields *f, float *scalp, float *hair, float *scar) {
    smp_fields_out o = {.scalp = scalp, .hair = hair, .scar = scar};
    smp_fields_eval(f, g_head.positions, g_head.vertex_count, &o);
}

Test(fields, deterministic_per_seed) {
    size_t n = g_head.vertex_count;
    float *s[3], *h[3], *c[3];
    const uint64_t seeds[3] = {7, 7, 8};
    for (int i = 0; i < 3; ++i) {
        s[i] = malloc(4 * n), h[i] = malloc(4 * n), c[i] = malloc(4 * n);
        smp_fields_desc d = irregular(seeds[i]);
        smp_fields *f = make(&d);
        eval_all(f, s[i], h[i], c[i]);
        smp_fields_destroy(f);
    }
    cr_assert(memcmp(s[0], s[1], 4 * n) == 0 && memcmp(h[0], h[1], 4 * n) == 0 &&
              memcmp(c[0], c[1], 4 * n) == 0);
    int ds = 0, dh = 0, dc = 0;
    for (size_t v = 0; v < n; ++v) {
        ds += fabsf(s[0][v] - s[2][v]) > 0.2f;
        dh += fabsf(h[0][v] - h[2][v]) > 0.2f;
        dc += fabsf(c[0][v] - c[2][v]) > 0.5f;
    }
    cr_assert_gt(ds, 20, "hairline irregularity ignores the seed (%d vertices differ)", ds);
    cr_assert_gt(dh, 100, "pattern edge ignores the seed (%d vertices differ)", dh);
    cr_assert_gt(dc, 10, "FUE layout ignores the seed (%d vertices differ)", dc);
    for (int i = 0; i < 3; ++i) free(s[i]), free(h[i]), free(c[i]);
}

Test(fields, vertex_density_is_independent_of_thread_count) {
#ifdef _OPENMP
    smp_fields_desc d = irregular(3);
    smp_fields *f = make(&d);
    size_t n = g_head.vertex_count;
    float *a = malloc(4 * n), *b = malloc(4 * n);
    smp_treatment_desc t = {.regions = (1u << SMP_REGION_BALD) | (1u << SMP_REGION_SCARS)};
    smp_error err = {0};
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, a, NULL, &err), SMP_OK);
    omp_set_num_threads(3);
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, b, NULL, &err), SMP_OK);
    omp_set_num_threads(threads);
    cr_assert(memcmp(a, b, 4 * n) == 0);
    smp_fields_areas x, y;
    omp_set_num_threads(1);
    smp_fields_measure(f, &g_head, 2, &x, &err);
    omp_set_num_threads(3);
    smp_fields_measure(f, &g_head, 2, &y, &err);
    omp_set_num_threads(threads);
    cr_assert(memcmp(&x, &y, sizeof x) == 0);
    free(a);
    free(b);
    smp_fields_destroy(f);
#endif
}

/* A scar's centre carries its tissue; 20 mm away across it the skin is normal. */
static void check_scar(smp_scar_kind kind, float az, float el, float across_deg,
                       smp_tissue expect) {
    smp_fields_desc d = {.scar_count = 1};
    d.scars[0] = smp_scar_desc_default(kind);
    d.scars[0].center_deg[0] = az, d.scars[0].center_deg[1] = el;
    smp_fields *f = make(&d);
    const smp_scar_desc *r = &smp_fields_resolved(f)->scars[0];
    float c[3], far[3];
    surface_at(r->center_deg[0], r->center_deg[1], c);
    sample s = eval1(f, c);
    cr_assert_eq(s.tissue, expect, "kind %d: tissue %d at the centre", kind, s.tissue);
    cr_assert_gt(s.scar, 0.9f, "kind %d: scar weight %.2f at the centre", kind, s.scar);
    cr_assert_gt(s.pallor, 0.2f);
    cr_assert_lt(s.hair, 0.1f, "kind %d: hair %.2f on the scar", kind, s.hair);
    float rad = sqrtf(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    float off = (float)(20.0 / rad * 180.0 / PI);
    surface_at(r->center_deg[0] +
                   (across_deg != 0 ? off / cosf(r->center_deg[1] * (float)PI / 180) : 0),
               r->center_deg[1] + (across_deg == 0 ? off : 0), far);
    sample o = eval1(f, far);
    cr_assert_eq(o.tissue, SMP_TISSUE_SKIN, "kind %d: tissue %d 20 mm away", kind, o.tissue);
    cr_assert_eq(o.scar, 0.0f, "kind %d: scar %.2f 20 mm away", kind, o.scar);
    smp_fields_destroy(f);
}

Test(fields, scars_are_where_asked) {
    check_scar(SMP_SCAR_FUT, 0, 0, 0, SMP_TISSUE_SCAR_LINEAR); /* default: occiput */
    check_scar(SMP_SCAR_FUT, 170, 15, 0, SMP_TISSUE_SCAR_LINEAR);
    check_scar(SMP_SCAR_CRANIOTOMY, 60, 45, 0, SMP_TISSUE_SCAR_LINEAR);
    check_scar(SMP_SCAR_REDUCTION, 0, 70, 1,
               SMP_TISSUE_SCAR_LINEAR); /* front-back: step sideways */
}

Test(fields, burn_polygon_and_areata_patch) {
    smp_fields_desc d = {.scar_count = 2};
    d.scars[0] = smp_scar_desc_default(SMP_SCAR_BURN);
    d.scars[0].point_count = 4;
    const float polygon[4][2] = {{100, 40}, {120, 40}, {120, 55}, {100, 55}};
    memcpy(d.scars[0].points_deg, polygon, sizeof polygon);
    d.scars[1] = smp_scar_desc_default(SMP_SCAR_AREATA);
    d.scars[1].center_deg[0] = -60, d.scars[1].center_deg[1] = 40;
    d.scars[1].width_mm = 20, d.scars[1].length_mm = 30;
    smp_fields *f = make(&d);
    float p[3];
    surface_at(110, 47, p);
    sample s = eval1(f, p);
    cr_assert_eq(s.tissue, SMP_TISSUE_SCAR_BURN);
    cr_assert_gt(s.pallor, 0.5f, "burns are the palest: %.2f", s.pallor);
    surface_at(110, 70, p);
    cr_assert_eq(eval1(f, p).scar, 0.0f);
    /* Areata: no hair inside, normal skin, no scar; hair again outside. */
    for (float da = -4; da <= 4; da += 2) {
        surface_at(-60 + da, 40, p);
        s = eval1(f, p);
        cr_assert_lt(s.hair, 0.01f, "hair %.3f inside the areata patch", s.hair);
        cr_assert_eq(s.tissue, SMP_TISSUE_SKIN);
        cr_assert_eq(s.scar, 0.0f);
    }
    surface_at(-60, 62, p);
    cr_assert_eq(eval1(f, p).hair, 1.0f);
    smp_fields_areas a;
    smp_error err = {0};
    cr_assert_eq(smp_fields_measure(f, &g_head, 4, &a, &err), SMP_OK);
    /* An ellipse of axes 30 x 20 mm covers pi * 15 * 10 mm² = 4.71 cm² (more on this
     * sloping part of the head: lengths are laid out as angles from the origin). */
    cr_assert(a.areata_cm2 > 4.5 && a.areata_cm2 < 5.6, "areata %.2f cm²", a.areata_cm2);
    cr_assert_float_eq(a.scar_cm2[1], a.areata_cm2, 1e-9);
    /* 20° of azimuth by 15° of elevation around 47.5° up, at the head's radius there. */
    surface_at(110, 47.5, p);
    double r = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    double expect = (r * 20 * PI / 180 * cos(47.5 * PI / 180)) * (r * 15 * PI / 180) / 100;
    cr_assert_float_eq(a.tissue_cm2[SMP_TISSUE_SCAR_BURN], expect, 0.15 * expect,
                       "burn %.2f cm², expected %.2f", a.tissue_cm2[SMP_TISSUE_SCAR_BURN], expect);
    smp_fields_destroy(f);
}

/* FUE: as many round scars as asked, in the donor band, of the asked size. */
Test(fields, fue_scars_cover_their_area) {
    smp_fields_desc d = {.scar_count = 1, .seed = 11};
    d.scars[0] = smp_scar_desc_default(SMP_SCAR_FUE);
    d.scars[0].count = 150, d.scars[0].diameter_mm = 2.0f;
    smp_fields *f = make(&d);
    smp_fields_areas a;
    smp_error err = {0};
    cr_assert_eq(smp_fields_measure(f, &g_head, 8, &a, &err), SMP_OK, "%s", err.message);
    double expect = 150 * PI * 1.0 * 1.0 / 100.0; /* cm², minus overlaps */
    cr_assert(a.tissue_cm2[SMP_TISSUE_SCAR_PUNCTATE] > 0.8 * expect &&
                  a.tissue_cm2[SMP_TISSUE_SCAR_PUNCTATE] < 1.15 * expect,
              "FUE scar area %.2f cm², expected about %.2f", a.tissue_cm2[SMP_TISSUE_SCAR_PUNCTATE],
              expect);
    /* None outside the back of the head. */
    for (uint32_t v = 0; v < g_head.vertex_count; v += 7) {
        const float *p = g_head.positions + 3 * v;
        if (p[2] > -20) cr_assert_eq(eval1(f, p).scar, 0.0f);
    }
    smp_fields_destroy(f);
}

/* Behrman: ≈ 775 cm² of scalp. The built-in head is a little smaller than average. */
Test(fields, scalp_area_is_anatomical) {
    smp_fields_desc d = smp_fields_desc_default();
    smp_fields *f = make(&d);
    smp_fields_areas a;
    smp_error err = {0};
    cr_assert_eq(smp_fields_measure(f, &g_head, 0, &a, &err), SMP_OK);
    cr_assert(a.hair_bearing_cm2 > 550 && a.hair_bearing_cm2 < 850, "hair-bearing %.1f cm²",
              a.hair_bearing_cm2);
    cr_assert_float_eq(a.scalp_cm2, a.hair_bearing_cm2, 1e-9, "no designed hairline: same");
    cr_assert_float_eq(a.mesh_cm2, smp_mesh_area_mm2(&g_head) / 100.0, 1e-6 * a.mesh_cm2);
    cr_assert_eq(a.bald_cm2, 0.0);
    /* A designed hairline at 80 mm lies behind the natural one at 62 mm. */
    d.hairline.shape = SMP_HAIRLINE_ROUNDED;
    smp_fields *g = make(&d);
    smp_fields_areas b;
    cr_assert_eq(smp_fields_measure(g, &g_head, 0, &b, &err), SMP_OK);
    cr_assert_lt(b.scalp_cm2, a.scalp_cm2 - 10);
    /* Finer sampling changes the soft-edged areas by well under 1 %. */
    d.pattern = (smp_pattern_desc){.kind = SMP_PATTERN_NORWOOD, .stage = 5};
    smp_fields *h = make(&d);
    smp_fields_areas c3, c8;
    smp_fields_measure(h, &g_head, 3, &c3, &err);
    smp_fields_measure(h, &g_head, 8, &c8, &err);
    cr_assert_float_eq(c3.bald_cm2, c8.bald_cm2, 0.01 * c8.bald_cm2, "%.2f vs %.2f", c3.bald_cm2,
                       c8.bald_cm2);
    /* Behind a hairline 80 mm up, less is left to fill than the pattern took. */
    cr_assert(c8.bald_in_scalp_cm2 > 0.5 * c8.bald_cm2 && c8.bald_in_scalp_cm2 < c8.bald_cm2,
              "%.1f of %.1f cm²", c8.bald_in_scalp_cm2, c8.bald_cm2);
    smp_fields_destroy(f);
    smp_fields_destroy(g);
    smp_fields_destroy(h);
}

Test(fields, vertex_density_follows_the_regions) {
    smp_fields_desc d = irregular(5);
    d.scars[0] = smp_scar_desc_default(SMP_SCAR_FUT);
    smp_fields *f = make(&d);
    size_t n = g_head.vertex_count;
    float *scalp = malloc(4 * n), *hair = malloc(4 * n), *dens = malloc(4 * n);
    float *native = malloc(4 * n);
    uint8_t *tis = malloc(n), *tis2 = malloc(n);
    smp_fields_out o = {.scalp = scalp, .hair = hair, .native_fu_per_cm2 = native, .tissue = tis};
    smp_fields_eval(f, g_head.positions, n, &o);
    smp_error err = {0};
    smp_treatment_desc t = {.density_per_cm2 = 60};
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, dens, tis2, &err), SMP_OK);
    const float fu = d.hair.fu_per_cm2 > 0 ? d.hair.fu_per_cm2 : 86.0f;
    int tapered = 0;
    for (size_t v = 0; v < n; ++v) {
        /* the scalp, tapered into the client's own hair: fewer dots where it grows */
        float kept = native[v] / fu * hair[v];
        cr_assert_float_eq(dens[v], 60 * scalp[v] * (1 - kept), 1e-3, "vertex %zu", v);
        tapered += scalp[v] > 0.9f && kept > 0.9f && dens[v] < 6.0f;
        cr_assert_eq(tis[v], tis2[v]);
    }
    cr_assert_gt(tapered, 100, "the full fringe holds almost no dots");
    t.regions = 1u << SMP_REGION_BALD;
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, dens, NULL, &err), SMP_OK);
    for (size_t v = 0; v < n; ++v) cr_assert_leq(dens[v], 60 * scalp[v] + 1e-4f);
    t.regions = 1u << SMP_REGION_SCARS;
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, dens, NULL, &err), SMP_OK);
    int on = 0;
    for (size_t v = 0; v < n; ++v) {
        const float *p = g_head.positions + 3 * v;
        if (dens[v] > 0) {
            ++on;
            cr_assert(p[2] < -20.0f && p[1] > -40.0f && p[1] < 60.0f,
                      "scar dots away from the occiput (%.1f, %.1f, %.1f)", p[0], p[1], p[2]);
        }
    }
    cr_assert_gt(on, 50);
    t.density_per_cm2 = -1;
    cr_assert_eq(smp_fields_vertex_density(f, &g_head, &t, dens, NULL, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "treatment.density_per_cm2"), "%s", err.message);
    free(scalp), free(hair), free(dens), free(native), free(tis), free(tis2);
    smp_fields_destroy(f);
}

static void expect_refused(const smp_fields_desc *d, const char *field, const char *range) {
    smp_fields *f = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_fields_create(d, &g_head, &g_lm, &f, &err), SMP_ERR_INVALID_ARG,
                 "accepted, expected an error on %s", field);
    cr_assert_null(f);
    cr_assert(strstr(err.message, field), "message does not name %s: %s", field, err.message);
    cr_assert(strstr(err.message, range), "message does not give %s: %s", range, err.message);
}

Test(fields, bad_parameters_are_refused_by_name) {
    smp_fields_desc d = {.hairline = {.shape = SMP_HAIRLINE_ROUNDED, .height_mm = NAN}};
    expect_refused(&d, "hairline.height_mm", "40..130");
    d = (smp_fields_desc){.pattern = {.kind = SMP_PATTERN_NORWOOD, .stage = 9}};
    expect_refused(&d, "pattern.stage", "1..7");
    d = (smp_fields_desc){.pattern = {.kind = SMP_PATTERN_LUDWIG, .stage = 4}};
    expect_refused(&d, "pattern.stage", "1..3");
    d = (smp_fields_desc){
        .pattern = {.kind = SMP_PATTERN_NORWOOD, .stage = 6, .variant = SMP_NORWOOD_A}};
    expect_refused(&d, "variant", "2..5");
    d = (smp_fields_desc){.pattern = {.transition_mm = -3}};
    expect_refused(&d, "pattern.transition_mm", "2..40");
    d = (smp_fields_desc){.scar_count = 2};
    d.scars[1] = (smp_scar_desc){.kind = SMP_SCAR_FUT, .width_mm = -1};
    expect_refused(&d, "scars[1].width_mm", "0.2..150");
    d.scars[1] = (smp_scar_desc){.kind = SMP_SCAR_BURN, .point_count = 2};
    expect_refused(&d, "scars[1].point_count", "3..32");
    d = (smp_fields_desc){.hair = {.fu_per_cm2 = INFINITY}};
    expect_refused(&d, "hair.fu_per_cm2", "20..150");
    d = (smp_fields_desc){.scar_count = 40};
    expect_refused(&d, "scar_count", "0..32");
    /* Landmarks of a head in metres. */
    smp_landmarks lm = g_lm;
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        for (int k = 0; k < 3; ++k) lm.p[i][k] *= 0.001f;
    smp_fields *f = NULL;
    smp_error err = {0};
    d = (smp_fields_desc){0};
    cr_assert_eq(smp_fields_create(&d, &g_head, &lm, &f, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "glabella–inion"), "%s", err.message);
    lm.p[SMP_LM_VERTEX][1] = NAN;
    cr_assert_eq(smp_fields_create(&d, &g_head, &lm, &f, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "vertex"), "%s", err.message);
    cr_assert_null(f);
}

/* On a small head (scaled by 0.75) a hairline 120 mm up would lie past the vertex. */
Test(fields, hairline_above_the_vertex_is_refused) {
    smp_mesh small = g_head;
    small.positions = malloc(sizeof(float) * 3 * g_head.vertex_count);
    for (size_t i = 0; i < 3 * (size_t)g_head.vertex_count; ++i)
        small.positions[i] = 0.75f * g_head.positions[i];
    smp_landmarks lm = g_lm;
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        for (int k = 0; k < 3; ++k) lm.p[i][k] *= 0.75f;
    smp_fields_desc d = {.hairline = {.shape = SMP_HAIRLINE_ROUNDED, .height_mm = 125}};
    smp_fields *f = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_fields_create(&d, &small, &lm, &f, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "hairline.height_mm") && strstr(err.message, "vertex"), "%s",
              err.message);
    d.hairline.height_mm = 80;
    cr_assert_eq(smp_fields_create(&d, &small, &lm, &f, &err), SMP_OK, "%s", err.message);
    cr_assert_lt(smp_fields_vertex_height_mm(f), 125.0f);
    smp_fields_destroy(f);
    free(small.positions);
}

Test(fields, stage_names_parse) {
    int stage;
    smp_norwood_variant v;
    smp_error err = {0};
    cr_assert_eq(smp_pattern_stage_parse(SMP_PATTERN_NORWOOD, "III-vertex", &stage, &v, &err),
                 SMP_OK);
    cr_assert(stage == 3 && v == SMP_NORWOOD_VERTEX);
    cr_assert_eq(smp_pattern_stage_parse(SMP_PATTERN_NORWOOD, "IVa", &stage, &v, &err), SMP_OK);
    cr_assert(stage == 4 && v == SMP_NORWOOD_A);
    cr_assert_eq(smp_pattern_stage_parse(SMP_PATTERN_NORWOOD, "VII", &stage, &v, &err), SMP_OK);
    cr_assert(stage == 7 && v == SMP_NORWOOD_PLAIN);
    cr_assert_eq(smp_pattern_stage_parse(SMP_PATTERN_LUDWIG, "II", &stage, &v, &err), SMP_OK);
    cr_assert_eq(stage, 2);
    cr_assert_neq(smp_pattern_stage_parse(SMP_PATTERN_NORWOOD, "VIII", &stage, &v, &err), SMP_OK);
    cr_assert_neq(smp_pattern_stage_parse(SMP_PATTERN_NORWOOD, "VIa", &stage, &v, &err), SMP_OK);
    cr_assert_neq(smp_pattern_stage_parse(SMP_PATTERN_LUDWIG, "IV", &stage, &v, &err), SMP_OK);
    cr_assert(strstr(err.message, "pattern.stage"), "%s", err.message);
}

/* Where 0 is a value of its own it is kept: a flat hairline (no temple recession), razor-fresh
 * stubble, black hair and a scar centred at the front are what was asked, not the defaults;
 * the constructors give the defaults. */
Test(fields, zero_is_a_value_where_the_range_holds_it) {
    smp_fields_desc d = smp_fields_desc_default();
    cr_assert_float_eq(d.hairline.temple_depth_mm, 25.0f, 1e-6f);
    cr_assert_float_eq(d.hair.stubble_mm, 0.5f, 1e-6f);
    d.hairline.shape = SMP_HAIRLINE_ROUNDED;
    d.hairline.temple_depth_mm = 0;
    d.hair.stubble_mm = 0;
    d.hair.color_srgb[0] = d.hair.color_srgb[1] = d.hair.color_srgb[2] = 0;
    d.scar_count = 1;
    d.scars[0] = smp_scar_desc_default(SMP_SCAR_AREATA);
    d.scars[0].center_deg[0] = 0, d.scars[0].center_deg[1] = 0;
    smp_fields *f = make(&d);
    const smp_fields_desc *r = smp_fields_resolved(f);
    cr_assert_eq(r->hairline.temple_depth_mm, 0.0f);
    cr_assert_eq(r->hair.stubble_mm, 0.0f);
    cr_assert_eq(r->hair.color_srgb[0] + r->hair.color_srgb[1] + r->hair.color_srgb[2], 0.0f);
    cr_assert_eq(r->scars[0].center_deg[0], 0.0f);
    cr_assert_eq(r->scars[0].center_deg[1], 0.0f);
    /* where 0 is outside the range it still reads as the default */
    cr_assert_float_eq(r->hairline.height_mm, 80.0f, 1e-6f);
    smp_fields_desc z = {.hairline = {.shape = SMP_HAIRLINE_ROUNDED}};
    smp_fields *g = make(&z);
    cr_assert_float_eq(smp_fields_resolved(g)->hairline.height_mm, 80.0f, 1e-6f);
    cr_assert_float_eq(smp_fields_resolved(g)->pattern.transition_mm, 15.0f, 1e-6f);
    /* a flat line treats more than one receding 25 mm at the temples */
    float *flat = scalp_per_vertex(f);
    smp_fields_desc e = smp_fields_desc_default();
    e.hairline.shape = SMP_HAIRLINE_ROUNDED;
    smp_fields *h = make(&e);
    float *recessed = scalp_per_vertex(h);
    double sf = 0, sr = 0;
    for (uint32_t v = 0; v < g_head.vertex_count; ++v) sf += flat[v], sr += recessed[v];
    cr_assert_gt(sf, sr + 50, "flat %.0f vs recessed %.0f", sf, sr);
    free(flat);
    free(recessed);
    smp_fields_destroy(f);
    smp_fields_destroy(g);
    smp_fields_destroy(h);
}
