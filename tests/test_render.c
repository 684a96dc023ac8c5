/* Headless GL: framing and backdrop of a rendered head, determinism, backends, shader errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/camera.h"
#include "smp/colour.h"
#include "smp/gl_context.h"
#include "smp/head.h"
#include "smp/image.h"
#include "smp/renderer.h"
#include "smp/skin.h"
#include "support.h"

/* Each test brings up its own headless context (Mesa llvmpipe in CI). */
typedef struct fixture {
    smp_gl_context *gl;
    smp_renderer *renderer;
    smp_bounds bounds;
} fixture;

static void open_fixture(fixture *f, smp_gl_backend backend, int msaa) {
    smp_error err = {0};
    smp_gl_context_desc gd = {.backend = backend, .debug = 1};
    cr_assert_eq(smp_gl_context_create(&gd, &f->gl, &err), SMP_OK, "%s", err.message);
    smp_renderer_desc rd = {.msaa_samples = msaa};
    cr_assert_eq(smp_renderer_create(&rd, &f->renderer, &err), SMP_OK, "%s", err.message);
    smp_head_desc hd = {.resolution = 48};
    smp_mesh head = {0};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK);
    f->bounds = smp_mesh_bounds(&head);
    cr_assert_eq(smp_renderer_set_head(f->renderer, &head, &err), SMP_OK, "%s", err.message);
    smp_mesh_free(&head);
}

static void close_fixture(fixture *f) {
    cr_assert_eq(smp_gl_context_error_count(f->gl), 0, "GL debug errors, last: %s",
                 smp_gl_context_last_error(f->gl));
    smp_renderer_destroy(f->renderer);
    smp_gl_context_destroy(f->gl);
}

static void render_view(fixture *f, smp_view view, int w, int h, smp_image *img) {
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(img, w, h, &err), SMP_OK);
    smp_frame_desc frame = smp_frame_default();
    smp_camera_for_view(view, &f->bounds, (float)w / (float)h, &frame.camera);
    cr_assert_eq(smp_renderer_capture(f->renderer, &frame, img, &err), SMP_OK, "%s", err.message);
}

static int is_background(const uint8_t *p) {
    smp_frame_desc d = smp_frame_default();
    for (int k = 0; k < 3; ++k)
        if (abs((int)p[k] - (int)lroundf(d.background_srgb[k] * 255.0f)) > 1) return 0;
    return 1;
}

static double coverage(const smp_image *img) {
    long head = 0;
    for (int y = 0; y < img->height; ++y)
        for (int x = 0; x < img->width; ++x) head += !is_background(smp_image_at(img, x, y));
    return (double)head / ((double)img->width * img->height);
}

Test(render, front_view_shows_a_centred_head_on_the_backdrop) {
    fixture f;
    open_fixture(&f, SMP_GL_AUTO, 4);
    smp_image img;
    render_view(&f, SMP_VIEW_FRONT, 320, 240, &img);
    /* Corners and the side margins are backdrop; the centre is lit skin; alpha is opaque. */
    const int corners[4][2] = {{0, 0}, {319, 0}, {0, 239}, {319, 239}};
    for (int i = 0; i < 4; ++i)
        cr_assert(is_background(smp_image_at(&img, corners[i][0], corners[i][1])), "corner %d", i);
    for (int y = 0; y < 240; ++y) cr_assert(is_background(smp_image_at(&img, 20, y)));
    const uint8_t *centre = smp_image_at(&img, 160, 100);
    cr_assert_not(is_background(centre));
    cr_assert_gt(centre[0], centre[2], "skin should be warmer than it is blue");
    cr_assert_gt(centre[0], 120, "face should be lit, got %d", centre[0]);
    for (int i = 0; i < 320 * 240; ++i) cr_assert_eq(img.pixels[4 * i + 3], 255);
    /* A head in a 16:9-ish frame fitted by its bounding sphere covers a fair share of it. */
    double c = coverage(&img);
    cr_assert(c > 0.12 && c < 0.5, "head covers %.3f of the frame", c);
    /* Left-right symmetric within anti-aliasing noise: the head is centred. */
    long left = 0, right = 0;
    for (int y = 0; y < 240; ++y)
        for (int x = 0; x < 160; ++x) {
            left += !is_background(smp_image_at(&img, x, y));
            right += !is_background(smp_image_at(&img, 319 - x, y));
        }
    cr_assert_lt(labs(left - right), (left + right) / 50, "left %ld right %ld", left, right);
    smp_image_free(&img);
    close_fixture(&f);
}

