/* The hair pass and the frame options the viewer needs: hair shows where the client has hair
 * and not on bald scalp, hides when asked, keeps the tone of stubble at every zoom and in
 * motion; the overlay tints the skin by a per-vertex scalar; lighting presets differ; a hidden
 * skin still occludes. And the viewer's rebuilds: progress, and the head kept. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/gl_context.h"
#include "smp/gl_session.h"
#include "smp/hair.h"
#include "smp/head.h"
#include "smp/renderer.h"
#include "smp/scene_args.h"
#include "smp/skin.h"

typedef struct gl_fixture {
    smp_gl_context *gl;
    smp_renderer *r;
} gl_fixture;

static void open_gl(gl_fixture *g) {
    smp_error err = {0};
    smp_gl_context_desc gd = {.debug = 1};
    cr_assert_eq(smp_gl_context_create(&gd, &g->gl, &err), SMP_OK, "%s", err.message);
    smp_renderer_desc rd = {0};
    cr_assert_eq(smp_renderer_create(&rd, &g->r, &err), SMP_OK, "%s", err.message);
}

static void close_gl(gl_fixture *g) {
    cr_assert_eq(smp_gl_context_error_count(g->gl), 0, "GL debug errors, last: %s",
                 smp_gl_context_last_error(g->gl));
    smp_renderer_destroy(g->r);
    smp_gl_context_destroy(g->gl);
}

/* A 200 x 200 mm flat patch of skin facing +Z, its four corners carrying the given overlay
 * values (or none). */
static void set_patch(gl_fixture *g, const float *corner_values) {
    smp_error err = {0};
    smp_mesh m = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 4, 2, &err), SMP_OK);
    const float pos[12] = {-100, -100, 0, 100, -100, 0, 100, 100, 0, -100, 100, 0};
    const float uv[8] = {0, 0, 1, 0, 1, 1, 0, 1};
    const uint32_t idx[6] = {0, 1, 2, 0, 2, 3};
    memcpy(m.positions, pos, sizeof pos);
    memcpy(m.uvs, uv, sizeof uv);
    memcpy(m.indices, idx, sizeof idx);
    smp_mesh_compute_normals(&m);
    cr_assert_eq(smp_renderer_set_head(g->r, &m, &err), SMP_OK, "%s", err.message);
    if (corner_values)
        cr_assert_eq(smp_renderer_set_vertex_scalar(g->r, corner_values, 4, &err), SMP_OK, "%s",
                     err.message);
    smp_mesh_free(&m);
}

/* n stubble hairs over the middle 100 x 100 mm of the patch: 0.5 mm long, 80 µm thick, 37°
 * off the skin in random directions, from a fixed-seed generator. */
static void make_stubble(smp_hair_set *h, size_t n) {
    h->count = n;
    h->segments = 1;
    h->points = malloc(sizeof(float) * 6 * n);
    h->diameter_mm = malloc(sizeof(float) * n);
    h->normal = calloc(n, sizeof(uint32_t));
    h->color_srgb = malloc(3 * n);
    uint64_t s = 777;
    for (size_t i = 0; i < n; ++i) {
        float u[3];
        for (int k = 0; k < 3; ++k) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (float)(s >> 40) / (float)(1 << 24);
        }
        float *p = h->points + 6 * i;
        p[0] = -50.0f + 100.0f * u[0], p[1] = -50.0f + 100.0f * u[1], p[2] = 0;
        float az = 6.2831853f * u[2], el = 37.0f * 0.0174533f;
        p[3] = p[0] + 0.5f * cosf(el) * cosf(az);
        p[4] = p[1] + 0.5f * cosf(el) * sinf(az);
        p[5] = 0.5f * sinf(el);
        h->diameter_mm[i] = 0.08f;
        h->color_srgb[3 * i] = 0x2a, h->color_srgb[3 * i + 1] = 0x24,
                          h->color_srgb[3 * i + 2] = 0x20;
    }
}

static void free_stubble(smp_hair_set *h) {
    free(h->points);
    free(h->diameter_mm);
    free(h->normal);
    free(h->color_srgb);
}

