/* The clinical library: every scene in scenes/ builds (head, fields, dots, model) and renders,
 * the picture is not blank, and the treated scalp differs from the same skin without dots. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/gl_session.h"
#include "smp/scene_args.h"

/* Scenes rendered on the built-in head (the import is tested on its own) and with at most
 * 200k dots, so the whole library runs in CI time. */
static const char *const k_sets[] = {"head.mesh=builtin", "head.resolution=64"};

/* Under AddressSanitizer every scatter is ~10x slower: there a quarter of the library runs,
 * with Poisson placement, which still exercises every path from scene to pixels. */
#if defined(__SANITIZE_ADDRESS__)
enum { STRIDE = 4 };
#define EXTRA_SET "plan.rule=poisson"
#else
enum { STRIDE = 1 };
#define EXTRA_SET NULL
#endif

static int compare_scene(smp_gl_session *h, const smp_scene *s, const char *name) {
    smp_error err = {0};
    smp_image with = {0}, without = {0};
    cr_assert_eq(smp_image_alloc(&with, 240, 180, &err), SMP_OK);
    cr_assert_eq(smp_image_alloc(&without, 240, 180, &err), SMP_OK);
    int differing = 0, head_pixels = 0;
    for (int v = 0; v < s->view_count; ++v) {
        smp_frame_desc f = smp_frame_default();
        smp_pipeline_camera(&h->p, (smp_view)s->views[v], 240.0f / 180.0f, &f.camera);
        cr_assert_eq(smp_gl_session_frame(h, 1.0, &f, &err), SMP_OK, "%s: %s", name, err.message);
        cr_assert_eq(smp_renderer_capture(h->renderer, &f, &with, &err), SMP_OK, "%s", name);
        f.hide_dots = 1;
        cr_assert_eq(smp_renderer_capture(h->renderer, &f, &without, &err), SMP_OK, "%s", name);
        int backdrop[3];
        for (int k = 0; k < 3; ++k) backdrop[k] = (int)lroundf(f.background_srgb[k] * 255.0f);
        for (int i = 0; i < 240 * 180; ++i) {
            const uint8_t *a = with.pixels + 4 * i, *b = without.pixels + 4 * i;
            head_pixels +=
                abs(b[0] - backdrop[0]) + abs(b[1] - backdrop[1]) + abs(b[2] - backdrop[2]) > 30;
            differing += a[0] + 1 < b[0] || a[1] + 1 < b[1] || a[2] + 1 < b[2];
        }
    }
    smp_image_free(&with);
    smp_image_free(&without);
    cr_assert_gt(head_pixels, 2000, "%s: the head is missing from the picture", name);
    return differing;
}

Test(library, every_scene_renders_and_its_treatment_shows, .timeout = 900) {
    DIR *dir = opendir(SMP_SOURCE_DIR "/scenes");
    cr_assert_not_null(dir);
    int scenes = 0, seen = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        if (seen++ % STRIDE) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/scenes/%s", SMP_SOURCE_DIR, e->d_name);
        smp_scene_args a = {.path = path, .sets = {k_sets[0], k_sets[1]}, .set_count = 2};
        if (strncmp(e->d_name, "bench-", 6) == 0) a.sets[a.set_count++] = "plan.dot_count=200000";
        if (EXTRA_SET && strcmp(e->d_name, "fail-grid.json") != 0)
            a.sets[a.set_count++] = EXTRA_SET;
        smp_scene s;
        cr_assert_eq(smp_scene_args_load("test", &a, &s), 0, "%s does not load", e->d_name);
        smp_gl_session h;
        smp_error err = {0};
        cr_assert_eq(smp_gl_session_open(&h, SMP_GL_AUTO, 1, &s, &err), SMP_OK, "%s: %s", e->d_name,
                     err.message);
        cr_assert_gt(h.p.dots.count, 0, "%s has no dots", e->d_name);
        int differing = compare_scene(&h, &s, e->d_name);
        cr_assert_gt(differing, 10, "%s: the treated scalp looks like untreated skin", e->d_name);
        cr_log_info("%-34s %8zu dots, %6d darker pixels", e->d_name, h.p.dots.count, differing);
        smp_gl_session_close(&h);
        ++scenes;
    }
    closedir(dir);
    cr_assert_geq(scenes, 25 / STRIDE);
}