Test(render, top_view_shows_the_scalp) {
    fixture f;
    open_fixture(&f, SMP_GL_AUTO, 4);
    smp_image img;
    render_view(&f, SMP_VIEW_TOP, 240, 240, &img);
    double c = coverage(&img);
    cr_assert(c > 0.15 && c < 0.6, "scalp covers %.3f of the frame", c);
    cr_assert_not(is_background(smp_image_at(&img, 120, 120)));
    smp_image_free(&img);
    close_fixture(&f);
}

Test(render, captures_are_deterministic) {
    fixture f;
    open_fixture(&f, SMP_GL_AUTO, 4);
    smp_image a, b;
    render_view(&f, SMP_VIEW_THREE_QUARTER, 200, 150, &a);
    render_view(&f, SMP_VIEW_THREE_QUARTER, 200, 150, &b);
    cr_assert_eq(memcmp(a.pixels, b.pixels, 200 * 150 * 4), 0);
    smp_image_free(&a);
    smp_image_free(&b);
    close_fixture(&f);
}

Test(render, sdl_offscreen_fallback_renders_the_same_head) {
    fixture e, s;
    smp_image a, b;
    open_fixture(&e, SMP_GL_EGL, 1);
    render_view(&e, SMP_VIEW_FRONT, 160, 120, &a);
    close_fixture(&e);
    open_fixture(&s, SMP_GL_SDL_OFFSCREEN, 1);
    cr_assert_eq(smp_gl_context_backend(s.gl), SMP_GL_SDL_OFFSCREEN);
    render_view(&s, SMP_VIEW_FRONT, 160, 120, &b);
    close_fixture(&s);
    /* Same driver underneath: the images agree to within one level on average. */
    double diff = 0;
    for (int i = 0; i < 160 * 120 * 4; ++i) diff += abs((int)a.pixels[i] - (int)b.pixels[i]);
    cr_assert_lt(diff / (160 * 120 * 4), 1.0);
    smp_image_free(&a);
    smp_image_free(&b);
}

Test(render, driver_reports_gl_33_core) {
    smp_gl_context *gl = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_gl_context_create(NULL, &gl, &err), SMP_OK, "%s", err.message);
    cr_assert_neq(smp_gl_context_backend(gl), SMP_GL_AUTO);
    cr_assert_gt(strlen(smp_gl_context_renderer(gl)), 0);
    int major = 0, minor = 0;
    cr_assert_eq(sscanf(smp_gl_context_version(gl), "%d.%d", &major, &minor), 2);
    cr_assert_geq(major * 10 + minor, 33, "version %s", smp_gl_context_version(gl));
    smp_gl_context_destroy(gl);
}

Test(render, broken_shader_reports_the_file_and_the_driver_log) {
    const char *dir = test_tmpdir("shaders");
    char path[1200];
    /* the skin's fragment shader is compiled with the lighting library after it */
    const char *names[3] = {"skin.vert", "skin.frag", "lights.glsl"};
    const char *texts[3] = {"#version 330 core\nvoid main() { gl_Position = vec4(0); }\n",
                            "#version 330 core\nvoid main() { this is not glsl; }\n",
                            "// lights\n"};
    for (int i = 0; i < 3; ++i) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *fp = fopen(path, "w");
        fputs(texts[i], fp);
        fclose(fp);
    }
    setenv("SMP_SHADER_DIR", dir, 1);
    smp_gl_context *gl = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_gl_context_create(NULL, &gl, &err), SMP_OK, "%s", err.message);
    smp_renderer *r = NULL;
    cr_assert_eq(smp_renderer_create(NULL, &r, &err), SMP_ERR_GL);
    cr_assert_null(r);
    cr_assert_not_null(strstr(err.message, "skin.frag"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "compile"), "%s", err.message);
    smp_gl_context_destroy(gl);
    unsetenv("SMP_SHADER_DIR");
}