static double linear(uint8_t v) {
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static smp_frame_desc looking_down_at(float x_mm, float y_mm, float distance_mm, float fov_deg) {
    smp_frame_desc f = smp_frame_default();
    f.camera = (smp_camera){.eye = {x_mm, y_mm, distance_mm},
                            .target = {x_mm, y_mm, 0},
                            .up = {0, 1, 0},
                            .fov_y_deg = fov_deg,
                            .near_mm = distance_mm * 0.5f,
                            .far_mm = distance_mm * 2.0f};
    return f;
}

static smp_frame_desc looking_down(float distance_mm, float fov_deg) {
    return looking_down_at(0, 0, distance_mm, fov_deg);
}

/* Mean linear luminance (Rec. 709 weights) of the central crop x crop pixels of a 256 x 256
 * capture. */
static double mean_luminance(gl_fixture *g, const smp_frame_desc *f, int crop) {
    smp_image img = {0};
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(&img, 256, 256, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g->r, f, &img, &err), SMP_OK, "%s", err.message);
    double sum = 0;
    for (int y = 128 - crop / 2; y < 128 + crop / 2; ++y)
        for (int x = 128 - crop / 2; x < 128 + crop / 2; ++x) {
            const uint8_t *px = smp_image_at(&img, x, y);
            sum += 0.2126 * linear(px[0]) + 0.7152 * linear(px[1]) + 0.0722 * linear(px[2]);
        }
    smp_image_free(&img);
    return sum / ((double)crop * crop);
}

/* 20000 hairs per 100 cm² is 200 per cm², a full head of stubble. From 300 mm the frame is
 * 106 mm wide and a shaft a fifth of a pixel; at 4x zoom it is most of a pixel; at 10x it is
 * two pixels wide. The stubble darkens the skin by the same share at all three: within 5 % of
 * that share. The close-up is averaged over 3 x 3 neighbouring frames (~2000 hairs, whose
 * count alone varies by ~2 %); the far frames see 8000 and more. */
Test(render_hair, stubble_tone_is_the_same_at_every_zoom) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_hair_set h = {0};
    make_stubble(&h, 20000);
    smp_error err = {0};
    cr_assert_eq(smp_renderer_set_hair(g.r, &h, &err), SMP_OK, "%s", err.message);
    const float fovs[3] = {20.0f, 5.0f, 2.0f};
    double share[3];
    for (int i = 0; i < 3; ++i) {
        int crop = i == 0 ? 96 : 256, tiles = i == 2 ? 3 : 1;
        float step_mm = 2.0f * 300.0f * tanf(fovs[i] * 0.5f * 0.0174533f);
        double with = 0, without = 0;
        for (int ty = 0; ty < tiles; ++ty)
            for (int tx = 0; tx < tiles; ++tx) {
                smp_frame_desc f = looking_down_at(step_mm * (float)(tx - tiles / 2),
                                                   step_mm * (float)(ty - tiles / 2), 300, fovs[i]);
                with += mean_luminance(&g, &f, crop);
                f.hide_hair = 1;
                without += mean_luminance(&g, &f, crop);
            }
        share[i] = (without - with) / without;
        with /= tiles * tiles, without /= tiles * tiles;
        cr_log_info("fov %.1f°: skin %.4f, with stubble %.4f, darkened by %.2f %%", fovs[i],
                    without, with, 100.0 * share[i]);
    }
    cr_assert_gt(share[0], 0.02, "stubble barely shows: %.4f", share[0]);
    for (int i = 1; i < 3; ++i)
        cr_assert(fabs(share[i] / share[0] - 1.0) < 0.05,
                  "fov %.1f° darkens by %.4f, fov %.1f° by %.4f", fovs[i], share[i], fovs[0],
                  share[0]);
    free_stubble(&h);
    close_gl(&g);
}

