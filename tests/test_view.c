/* The viewer, run without user input under Xvfb: it opens a window, draws the head and its
 * panels, saves a screenshot and exits. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/image.h"
#include "support.h"

static char *out, *err;

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(view, .fini = release);

static int run_view(const char *screenshot, const char *extra) {
    const char *argv[] = {
        "xvfb-run", "-a",     "-s",      "-screen 0 1280x800x24", SMPSIM_EXE, "view", "--frames",
        "4",        "--size", "800x500", "--screenshot",          screenshot, extra,  NULL};
    return run_command(&out, &err, argv);
}

static double mean_luma(const smp_image *img, int x0, int y0, int x1, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t *p = smp_image_at(img, x, y);
            sum += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        }
    return sum / ((double)(x1 - x0) * (y1 - y0));
}

Test(view, draws_the_head_and_the_panels_and_saves_a_screenshot, .timeout = 120) {
    char shot[512];
    snprintf(shot, sizeof shot, "%s/view.png", test_tmpdir("view"));
    int rc = run_view(shot, NULL);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image img;
    smp_error e = {0};
    cr_assert_eq(smp_image_read_png(shot, &img, &e), SMP_OK, "%s", e.message);
    cr_assert_eq(img.width, 800);
    cr_assert_eq(img.height, 500);
    /* the head, lit skin, fills the middle; the backdrop is a dark grey */
    double centre = mean_luma(&img, 380, 200, 420, 240);
    double corner = mean_luma(&img, 380, 5, 420, 10);
    cr_assert_gt(centre, corner + 60, "no head in the middle: %.0f vs %.0f", centre, corner);
    /* the scene panel at the top left: its title bar differs from the backdrop, and its text
     * puts light pixels on a dark panel */
    int light = 0;
    for (int y = 30; y < 60; ++y)
        for (int x = 15; x < 200; ++x) light += smp_image_at(&img, x, y)[0] > 180;
    cr_assert_gt(light, 30, "no panel text at the top left");
    smp_image_free(&img);
}

Test(view, refuses_bad_arguments_before_opening_a_window) {
    const char *bad[][3] = {{"--frames", "0", NULL},
                            {"--year", "-1", NULL},
                            {"--screenshot", "x.png", NULL},
                            {"--set", "client.skin.mst=0", NULL}};
    for (int i = 0; i < 4; ++i) {
        const char *argv[] = {SMPSIM_EXE, "view", bad[i][0], bad[i][1], NULL};
        cr_assert_eq(run_command(&out, &err, argv), 2, "%s %s: %s", bad[i][0], bad[i][1], err);
        release();
    }
}

Test(view, without_a_display_says_so_and_exits_1) {
    const char *argv[] = {
        "env",  "-u",       "DISPLAY", "-u", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER=x11", SMPSIM_EXE,
        "view", "--frames", "1",       NULL};
    cr_assert_eq(run_command(&out, &err, argv), 1, "%s", err);
    cr_assert_not_null(strstr(err, "display"), "%s", err);
}