Test(render, unknown_backend_in_the_environment_is_an_input_error) {
    setenv("SMP_GL_BACKEND", "vulkan", 1);
    smp_gl_context *gl = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_gl_context_create(NULL, &gl, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(gl);
    cr_assert_not_null(strstr(err.message, "SMP_GL_BACKEND"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "vulkan"), "%s", err.message);
    unsetenv("SMP_GL_BACKEND");
}

/* Clinic framing, as drawn: in each clinic view the rows showing the head (any pixel off the
 * backdrop) span 75–90 % of the picture's height, with backdrop above and below. */
Test(render, clinic_views_show_the_whole_head_filling_most_of_the_height) {
    fixture f;
    open_fixture(&f, SMP_GL_AUTO, 1);
    smp_error err = {0};
    smp_mesh head = {0};
    cr_assert_eq(smp_head_build(&(smp_head_desc){.resolution = 48}, &head, &err), SMP_OK);
    static const smp_view views[] = {SMP_VIEW_FRONT, SMP_VIEW_TOP, SMP_VIEW_BACK, SMP_VIEW_LEFT,
                                     SMP_VIEW_RIGHT};
    enum { W = 256, H = 144 };
    for (size_t v = 0; v < sizeof views / sizeof views[0]; ++v) {
        smp_image img;
        cr_assert_eq(smp_image_alloc(&img, W, H, &err), SMP_OK);
        smp_frame_desc frame = smp_frame_default();
        smp_camera_frame_points(views[v], head.positions, head.vertex_count, (float)W / H,
                                SMP_CAMERA_CLINIC_FILL, &frame.camera);
        cr_assert_eq(smp_renderer_capture(f.renderer, &frame, &img, &err), SMP_OK, "%s",
                     err.message);
        int top = -1, bottom = -1;
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x)
                if (!is_background(smp_image_at(&img, x, y))) {
                    if (top < 0) top = y;
                    bottom = y;
                }
        double fill = (bottom - top + 1) / (double)H;
        cr_assert(top > 0 && bottom < H - 1, "%s view: the head touches the frame's edge",
                  smp_view_name(views[v]));
        cr_assert(fill >= 0.75 && fill <= 0.90, "%s view: the head fills %.3f of the height",
                  smp_view_name(views[v]), fill);
        smp_image_free(&img);
    }
    smp_mesh_free(&head);
    close_fixture(&f);
}

/* The clinic backdrop stands apart from the skin at both ends of the Monk scale (and every
 * tone between): a clear colour difference, far past the 1–3 ΔE00 at which patches of skin
 * begin to look different. */
Test(render, the_backdrop_contrasts_with_every_skin_tone) {
    smp_frame_desc f = smp_frame_default();
    double backdrop[3], lab_backdrop[3];
    for (int k = 0; k < 3; ++k) backdrop[k] = smp_srgb_decode(f.background_srgb[k]);
    smp_linear_to_lab(backdrop, lab_backdrop);
    cr_assert(lab_backdrop[0] > 45 && lab_backdrop[0] < 55, "backdrop L* %.1f: not mid-tone",
              lab_backdrop[0]);
    for (int mst = 1; mst <= 10; ++mst) {
        smp_skin skin;
        smp_error err = {0};
        cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = mst}, &skin, &err), SMP_OK);
        double de = smp_ciede2000_linear(skin.albedo_linear, backdrop);
        cr_assert_geq(de, 20.0, "MST %d: the backdrop is only ΔE00 %.1f from the skin", mst, de);
    }
}