/* Hiding the hair gives exactly the frame of a renderer that has none. */
Test(render_hair, hidden_hair_is_no_hair) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_hair_set h = {0};
    make_stubble(&h, 5000);
    smp_error err = {0};
    smp_frame_desc f = looking_down(300, 20);
    smp_image none = {0}, hidden = {0}, shown = {0};
    cr_assert_eq(smp_image_alloc(&none, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&hidden, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&shown, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &none, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_renderer_set_hair(g.r, &h, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &shown, &err), SMP_OK, "%s", err.message);
    f.hide_hair = 1;
    cr_assert_eq(smp_renderer_capture(g.r, &f, &hidden, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(memcmp(none.pixels, hidden.pixels, 128 * 128 * 4), 0);
    cr_assert_neq(memcmp(none.pixels, shown.pixels, 128 * 128 * 4), 0);
    smp_image_free(&none);
    smp_image_free(&hidden);
    smp_image_free(&shown);
    free_stubble(&h);
    close_gl(&g);
}

/* A Norwood VI head grown from the fields: the back of the head (fringe) changes when hair is
 * drawn, the bald top does not. */
Test(render_hair, hair_shows_in_the_fringe_and_not_on_the_bald_top) {
    smp_error err = {0};
    smp_mesh head = {0};
    smp_head_desc hd = {.resolution = 48};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK, "%s", err.message);
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_fields_desc fd = {0};
    fd.pattern.kind = SMP_PATTERN_NORWOOD;
    fd.pattern.stage = 6;
    fd.hair.stubble_mm = 1.0f;
    smp_fields *fields = NULL;
    cr_assert_eq(smp_fields_create(&fd, &head, &lm, &fields, &err), SMP_OK, "%s", err.message);
    smp_hair_set hair = {0};
    smp_hair_grow_desc gd = {.mesh = &head, .fields = fields, .landmarks = &lm, .seed = 4};
    cr_assert_eq(smp_hair_grow(&gd, &hair, &err), SMP_OK, "%s", err.message);

    gl_fixture g = {0};
    open_gl(&g);
    cr_assert_eq(smp_renderer_set_head(g.r, &head, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_renderer_set_hair(g.r, &hair, &err), SMP_OK, "%s", err.message);
    smp_bounds b = smp_mesh_bounds(&head);
    const smp_view views[2] = {SMP_VIEW_BACK, SMP_VIEW_TOP};
    double change[2];
    for (int v = 0; v < 2; ++v) {
        smp_frame_desc f = smp_frame_default();
        smp_camera_for_view(views[v], &b, 1.0f, &f.camera);
        /* the middle of the frame: the occiput from behind, the bald vertex from above */
        double with = mean_luminance(&g, &f, 32);
        f.hide_hair = 1;
        double without = mean_luminance(&g, &f, 32);
        change[v] = (without - with) / without;
    }
    cr_log_info("hair darkens the back by %.2f %%, the bald top by %.3f %%", 100 * change[0],
                100 * change[1]);
    cr_assert_gt(change[0], 0.05, "no hair at the back: %.4f", change[0]);
    cr_assert_lt(fabs(change[1]), 0.002, "hair on the bald top: %.4f", change[1]);
    close_gl(&g);
    smp_hair_set_free(&hair);
    smp_fields_destroy(fields);
    smp_mesh_free(&head);
}

/* The overlay replaces the skin's albedo by the ramp: the end at 1 (yellow) is far redder and
 * greener than the end at 0 (dark violet); without values the overlay reads 0 everywhere. */
Test(render_hair, overlay_tints_the_skin_by_the_vertex_scalar) {
    gl_fixture g = {0};
    open_gl(&g);
    const float values[4] = {0, 10, 10, 0}; /* left edge 0, right edge 10 */
    set_patch(&g, values);
    smp_frame_desc f = looking_down(300, 20);
    f.overlay = SMP_OVERLAY_VERTEX_SCALAR;
    f.overlay_min = 4, f.overlay_max = 6; /* the two probes below fall outside: ramp ends */
    smp_image img = {0};
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(&img, 256, 256, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &img, &err), SMP_OK, "%s", err.message);
    const uint8_t *left = smp_image_at(&img, 60, 128), *right = smp_image_at(&img, 196, 128);
    cr_assert_gt(right[0], left[0] + 40, "left %d, right %d", left[0], right[0]);
    cr_assert_gt(right[1], left[1] + 40, "left %d, right %d", left[1], right[1]);
    cr_assert_gt(left[2], left[1], "the low end is not violet: %d %d %d", left[0], left[1],
                 left[2]);
    /* wrong count: refused and named */
    cr_assert_eq(smp_renderer_set_vertex_scalar(g.r, values, 3, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "3 values"), "%s", err.message);
    /* cleared: both sides alike */
    cr_assert_eq(smp_renderer_set_vertex_scalar(g.r, NULL, 0, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &img, &err), SMP_OK, "%s", err.message);
    left = smp_image_at(&img, 60, 128), right = smp_image_at(&img, 196, 128);
    cr_assert_lt(abs(right[0] - left[0]) + abs(right[1] - left[1]), 8);
    smp_image_free(&img);
    close_gl(&g);
}

/* Each preset has its own name, parses back, and lights the skin differently from the clinic
 * default. */
Test(render_hair, lighting_presets_differ_and_parse) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_frame_desc f = looking_down(300, 20);
    double clinic = mean_luminance(&g, &f, 64);
    for (int i = 1; i < SMP_LIGHTING_COUNT; ++i) {
        smp_lighting back;
        smp_error err = {0};
        cr_assert_eq(smp_lighting_parse(smp_lighting_name((smp_lighting)i), &back, &err), SMP_OK);
        cr_assert_eq(back, i);
        f.lighting = (smp_lighting)i;
        double l = mean_luminance(&g, &f, 64);
        cr_assert(fabs(l / clinic - 1.0) > 0.03, "%s lights like clinic: %.4f vs %.4f",
                  smp_lighting_name(back), l, clinic);
    }
    smp_lighting out;
    smp_error err = {0};
    cr_assert_eq(smp_lighting_parse("disco", &out, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "disco") && strstr(err.message, "overhead"), "%s", err.message);
    close_gl(&g);
}

