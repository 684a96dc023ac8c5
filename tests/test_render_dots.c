/* The dots pass: ink darkens multiplicatively, and the scalp's tone does not depend on zoom. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/gl_context.h"
#include "smp/renderer.h"
#include "smp/skin.h"

/* A 200 x 200 mm flat patch of skin facing +Z, with N dots of one size scattered on its middle
 * 100 x 100 mm by a fixed-seed generator (the scatter core is not under test here). */
typedef struct patch {
    smp_gl_context *gl;
    smp_renderer *r;
    smp_dots dots;
    smp_skin skin;
    smp_age_model *model;
    float *xyz;
    uint32_t *u32;
    uint16_t *u16;
    uint8_t *u8;
} patch;

static void open_patch(patch *p, size_t n, unsigned radius_um, unsigned ink) {
    smp_error err = {0};
    smp_gl_context_desc gd = {.debug = 1};
    cr_assert_eq(smp_gl_context_create(&gd, &p->gl, &err), SMP_OK, "%s", err.message);
    smp_renderer_desc rd = {0};
    cr_assert_eq(smp_renderer_create(&rd, &p->r, &err), SMP_OK, "%s", err.message);
    smp_mesh m = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 4, 2, &err), SMP_OK);
    const float pos[12] = {-100, -100, 0, 100, -100, 0, 100, 100, 0, -100, 100, 0};
    const float uv[8] = {0, 0, 1, 0, 1, 1, 0, 1};
    const uint32_t idx[6] = {0, 1, 2, 0, 2, 3};
    memcpy(m.positions, pos, sizeof pos);
    memcpy(m.uvs, uv, sizeof uv);
    memcpy(m.indices, idx, sizeof idx);
    smp_mesh_compute_normals(&m);
    cr_assert_eq(smp_renderer_set_head(p->r, &m, &err), SMP_OK, "%s", err.message);
    smp_mesh_free(&m);

    p->xyz = malloc(n * 3 * sizeof(float));
    p->u32 = calloc(n, sizeof(uint32_t)); /* octahedral (0, 0) is +Z */
    p->u16 = malloc(n * 2 * sizeof(uint16_t));
    p->u8 = malloc(n * 3);
    uint64_t s = 12345;
    for (size_t i = 0; i < n; ++i) {
        for (int k = 0; k < 2; ++k) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            p->xyz[k * n + i] = -50.0f + 100.0f * (float)(s >> 40) / (float)(1 << 24);
        }
        p->xyz[2 * n + i] = 0;
        p->u16[i] = (uint16_t)radius_um;
        p->u16[n + i] = 400;
        p->u8[i] = (uint8_t)ink;
        p->u8[n + i] = 0;
        p->u8[2 * n + i] = 0;
    }
    p->dots = (smp_dots){.count = n,
                         .capacity = n,
                         .x = p->xyz,
                         .y = p->xyz + n,
                         .z = p->xyz + 2 * n,
                         .normal = p->u32,
                         .radius_um = p->u16,
                         .depth_um = p->u16 + n,
                         .ink = p->u8,
                         .session = p->u8 + n,
                         .tissue = p->u8 + 2 * n};
    cr_assert_eq(smp_renderer_set_dots(p->r, &p->dots, &err), SMP_OK, "%s", err.message);
    /* One session of undiluted carbon on MST 4 skin, seen a year later. */
    smp_skin_desc sd = {.mst = 4};
    cr_assert_eq(smp_skin_resolve(&sd, &p->skin, &err), SMP_OK, "%s", err.message);
    smp_age_session session = {.t_years = 0};
    smp_age_desc ad = {.skin = &p->skin, .sessions = &session, .session_count = 1};
    cr_assert_eq(smp_age_create(&ad, &p->model, &err), SMP_OK, "%s", err.message);
    float sk[SMP_AGE_SK_FLOATS * 4], consts[SMP_AGE_CONST_FLOATS];
    cr_assert_eq(smp_age_uniforms(p->model, 1.0, sk, consts, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_renderer_set_dot_model(p->r, sk, 1, consts, &err), SMP_OK, "%s", err.message);
}

/* What the C model says one dot of the patch looks like at year 1. */
static smp_dot_state patch_dot(patch *p, unsigned radius_um) {
    smp_dot_state st;
    smp_error err = {0};
    cr_assert_eq(smp_age_dot(p->model, 1.0, radius_um, 400, 255, 0, 0, &st, &err), SMP_OK, "%s",
                 err.message);
    return st;
}