/* Pen marks: the zero crossing of a per-vertex value is drawn as a thin line in its pen's
 * colour, only when the frame asks, and the hairline's only where its mask allows. The test
 * head's midline (x = 0) seen from the front is the outline; the line x = 30 mm the hairline,
 * masked to the upper half of the head. */
Test(render, pen_marks_draw_zero_crossings_as_thin_lines) {
    fixture f;
    open_fixture(&f, SMP_GL_AUTO, 4);
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 48};
    smp_mesh head = {0};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK);
    size_t n = head.vertex_count;
    float *outline = malloc(sizeof(float) * n), *hairline = malloc(sizeof(float) * n),
          *mask = malloc(sizeof(float) * n);
    cr_assert(outline && hairline && mask);
    for (size_t i = 0; i < n; ++i) {
        outline[i] = head.positions[3 * i];
        hairline[i] = head.positions[3 * i] - 30.0f;
        mask[i] = head.positions[3 * i + 1] > 40.0f ? 1.0f : 0.0f;
    }
    cr_assert_eq(smp_renderer_set_marks(f.renderer, outline, hairline, mask, n, &err), SMP_OK, "%s",
                 err.message);
    cr_assert_eq(smp_renderer_set_marks(f.renderer, outline, NULL, NULL, n - 1, &err),
                 SMP_ERR_INVALID_ARG);
    smp_image plain = {0}, marked = {0};
    const int w = 320, h = 320;
    cr_assert_eq(smp_image_alloc(&plain, w, h, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&marked, w, h, &err), SMP_OK);
    smp_frame_desc frame = smp_frame_default();
    frame.hide_dots = frame.hide_hair = 1;
    smp_camera_for_view(SMP_VIEW_FRONT, &f.bounds, 1.0f, &frame.camera);
    cr_assert_eq(smp_renderer_capture(f.renderer, &frame, &plain, &err), SMP_OK, "%s", err.message);
    frame.marks = 1;
    cr_assert_eq(smp_renderer_capture(f.renderer, &frame, &marked, &err), SMP_OK, "%s",
                 err.message);
    /* along the forehead row: the columns the marks changed, by pen colour */
    int row = h / 4, changed = 0, violet = 0, red = 0;
    double violet_x = 0, red_x = 0;
    for (int x = 0; x < w; ++x) {
        const uint8_t *p = smp_image_at(&plain, x, row), *m = smp_image_at(&marked, x, row);
        if ((double)p[1] - m[1] <= 20) continue;
        ++changed;
        if (m[2] > m[1] + 20 && m[2] > m[0] - 10) violet++, violet_x += x;
        if (m[0] > m[2] + 40) red++, red_x += x;
    }
    cr_assert(violet > 0 && red > 0, "pens seen along the row: violet %d, red %d", violet, red);
    violet_x /= violet, red_x /= red;
    cr_assert(fabs(violet_x - w / 2) <= 3, "the outline is drawn at column %.1f, not %d", violet_x,
              w / 2);
    cr_assert(red_x > w / 2 + 10, "the hairline (x = 30 mm) is drawn at column %.1f", red_x);
    /* two lines, each a few pixels wide */
    cr_assert(changed >= 2 && changed <= 16, "%d columns changed along the row", changed);
    /* below the mask, the hairline's line is not drawn: a low row changes at the midline only */
    int low = h * 3 / 4, low_changed = 0;
    for (int x = 0; x < w; ++x) {
        const uint8_t *p = smp_image_at(&plain, x, low), *q = smp_image_at(&marked, x, low);
        if (abs(x - w / 2) > 6) low_changed += abs((int)p[1] - q[1]) > 20;
    }
    cr_assert_eq(low_changed, 0, "%d columns off the midline changed below the mask", low_changed);
    smp_image_free(&plain);
    smp_image_free(&marked);
    free(outline);
    free(hairline);
    free(mask);
    smp_mesh_free(&head);
    close_fixture(&f);
}