/* A hidden skin leaves the backdrop, but still hides hair behind the head: hair under the patch
 * (z < 0) never shows, hair on it does. */
Test(render_hair, hidden_skin_still_occludes) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_hair_set h = {0};
    make_stubble(&h, 20000);
    for (size_t i = 0; i < h.count; ++i) h.points[6 * i + 2] -= 2.0f, h.points[6 * i + 5] -= 2.0f;
    smp_error err = {0};
    cr_assert_eq(smp_renderer_set_hair(g.r, &h, &err), SMP_OK, "%s", err.message);
    smp_frame_desc f = looking_down(300, 20);
    f.hide_skin = 1;
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 64, 64, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &img, &err), SMP_OK, "%s", err.message);
    for (int i = 0; i < 64 * 64; ++i) {
        const uint8_t *px = img.pixels + 4 * i;
        for (int c = 0; c < 3; ++c)
            cr_assert_lt(fabs(px[c] - f.background_srgb[c] * 255.0f), 1.5f,
                         "pixel %d is (%d %d %d), not the backdrop", i, px[0], px[1], px[2]);
    }
    smp_image_free(&img);
    free_stubble(&h);
    close_gl(&g);
}

/* Golden image: 2000 stubble hairs on the patch, 128 x 128 at a 5° field (26 mm: shafts a
 * pixel wide, their shadows under the skin resolved), clinic lighting. Every channel of every
 * pixel within 2 levels of tests/golden/hair_patch.png, which was rendered by Mesa llvmpipe
 * (the same frame is bit-identical run to run there; other drivers round differently). With
 * SMP_UPDATE_GOLDEN=1 the test writes the file instead. */
Test(render_hair, golden_stubble_patch) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_hair_set h = {0};
    make_stubble(&h, 2000);
    smp_error err = {0};
    cr_assert_eq(smp_renderer_set_hair(g.r, &h, &err), SMP_OK, "%s", err.message);
    smp_frame_desc f = looking_down(300, 5);
    smp_image img = {0}, golden = {0};
    cr_assert_eq(smp_image_alloc(&img, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g.r, &f, &img, &err), SMP_OK, "%s", err.message);
    const char *path = SMP_SOURCE_DIR "/tests/golden/hair_patch.png";
    const char *update = getenv("SMP_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        cr_assert_eq(smp_image_write_png(path, &img, &err), SMP_OK, "%s", err.message);
    } else {
        cr_assert_eq(smp_image_read_png(path, &golden, &err), SMP_OK, "%s", err.message);
        cr_assert_eq(golden.width, 128);
        cr_assert_eq(golden.height, 128);
        int worst = 0, worst_at = 0;
        for (int i = 0; i < 128 * 128 * 4; ++i) {
            int d = abs(img.pixels[i] - golden.pixels[i]);
            if (d > worst) worst = d, worst_at = i / 4;
        }
        cr_assert_leq(worst, 2, "pixel (%d, %d) differs by %d levels from %s", worst_at % 128,
                      worst_at / 128, worst, path);
        smp_image_free(&golden);
    }
    smp_image_free(&img);
    free_stubble(&h);
    close_gl(&g);
}