static void close_patch(patch *p) {
    smp_age_destroy(p->model);
    cr_assert_eq(smp_gl_context_error_count(p->gl), 0, "%s", smp_gl_context_last_error(p->gl));
    smp_renderer_destroy(p->r);
    smp_gl_context_destroy(p->gl);
    free(p->xyz);
    free(p->u32);
    free(p->u16);
    free(p->u8);
}

/* A frame looking straight at the patch from distance_mm with the given field of view. */
static smp_frame_desc looking_at(float distance_mm, float fov_deg) {
    smp_frame_desc f = smp_frame_default();
    f.camera = (smp_camera){.eye = {0, 0, distance_mm},
                            .target = {0, 0, 0},
                            .up = {0, 1, 0},
                            .fov_y_deg = fov_deg,
                            .near_mm = distance_mm * 0.5f,
                            .far_mm = distance_mm * 2.0f};
    return f;
}

/* Mean linear colour of the central crop x crop pixels of frame f at 256 x 256. */
static void frame_tone(patch *p, const smp_frame_desc *f, int crop, double out[3]) {
    smp_image img = {0};
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(&img, 256, 256, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(p->r, f, &img, &err), SMP_OK, "%s", err.message);
    double sum[3] = {0, 0, 0};
    int count = 0;
    for (int y = 128 - crop / 2; y < 128 + crop / 2; ++y)
        for (int x = 128 - crop / 2; x < 128 + crop / 2; ++x) {
            const uint8_t *px = smp_image_at(&img, x, y);
            for (int c = 0; c < 3; ++c) {
                double v = px[c] / 255.0;
                sum[c] += v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
            }
            ++count;
        }
    smp_image_free(&img);
    for (int c = 0; c < 3; ++c) out[c] = sum[c] / count;
}

/* The same, looking straight at the patch from distance_mm with the given field of view. */
static void mean_tone(patch *p, float distance_mm, float fov_deg, int hide_dots, int crop,
                      double out[3]) {
    smp_frame_desc f = looking_at(distance_mm, fov_deg);
    f.hide_dots = hide_dots;
    frame_tone(p, &f, crop, out);
}

Test(render_dots, ink_darkens_the_skin_multiplicatively) {
    patch p = {0};
    open_patch(&p, 20000, 150, 255);
    double skin[3], inked[3];
    mean_tone(&p, 300, 20, 1, 64, skin);
    mean_tone(&p, 300, 20, 0, 64, inked);
    for (int c = 0; c < 3; ++c) {
        cr_assert_lt(inked[c], skin[c] * 0.98, "channel %d not darkened: %f vs %f", c, inked[c],
                     skin[c]);
        cr_assert_gt(inked[c], skin[c] * 0.3, "channel %d darkened far past the dots' area", c);
    }
    close_patch(&p);
}

/* A dot's absorbance integrated over its footprint, core and halo: 2 pi sigma^2 (1 - T) each. */
static double dot_absorbance(const smp_dot_state *d, int c) {
    return 2.0 * 3.14159265358979 *
           (d->sigma_mm * d->sigma_mm * (1.0 - d->trans[c]) +
            d->halo_sigma_mm * d->halo_sigma_mm * (1.0 - d->halo_trans[c]));
}

/* 80000 dots of 0.1 mm radius over 100 cm^2 (8 per mm^2). From 300 mm with a 20 degree view a
 * pixel is ~0.41 mm, so every dot is sub-pixel; from 40 mm (~0.055 mm per pixel) each spans
 * several pixels, and the whole frame (14 x 14 mm, ~1600 dots) is measured to keep the
 * sampling noise near 2.5 %. In each channel the darkening must agree within 8 % (plus 0.004,
 * about one 8-bit step of the output) between the two zooms, and with what the C model predicts for
 * multiplicative ink at random places: 1 - exp(-rho a), a being one dot's absorbance over its
 * footprint, core and halo, with sigma and T from smp_age_dot (so the GPU's per-dot values
 * are the C model's). */