/* The heat map of the dots a plan placed: where the default plan asks for its full density the
 * measured density agrees with it on average (within 5 %: several thousand dots), and drawn as
 * an overlay the treated top of the head is yellow where the bare face is violet. */
Test(render_hair, dot_density_heat_map) {
    smp_scene_args a = {.sets = {"head.mesh=builtin", "head.resolution=48", "plan.rule=poisson"},
                        .set_count = 3};
    smp_scene s;
    cr_assert_eq(smp_scene_args_load("test", &a, &s), 0);
    smp_gl_session h;
    smp_error err = {0};
    cr_assert_eq(smp_gl_session_open(&h, SMP_GL_AUTO, 4, &s, &err), SMP_OK, "%s", err.message);
    size_t n = h.p.head.vertex_count;
    float *measured = malloc(sizeof(float) * n), *planned = malloc(sizeof(float) * n);
    cr_assert_eq(smp_pipeline_vertex_dot_density(&h.p, measured, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_pipeline_plan_density(&h.p, &s, 0, planned, &err), SMP_OK, "%s", err.message);
    float top = 0;
    for (size_t i = 0; i < n; ++i) top = planned[i] > top ? planned[i] : top;
    double sum_m = 0, sum_p = 0;
    for (size_t i = 0; i < n; ++i)
        if (planned[i] >= 0.99f * top) sum_m += measured[i], sum_p += planned[i];
    cr_assert_gt(sum_p, 0);
    cr_assert(fabs(sum_m / sum_p - 1.0) < 0.05, "measured %.1f vs planned %.1f dots/cm² (mean)",
              sum_m, sum_p);
    cr_assert_eq(smp_renderer_set_vertex_scalar(h.renderer, measured, n, &err), SMP_OK, "%s",
                 err.message);
    smp_frame_desc f = smp_frame_default();
    smp_pipeline_camera(&h.p, SMP_VIEW_FRONT, 1.0f, &f.camera);
    cr_assert_eq(smp_gl_session_frame(&h, 0.0, &f, &err), SMP_OK, "%s", err.message);
    f.overlay = SMP_OVERLAY_VERTEX_SCALAR;
    f.overlay_min = 0, f.overlay_max = top;
    f.hide_dots = f.hide_hair = 1;
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(h.renderer, &f, &img, &err), SMP_OK, "%s", err.message);
    /* on the front view's midline: just inside the top of the head, and the face (62 % down) */
    int scalp_y = -1;
    const int face_y = 80;
    for (int y = 0; y < 128; ++y) {
        const uint8_t *px = smp_image_at(&img, 64, y);
        int head = abs(px[0] - 51) + abs(px[1] - 54) + abs(px[2] - 56) > 30;
        if (head && scalp_y < 0) scalp_y = y + 3;
    }
    cr_assert(scalp_y > 0 && scalp_y < face_y, "no head on the midline");
    const uint8_t *scalp = smp_image_at(&img, 64, scalp_y), *face = smp_image_at(&img, 64, face_y);
    cr_assert_gt(scalp[1], face[1] + 40, "scalp (%d %d %d), face (%d %d %d)", scalp[0], scalp[1],
                 scalp[2], face[0], face[1], face[2]);
    cr_assert_gt(face[2], face[1], "the untreated face is not at the violet end: (%d %d %d)",
                 face[0], face[1], face[2]);
    smp_image_free(&img);
    free(measured);
    free(planned);
    smp_gl_session_close(&h);
}

/* In motion far stubble is thinned (from 300 mm a shaft is a fifth of a pixel, so a share of
 * the hairs is drawn wider; from 1000 mm the most thinning there is, 4x, measured over the
 * 88 mm of stubble in the middle): its darkening stays within 10 % of the full set's and the
 * frame does change; a close-up, where shafts are pixels wide, is drawn in full: the same
 * bytes. */
Test(render_hair, fast_hair_in_motion_keeps_the_tone) {
    gl_fixture g = {0};
    open_gl(&g);
    set_patch(&g, NULL);
    smp_hair_set h = {0};
    make_stubble(&h, 20000);
    smp_error err = {0};
    cr_assert_eq(smp_renderer_set_hair(g.r, &h, &err), SMP_OK, "%s", err.message);
    const float distance_mm[2] = {300, 1000};
    const int crop[2] = {96, 64};
    for (int i = 0; i < 2; ++i) {
        smp_frame_desc f = looking_down(distance_mm[i], 20);
        f.hide_hair = 1;
        double skin = mean_luminance(&g, &f, crop[i]);
        f.hide_hair = 0;
        double full = mean_luminance(&g, &f, crop[i]);
        f.fast_hair = 1;
        double fast = mean_luminance(&g, &f, crop[i]);
        double share_full = (skin - full) / skin, share_fast = (skin - fast) / skin;
        cr_log_info("from %.0f mm: darkening %.4f in motion, %.4f still", distance_mm[i],
                    share_fast, share_full);
        cr_assert_neq(full, fast, "fast hair drew the same far frame");
        cr_assert(fabs(share_fast / share_full - 1.0) < 0.10,
                  "from %.0f mm: darkening %.4f in motion, %.4f still", distance_mm[i], share_fast,
                  share_full);
    }
    smp_frame_desc near = looking_down(300, 2);
    smp_image a = {0}, b = {0};
    cr_assert_eq(smp_image_alloc(&a, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&b, 128, 128, &err), SMP_OK);
    cr_assert_eq(smp_renderer_capture(g.r, &near, &a, &err), SMP_OK, "%s", err.message);
    near.fast_hair = 1;
    cr_assert_eq(smp_renderer_capture(g.r, &near, &b, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(memcmp(a.pixels, b.pixels, 128 * 128 * 4), 0, "a close-up was thinned");
    smp_image_free(&a);
    smp_image_free(&b);
    free_stubble(&h);
    close_gl(&g);
}

/* What a build reports for the viewer's progress bar. */
typedef struct steps {
    int count, backwards;
    double first_done, last_done, last_after;
} steps;

static void record_step(void *user, double done, double after) {
    steps *s = user;
    if (s->count == 0) s->first_done = done;
    if (done < s->last_done || after < done || after < s->last_after) ++s->backwards;
    s->last_done = done, s->last_after = after;
    ++s->count;
}

/* The viewer's rebuilds: a build's progress only moves forward, from 0 through each stage and
 * session to 1; given the head of an earlier build of the same head (smp_pipeline_same_head), a
 * build reads no mesh and places the same dots and hair. */
Test(render_hair, a_rebuild_reports_progress_and_can_keep_the_head) {
    smp_scene_args a = {.sets = {"head.mesh=builtin", "head.resolution=48", "plan.rule=poisson"},
                        .set_count = 3};
    smp_scene s, other;
    cr_assert_eq(smp_scene_args_load("test", &a, &s), 0);
    steps st = {0};
    smp_pipeline_progress progress = {.step = record_step, .user = &st};
    smp_pipeline first, again;
    smp_error err = {0};
    cr_assert_eq(smp_pipeline_build_with(&s, SMP_PIPELINE_ALL,
                                         &(smp_pipeline_options){.progress = &progress}, &first,
                                         &err),
                 SMP_OK, "%s", err.message);
    /* head, fields, each of the plan's sessions, model, hair, and the end */
    cr_assert_geq(st.count, 5 + s.plan.session_count, "%d steps", st.count);
    cr_assert_eq(st.backwards, 0, "progress went backwards");
    cr_assert_eq(st.first_done, 0.0);
    cr_assert_eq(st.last_done, 1.0);
    cr_assert_gt(first.head_ms, 0.0);
    cr_assert(smp_pipeline_same_head(&s, &s));
    cr_assert_eq(smp_pipeline_build_with(&s, SMP_PIPELINE_ALL,
                                         &(smp_pipeline_options){.head = &first}, &again, &err),
                 SMP_OK, "%s", err.message);
    cr_assert_eq(again.head_ms, 0.0, "the head was built again");
    cr_assert_eq(again.head.vertex_count, first.head.vertex_count);
    cr_assert_eq(again.dots.count, first.dots.count);
    cr_assert_eq(memcmp(again.dots.x, first.dots.x, sizeof(float) * first.dots.count), 0);
    cr_assert_eq(again.hair.count, first.hair.count);
    other = s;
    other.head.resolution = 32;
    cr_assert(!smp_pipeline_same_head(&s, &other), "a coarser head is the same head");
    other = s;
    other.client.hair_density_fu_per_cm2 += 10;
    cr_assert(smp_pipeline_same_head(&s, &other), "a hair edit changed the head");
    smp_pipeline_free(&first);
    smp_pipeline_free(&again);
}