Test(render_dots, tone_is_the_same_at_every_zoom_and_matches_the_c_model) {
    patch p = {0};
    open_patch(&p, 80000, 100, 255);
    smp_dot_state dot = patch_dot(&p, 100);
    double skin[3], far[3], skin_near[3], near[3];
    mean_tone(&p, 300, 20, 1, 64, skin);
    mean_tone(&p, 300, 20, 0, 64, far);
    mean_tone(&p, 40, 20, 1, 256, skin_near);
    mean_tone(&p, 40, 20, 0, 256, near);
    for (int c = 0; c < 3; ++c) {
        double dark_far = 1.0 - far[c] / skin[c], dark_near = 1.0 - near[c] / skin_near[c];
        double a = dot_absorbance(&dot, c);
        double predicted = 1.0 - exp(-8.0 * a);
        cr_log_info("channel %d: darkening afar %.4f, close %.4f, predicted %.4f", c, dark_far,
                    dark_near, predicted);
        cr_assert_gt(predicted, 0.02, "the model's dot is too faint to test with");
        cr_assert_lt(fabs(dark_far - dark_near), 0.08 * dark_near + 0.004,
                     "channel %d: darkening %f afar vs %f close", c, dark_far, dark_near);
        cr_assert_lt(fabs(dark_far - predicted), 0.08 * predicted + 0.004,
                     "channel %d: afar %f, predicted %f", c, dark_far, predicted);
    }
    close_patch(&p);
}

/* A frame in motion: the far patch's dots (sub-pixel, so widened to reach a pixel) are thinned
 * to a random share drawn darker (fast_dots; from 600 mm the most thinning there is, 4x,
 * measured over the 75 mm of dots in the middle), and drawn with one sample per pixel
 * (single_sample). In every channel the thinned darkening agrees with the C model's as the
 * still frame's does in the test above (8 % plus 0.004), the single-sampled one with the still
 * frame's within 8 %, and thinning does change the frame. Close up, where every dot spans
 * pixels, nothing is thinned: the same bytes. (Farther away scores of faint dots blend into
 * each pixel; tests/test_render_tone.c holds the tone there, at 1 and 1.5 m.) */
Test(render_dots, a_frame_in_motion_keeps_the_tone) {
    patch p = {0};
    open_patch(&p, 80000, 100, 255);
    smp_dot_state dot = patch_dot(&p, 100);
    const float distance_mm[2] = {300, 600};
    const int crop[2] = {128, 96};
    for (int i = 0; i < 2; ++i) {
        smp_frame_desc f = looking_at(distance_mm[i], 20);
        double skin[3], still[3], thinned[3], single[3];
        f.hide_dots = 1;
        frame_tone(&p, &f, crop[i], skin);
        f.hide_dots = 0;
        frame_tone(&p, &f, crop[i], still);
        f.fast_dots = 1;
        frame_tone(&p, &f, crop[i], thinned);
        f.fast_dots = 0;
        f.single_sample = 1;
        frame_tone(&p, &f, crop[i], single);
        for (int c = 0; c < 3; ++c) {
            double d_still = 1.0 - still[c] / skin[c], d_thin = 1.0 - thinned[c] / skin[c],
                   d_single = 1.0 - single[c] / skin[c];
            double a = dot_absorbance(&dot, c);
            double predicted = 1.0 - exp(-8.0 * a);
            cr_log_info("from %.0f mm, channel %d: darkening %.4f still, %.4f thinned, %.4f one "
                        "sample, %.4f predicted",
                        distance_mm[i], c, d_still, d_thin, d_single, predicted);
            cr_assert_lt(fabs(d_thin - predicted), 0.08 * predicted + 0.004,
                         "from %.0f mm, channel %d: thinned %.4f, predicted %.4f", distance_mm[i],
                         c, d_thin, predicted);
            cr_assert_lt(fabs(d_single / d_still - 1.0), 0.08,
                         "from %.0f mm, channel %d: one sample %.4f, still %.4f", distance_mm[i], c,
                         d_single, d_still);
        }
        /* from 300 mm the halos still span pixels: nothing is widened enough to thin */
        if (distance_mm[i] >= 600)
            cr_assert(still[0] != thinned[0] || still[1] != thinned[1] || still[2] != thinned[2],
                      "fast_dots drew the same far frame");
    }
    smp_frame_desc near = looking_at(40, 20);
    smp_image a = {0}, b = {0};
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(&a, 256, 256, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&b, 256, 256, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(p.r, &near, &a, &err), SMP_OK, "%s", err.message);
    near.fast_dots = 1;
    cr_assert_eq(smp_renderer_capture(p.r, &near, &b, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(memcmp(a.pixels, b.pixels, (size_t)256 * 256 * 4), 0, "a close-up was thinned");
    smp_image_free(&a);
    smp_image_free(&b);
    close_patch(&p);
}
