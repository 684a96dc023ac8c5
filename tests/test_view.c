/* The viewer, run without user input on a private Xvfb: it opens a window, draws the head and its
 * panels, runs scripts (year changes, edits, comparisons, files), saves screenshots and exits. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/image.h"
#include "smp/scene.h"
#include "support.h"

static char *out, *err;

/* test_tmpdir's answer is a static buffer that running a command reuses: each test copies it
 * into its own dir[]. */

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(view, .fini = release);

/* smpsim view at 800x500 on a private Xvfb, with up to six more arguments. */
static int run_view(const char *const *extra) {
    const char *argv[32] = {SMPSIM_EXE, "view", "--size", "800x500", NULL};
    int n = 4;
    for (int i = 0; extra && extra[i] && n < 31; ++i) argv[n++] = extra[i];
    argv[n] = NULL;
    return run_under_xvfb(&out, &err, "1280x800x24", argv);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static smp_image read_png(const char *path) {
    smp_image img = {0};
    smp_error e = {0};
    cr_assert_eq(smp_image_read_png(path, &img, &e), SMP_OK, "%s", e.message);
    return img;
}

/* Mean absolute difference of two same-sized images, over every channel. */
static double mean_difference(const smp_image *a, const smp_image *b) {
    cr_assert_eq(a->width, b->width);
    cr_assert_eq(a->height, b->height);
    double sum = 0;
    size_t n = (size_t)a->width * a->height * 4;
    for (size_t i = 0; i < n; ++i) sum += fabs((double)a->pixels[i] - b->pixels[i]);
    return sum / (double)n;
}

/* The dot count the viewer reports when it exits after --frames. */
static long dots_reported(void) {
    const char *p = err ? strstr(err, " dots in after ") : NULL;
    cr_assert_not_null(p, "no frame summary on stderr:\n%s", err);
    while (p > err && p[-1] != ' ') --p;
    return strtol(p, NULL, 10);
}

Test(view, draws_the_head_and_the_panels_and_saves_a_screenshot, .timeout = 120) {
    char shot[512];
    snprintf(shot, sizeof shot, "%s/view.png", test_tmpdir("view"));
    const char *args[] = {"--frames", "4", "--screenshot", shot, NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image img = read_png(shot);
    cr_assert_eq(img.width, 800);
    cr_assert_eq(img.height, 500);
    /* the head, lit skin, fills the middle; the backdrop is a dark grey */
    double centre = image_mean_luma(&img, 380, 200, 420, 240);
    double corner = image_mean_luma(&img, 380, 5, 420, 10);
    cr_assert_gt(centre, corner + 60, "no head in the middle: %.0f vs %.0f", centre, corner);
    /* the scene panel at the top left and the frame HUD at the top right: their text puts
     * light (the HUD's muted: lighter) pixels on dark panels */
    int left = 0, right = 0;
    for (int y = 30; y < 60; ++y) {
        for (int x = 15; x < 200; ++x) left += smp_image_at(&img, x, y)[0] > 180;
        for (int x = 460; x < 780; ++x) right += smp_image_at(&img, x, y)[0] > 110;
    }
    cr_assert_gt(left, 30, "no panel text at the top left");
    cr_assert_gt(right, 30, "no HUD text at the top right");
    /* the dots were in when the frames were counted */
    cr_assert_gt(dots_reported(), 1000, "%s", err);
    smp_image_free(&img);
}

/* Text pixels (light on a dark panel) in a box: a panel's contents show there. */
static int light_pixels(const smp_image *img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) n += smp_image_at(img, x, y)[0] > 180;
    return n;
}

Test(view, a_small_window_folds_the_side_panels_and_tab_hides_them, .timeout = 120) {
    char dir[512], script[1024], a[1024], b[1024], text[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-small"));
    snprintf(script, sizeof script, "%s/panels.txt", dir);
    snprintf(a, sizeof a, "%s/folded.png", dir);
    snprintf(b, sizeof b, "%s/hidden.png", dir);
    snprintf(text, sizeof text, "frames 2\nscreenshot %s\npanels off\nframes 2\nscreenshot %s\n", a,
             b);
    write_text(script, text);
    const char *args[] = {"--size", "640x400", "--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image folded = read_png(a), hidden = read_png(b);
    cr_assert_eq(folded.width, 640);
    /* folded: the Scene panel's title bar (its name in light text) but none of its contents
     * (the client's first lines) under it */
    cr_assert_gt(light_pixels(&folded, 15, 14, 120, 28), 20, "no Scene title bar");
    cr_assert_lt(light_pixels(&folded, 15, 40, 200, 70), 5, "the Scene panel is open");
    /* hidden: not even the title bar; the head is still there */
    cr_assert_lt(light_pixels(&hidden, 15, 14, 120, 28), 5, "the Scene title bar shows");
    double centre = image_mean_luma(&hidden, 300, 160, 340, 200),
           corner = image_mean_luma(&hidden, 300, 5, 340, 10);
    cr_assert_gt(centre, corner + 60, "no head in the middle: %.0f vs %.0f", centre, corner);
    smp_image_free(&folded);
    smp_image_free(&hidden);
}

Test(view, a_scripted_year_change_changes_the_head, .timeout = 120) {
    char dir[512], script[1024], a[1024], b[1024], c[1024], text[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-year"));
    snprintf(script, sizeof script, "%s/year.txt", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(c, sizeof c, "%s/c.png", dir);
    snprintf(text, sizeof text,
             "# the day of the last session, ten years on, then that day again\n"
             "view top\nyear 0\nscreenshot %s 320x240\nyear 10\nscreenshot %s 320x240\n"
             "year 0\nframes 3\nscreenshot %s 320x240\n",
             a, b, c);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image ia = read_png(a), ib = read_png(b), ic = read_png(c);
    cr_assert_eq(ia.width, 320);
    /* the same year draws the same bytes, so what differs is the year's doing */
    cr_assert_eq(mean_difference(&ia, &ic), 0.0, "year 0 drew differently twice");
    double d = mean_difference(&ia, &ib);
    cr_assert_gt(d, 0.05, "year 10 looks like year 0 (mean difference %.3f)", d);
    smp_image_free(&ia);
    smp_image_free(&ib);
    smp_image_free(&ic);
}

/* How many of the counted frames drew the scene, from the frame summary on stderr. */
static long scene_draws_reported(void) {
    const char *p = err ? strstr(err, "the scene drawn in ") : NULL;
    cr_assert_not_null(p, "no frame summary on stderr:\n%s", err);
    return strtol(p + strlen("the scene drawn in "), NULL, 10);
}

/* The largest difference of any channel of two same-sized images over a box. */
static int worst_difference(const smp_image *a, const smp_image *b, int x0, int y0, int x1,
                            int y1) {
    int worst = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            for (int c = 0; c < 3; ++c) {
                int d = abs(smp_image_at(a, x, y)[c] - smp_image_at(b, x, y)[c]);
                if (d > worst) worst = d;
            }
    return worst;
}

/* While nothing the picture depends on changes, frames show the picture kept from the last
 * one that drew it (the same bytes between the panels) instead of drawing it again; when the
 * years play or the camera orbits, every frame draws. */
Test(view, an_unchanged_scene_is_drawn_once_and_shown_again, .timeout = 180) {
    char dir[512], script[1024], drawn[1024], kept[1024], text[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-kept"));
    snprintf(script, sizeof script, "%s/kept.txt", dir);
    snprintf(drawn, sizeof drawn, "%s/drawn.png", dir);
    snprintf(kept, sizeof kept, "%s/kept.png", dir);
    /* a new year draws; the frames after it change nothing */
    snprintf(text, sizeof text, "year 5\nscreenshot %s\nframes 4\nscreenshot %s\n", drawn, kept);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "5", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    cr_assert_eq(scene_draws_reported(), 0, "still frames drew the scene:\n%s", err);
    smp_image a = read_png(drawn), b = read_png(kept);
    /* the head between the panels (the HUD's figures differ) */
    int worst = worst_difference(&a, &b, 356, 20, 444, 370);
    cr_assert_eq(worst, 0, "the kept picture differs from the drawn one by %d levels", worst);
    smp_image_free(&a);
    smp_image_free(&b);
    const char *moving[2] = {"year 5\nspeed 0.05\nplay\n", "year 5\norbit 3\n"};
    for (int i = 0; i < 2; ++i) {
        release();
        write_text(script, moving[i]);
        rc = run_view(args);
        cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
        cr_assert_eq(scene_draws_reported(), 4, "frames in motion did not all draw (%s):\n%s",
                     moving[i], err);
    }
}

Test(view, a_bad_script_line_exits_2_naming_the_line) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-bad"));
    const char *bad[] = {
        "year 3\nyaer 5\n",          "year 3\nyear 25\n",      "view front\nview sideways\n",
        "year 1\ncompare split 1\n", "frames 2\nset client\n", "orbit 2\norbit 200\n"};
    for (int i = 0; i < 6; ++i) {
        char script[1024];
        snprintf(script, sizeof script, "%s/bad%d.txt", dir, i);
        write_text(script, bad[i]);
        /* checked before any window opens: no display needed */
        const char *argv[] = {SMPSIM_EXE, "view", "--script", script, "--frames", "1", NULL};
        int rc = run_command(&out, &err, argv);
        cr_assert_eq(rc, 2, "script %d: exit %d\n%s", i, rc, err);
        char where[1100];
        snprintf(where, sizeof where, "%s:2:", script);
        cr_assert_not_null(strstr(err, where), "script %d: no line number in:\n%s", i, err);
        release();
    }
    const char *argv[] = {SMPSIM_EXE, "view", "--script", "/nonexistent/script.txt", NULL};
    cr_assert_eq(run_command(&out, &err, argv), 2, "%s", err);
    cr_assert_not_null(strstr(err, "/nonexistent/script.txt"), "%s", err);
}

Test(view, a_scene_that_fails_to_load_keeps_the_previous_one, .timeout = 120) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-open"));
    char script[1024], broken[1024], a[1024], b[1024], text[4096];
    snprintf(script, sizeof script, "%s/open.txt", dir);
    snprintf(broken, sizeof broken, "%s/broken.json", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    write_text(broken, "{ \"client\": { \"skin\": { \"mst\": 42 } } }\n");
    snprintf(text, sizeof text,
             "year 2\nscreenshot %s 320x240\nopen %s\nframes 2\nscreenshot %s 320x240\n", a, broken,
             b);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    /* the errors are shown (and echoed), naming the field */
    cr_assert_not_null(strstr(err, "client.skin.mst"), "%s", err);
    cr_assert_not_null(strstr(err, "previous scene stays"), "%s", err);
    smp_image ia = read_png(a), ib = read_png(b);
    cr_assert_eq(mean_difference(&ia, &ib), 0.0, "the head changed after a failed open");
    smp_image_free(&ia);
    smp_image_free(&ib);
}

Test(view, edits_apply_at_once_or_after_a_background_rescatter, .timeout = 180) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-edit"));
    char script[1024], a[1024], b[1024], saved[1024], text[4096];
    snprintf(script, sizeof script, "%s/edit.txt", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(saved, sizeof saved, "%s/saved.json", dir);
    snprintf(text, sizeof text,
             "dots off\nscreenshot %s 320x240\nset client.skin.mst=9\nscreenshot %s 320x240\n"
             "dots on\nset plan.full_density_per_cm2=20\nsave %s\n",
             a, b, saved);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    /* a skin-tone edit darkens the skin */
    smp_image ia = read_png(a), ib = read_png(b);
    double la = image_mean_luma(&ia, 140, 100, 180, 140),
           lb = image_mean_luma(&ib, 140, 100, 180, 140);
    cr_assert_gt(la, lb + 20, "MST 9 (%.0f) not darker than MST 4 (%.0f)", lb, la);
    smp_image_free(&ia);
    smp_image_free(&ib);
    /* a density edit re-scattered: a quarter of the default density, far fewer dots */
    long fewer = dots_reported();
    release();
    const char *plain[] = {"--frames", "1", NULL};
    cr_assert_eq(run_view(plain), 0, "%s", err);
    long usual = dots_reported();
    cr_assert_lt(fewer * 2, usual, "%ld dots after the edit, %ld before", fewer, usual);
    /* the saved scene loads back with both edits */
    smp_scene s;
    smp_scene_report rep;
    smp_scene_source src = {.path = saved};
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert_eq(s.client.mst, 9);
    cr_assert_float_eq(s.plan.full_density_per_cm2, 20.0, 1e-9);
}

Test(view, a_rejected_edit_exits_2_naming_the_line_and_the_field, .timeout = 120) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-reject"));
    char script[1024];
    snprintf(script, sizeof script, "%s/reject.txt", dir);
    write_text(script, "year 1\nset client.skin.mst=0\n");
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    cr_assert_eq(run_view(args), 2, "%s", err);
    char where[1100];
    snprintf(where, sizeof where, "%s:2:", script);
    cr_assert_not_null(strstr(err, where), "%s", err);
    cr_assert_not_null(strstr(err, "client.skin.mst"), "%s", err);
}

Test(view, compares_and_exports_a_sheet, .timeout = 180) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-compare"));
    char script[1024], split[1024], sheet[1024], text[4096];
    snprintf(script, sizeof script, "%s/compare.txt", dir);
    snprintf(split, sizeof split, "%s/split.png", dir);
    snprintf(sheet, sizeof sheet, "%s/sheet.png", dir);
    snprintf(text, sizeof text,
             "view top\nyear 1\ncompare untreated 0.5\nframes 2\nscreenshot %s\nsheet %s\n", split,
             sheet);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    /* untreated left of the divider, dots right: the right of the scalp is darker */
    smp_image img = read_png(split);
    double left = image_mean_luma(&img, 360, 200, 390, 260),
           right = image_mean_luma(&img, 410, 200, 440, 260);
    cr_assert_gt(left, right + 5, "left %.0f, right %.0f", left, right);
    /* the divider: a light line at the middle */
    cr_assert_gt(image_mean_luma(&img, 399, 150, 401, 300), 200.0);
    smp_image_free(&img);
    /* the sheet holds the scene's views and times: 5 x 6 cells of 4:5 and a title block */
    smp_image s = read_png(sheet);
    cr_assert_gt(s.width, 1000, "%dx%d", s.width, s.height);
    cr_assert_gt(s.height, 800, "%dx%d", s.width, s.height);
    smp_image_free(&s);
}

Test(view, refuses_bad_arguments_before_opening_a_window) {
    const char *bad[][3] = {{"--frames", "0", NULL},
                            {"--year", "-1", NULL},
                            {"--screenshot", "x.png", NULL},
                            {"--set", "client.skin.mst=0", NULL},
                            {"--script", "", NULL}};
    for (int i = 0; i < 5; ++i) {
        const char *argv[] = {SMPSIM_EXE, "view", bad[i][0], bad[i][1], NULL};
        cr_assert_eq(run_command(&out, &err, argv), 2, "%s %s: %s", bad[i][0], bad[i][1], err);
        release();
    }
}

/* The private server is invisible to the command's result: its exit status and output come
 * through unchanged (a wrapper that cleaned up after itself once turned exit 2 into 5), and the
 * server is gone once the command has run. */
Test(view, a_private_display_passes_the_exit_status_through_and_stops) {
    const char *argv[] = {"sh", "-c", "echo \"$DISPLAY\"; exit 2", NULL};
    cr_assert_eq(run_under_xvfb(&out, &err, "640x480x24", argv), 2, "%s", err);
    cr_assert_str_eq(err, "");
    int display = -1;
    cr_assert_eq(sscanf(out, ":%d", &display), 1, "DISPLAY was '%s'", out);
    char socket_path[64];
    snprintf(socket_path, sizeof socket_path, "/tmp/.X11-unix/X%d", display);
    cr_assert_not(file_exists(socket_path), "%s still exists", socket_path);
}

Test(view, without_a_display_says_so_and_exits_1) {
    const char *argv[] = {
        "env",  "-u",       "DISPLAY", "-u", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER=x11", SMPSIM_EXE,
        "view", "--frames", "1",       NULL};
    cr_assert_eq(run_command(&out, &err, argv), 1, "%s", err);
    cr_assert_not_null(strstr(err, "display"), "%s", err);
}

/* --- training mode ------------------------------------------------------------------------ */

#define CROWN_FILL SMP_SOURCE_DIR "/scenes/training/1-crown-fill.json"

/* Punctures in a session file, or -1 when it does not parse. */
static int punctures_in(const char *path) {
    char *text = slurp(path, NULL);
    cr_assert_not_null(text, "%s was not written", path);
    cJSON *root = cJSON_Parse(text);
    free(text);
    int n = root ? cJSON_GetArraySize(cJSON_GetObjectItem(root, "punctures")) : -1;
    cJSON_Delete(root);
    return n;
}

Test(view, scripted_punctures_and_strokes_make_a_session_smpsim_score_grades, .timeout = 240) {
    char dir[512], script[1024], session[1024], undone[1024], text[8192];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-train"));
    snprintf(script, sizeof script, "%s/train.txt", dir);
    snprintf(session, sizeof session, "%s/s.smpt.json", dir);
    snprintf(undone, sizeof undone, "%s/undone.smpt.json", dir);
    /* the top view puts the crown in the middle of the window; the corner is backdrop */
    snprintf(text, sizeof text,
             "train on\nview top\npuncture 400 230\npuncture 412 236\npuncture 2 2\n"
             "puncture 388 244\nstroke 360 250 440 250 500\ntrainee Ann Example\nsave-session %s\n"
             "undo\nundo\nredo\nsave-session %s\n",
             session, undone);
    write_text(script, text);
    const char *args[] = {CROWN_FILL, "--set", "head.mesh=builtin", "--script", script, "--frames",
                          "1",        NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    /* three clicks on the head (the corner places nothing) and a stroke of 0.5 s at the
     * exercise's 8 Hz: punctures at 0, 125, ..., 500 ms */
    cr_assert_not_null(strstr(err, "nothing placed"), "%s", err);
    cr_assert_eq(punctures_in(session), 3 + 5);
    /* the trainee and the day of the save go with the work */
    char *saved = slurp(session, NULL), who[64], day[32];
    cr_assert_not_null(saved);
    json_string(saved, "trainee", who, sizeof who);
    json_string(saved, "date", day, sizeof day);
    free(saved);
    cr_assert_str_eq(who, "Ann Example");
    cr_assert_eq(strlen(day), 10u, "date '%s'", day);
    cr_assert_eq(punctures_in(undone), 3 + 5 - 1);
    char *sout = NULL, *serr = NULL;
    const char *score[] = {"score",  CROWN_FILL,    "--set", "head.mesh=builtin", "--dots", session,
                           "--json", "--no-expert", NULL};
    rc = run_smpsim(&sout, &serr, score);
    cr_assert_eq(rc, 0, "smpsim score exit %d\n%s", rc, serr);
    cr_assert_not_null(strstr(sout, "\"dots\":\t8"), "%s", sout);
    free(sout);
    free(serr);
}

Test(view, a_bad_session_file_keeps_the_work_and_the_projection_shows_the_years, .timeout = 240) {
    char dir[512], script[1024], bad[1024], kept[1024], scores[1024], a[1024], b[1024];
    char text[8192];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-train-bad"));
    snprintf(script, sizeof script, "%s/train.txt", dir);
    snprintf(bad, sizeof bad, "%s/bad.smpt.json", dir);
    snprintf(kept, sizeof kept, "%s/kept.smpt.json", dir);
    snprintf(scores, sizeof scores, "%s/scores.json", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    write_text(bad, "{\"format\": \"smpsim-training\", \"version\": 1, \"punctures\": [[0, 0,");
    snprintf(text, sizeof text,
             "train on\nview top\npuncture 400 230\npuncture 412 236\nload-session %s\n"
             "save-session %s\nscore-json %s\nframes 2\nscreenshot %s\nprojection on\nframes 2\n"
             "screenshot %s\n",
             bad, kept, scores, a, b);
    write_text(script, text);
    const char *args[] = {CROWN_FILL, "--set", "head.mesh=builtin", "--script", script, "--frames",
                          "1",        NULL};
    int rc = run_view(args);
    /* the failed load is shown, naming the file, and the script goes on with the work */
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    cr_assert_not_null(strstr(err, "bad.smpt.json"), "%s", err);
    cr_assert_not_null(strstr(err, "your work stays"), "%s", err);
    cr_assert_eq(punctures_in(kept), 2);
    char *json = slurp(scores, NULL);
    cr_assert_not_null(json);
    cJSON *root = cJSON_Parse(json);
    free(json);
    cr_assert_not_null(root);
    cJSON *trainee = cJSON_GetObjectItem(root, "trainee");
    cJSON *expert = cJSON_GetObjectItem(root, "expert");
    cr_assert_eq(cJSON_GetObjectItem(trainee, "dots")->valuedouble, 2);
    double mine = cJSON_GetObjectItem(trainee, "overall")->valuedouble;
    double theirs = cJSON_GetObjectItem(expert, "overall")->valuedouble;
    cr_assert_gt(theirs, mine, "two dots scored %.0f, the expert %.0f", mine, theirs);
    cJSON_Delete(root);
    /* the projection replaces the single view with four cells */
    smp_image ia = read_png(a), ib = read_png(b);
    double d = mean_difference(&ia, &ib);
    cr_assert_gt(d, 2.0, "the projection did not change the picture (%.2f)", d);
    smp_image_free(&ia);
    smp_image_free(&ib);
}

Test(view, a_double_click_focus_glides_to_the_head_and_ignores_the_backdrop, .timeout = 180) {
    char dir[512], script[1024], a[1024], b[1024], c[1024], text[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-focus"));
    snprintf(script, sizeof script, "%s/focus.txt", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(c, sizeof c, "%s/c.png", dir);
    /* the window is 800x500: its corner shows the backdrop, right of its centre the face */
    snprintf(text, sizeof text,
             "view front\nframes 20\nscreenshot %s 320x240\n"
             "focus 4 4\nframes 20\nscreenshot %s 320x240\n"
             "focus 450 230\nframes 40\nscreenshot %s 320x240\n",
             a, b, c);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image ia = read_png(a), ib = read_png(b), ic = read_png(c);
    cr_assert_eq(mean_difference(&ia, &ib), 0.0, "a double click on the backdrop moved the camera");
    double d = mean_difference(&ia, &ic);
    cr_assert_gt(d, 1.0, "focusing on the face changed nothing (mean difference %.3f)", d);
    /* the camera now looks at a point of the head, a third closer: skin fills the middle. Skin
     * is warm (red above blue), the clinic backdrop cool, whatever their lightness. */
    double warmth[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        const smp_image *img = k ? &ia : &ic;
        int x0 = k ? 0 : 150, y0 = k ? 0 : 110, n = k ? 10 : 20;
        for (int y = y0; y < y0 + n; ++y)
            for (int x = x0; x < x0 + n; ++x)
                warmth[k] +=
                    (smp_image_at(img, x, y)[0] - smp_image_at(img, x, y)[2]) / (double)(n * n);
    }
    cr_assert_gt(warmth[0], warmth[1] + 40,
                 "no head in the middle after focus: red - blue %.0f there, %.0f on the backdrop",
                 warmth[0], warmth[1]);
    smp_image_free(&ia);
    smp_image_free(&ib);
    smp_image_free(&ic);
}

/* Mean of one channel over a box. */
static double mean_channel(const smp_image *img, int ch, int x0, int y0, int x1, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) sum += smp_image_at(img, x, y)[ch];
    return sum / ((double)(x1 - x0) * (y1 - y0));
}

Test(view, the_contrast_heat_map_cools_as_the_dots_fade, .timeout = 180) {
    char dir[512], script[1024], a[1024], b[1024], text[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-heat"));
    snprintf(script, sizeof script, "%s/heat.txt", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(text, sizeof text,
             "view top\nhair off\nheat contrast\nyear 0\nscreenshot %s 320x240\n"
             "year 10\nscreenshot %s 320x240\n",
             a, b);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image ia = read_png(a), ib = read_png(b);
    /* the ramp runs violet (no contrast), blue, teal, green, yellow: on the treated crown the
     * green channel measures the contrast, and faded dots give less */
    double g0 = mean_channel(&ia, 1, 140, 80, 180, 120),
           g10 = mean_channel(&ib, 1, 140, 80, 180, 120);
    double r0 = mean_channel(&ia, 0, 140, 80, 180, 120);
    cr_assert_gt(g0, r0, "the treated crown is not on the ramp's blue-green side at year 0");
    cr_assert_gt(g0, g10 + 3.0, "contrast map at year 0 (green %.1f) not above year 10 (%.1f)", g0,
                 g10);
    smp_image_free(&ia);
    smp_image_free(&ib);
}

/* Mean absolute difference between horizontal neighbours over a box: fine detail. */
static double detail(const smp_image *img, int x0, int y0, int x1, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1 - 1; ++x)
            for (int c = 0; c < 3; ++c)
                sum += fabs((double)smp_image_at(img, x, y)[c] - smp_image_at(img, x + 1, y)[c]);
    return sum / ((double)(x1 - x0 - 1) * (y1 - y0) * 3.0);
}

Test(view, moving_frames_draw_smaller_and_scale_up, .timeout = 240) {
    char dir[512], script[1024], text[2048], shot[2][1024];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-motion"));
    snprintf(script, sizeof script, "%s/motion.txt", dir);
    /* the years play (slowly): every frame counts as moving */
    snprintf(text, sizeof text, "view top\nyear 5\nspeed 0.05\nplay\n");
    write_text(script, text);
    const char *scale[2] = {"1", "0.5"};
    for (int i = 0; i < 2; ++i) {
        snprintf(shot[i], sizeof shot[i], "%s/s%d.png", dir, i);
        /* the whole screen, so the panels leave the top of the head (stubble, dots) clear */
        const char *args[] = {"--size",         "1280x800", "--script", script,
                              "--motion-scale", scale[i],   "--frames", "6",
                              "--screenshot",   shot[i],    NULL};
        int rc = run_view(args);
        cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
        release();
    }
    smp_image full = read_png(shot[0]), half = read_png(shot[1]);
    /* the same head, softer: detail drops, the picture stays */
    double d_full = detail(&full, 580, 340, 700, 460), d_half = detail(&half, 580, 340, 700, 460);
    cr_assert_lt(d_half, 0.9 * d_full, "no softer when moving: detail %.2f vs %.2f", d_half,
                 d_full);
    double diff = mean_difference(&full, &half);
    cr_assert_lt(diff, 8.0, "the scaled frame is not the same picture (mean difference %.2f)",
                 diff);
    smp_image_free(&full);
    smp_image_free(&half);
}

/* Problems sit on the timeline's status line while the window runs, and never in a saved
 * image: the bar's last rows are the same before and after a refused open. The bar keeps
 * the window's width all along. */
Test(view, the_status_line_stays_out_of_saved_images, .timeout = 120) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-status"));
    char script[1024], broken[1024], a[1024], b[1024], state[1024], text[8192];
    snprintf(script, sizeof script, "%s/status.txt", dir);
    snprintf(broken, sizeof broken, "%s/broken.json", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(state, sizeof state, "%s/state.json", dir);
    write_text(broken, "{ \"client\": { \"skin\": { \"mst\": 42 } } }\n");
    snprintf(text, sizeof text, "screenshot %s\nopen %s\nframes 30\nscreenshot %s\nstate %s\n", a,
             broken, b, state);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    char *json = slurp(state, NULL);
    cr_assert_not_null(json);
    cr_assert_gt(json_number(json, "messages"), 0, "the refused open left no message\n%s", json);
    /* the timeline's slider spans the window less the bar's margins and padding */
    double width = json_array_item(json, "timeline_slider", 2);
    cr_assert(width > 800 - 24 - 40 && width <= 800 - 24, "timeline slider %.0f px wide", width);
    free(json);
    smp_image ia = read_png(a), ib = read_png(b);
    double diff = 0;
    for (int y = 500 - 50; y < 500 - 14; ++y)
        for (int x = 12; x < 800 - 12; ++x)
            for (int c = 0; c < 3; ++c)
                diff += fabs((double)smp_image_at(&ia, x, y)[c] - smp_image_at(&ib, x, y)[c]);
    cr_assert_lt(diff, 1.0, "the status line shows in a saved image (difference %.0f)", diff);
    smp_image_free(&ia);
    smp_image_free(&ib);
}

/* An edit of the dots alone (density, a session's needle or depth) rebuilds only the dots and
 * the model on the head and fields on screen: the picture is the one a viewer started with
 * the edit already in the scene draws, bit for bit. */
Test(view, a_dots_only_rebuild_draws_what_a_fresh_build_draws, .timeout = 180) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-dots-only"));
    char script[1024], fresh_script[1024], a[1024], b[1024], text[4096];
    snprintf(script, sizeof script, "%s/edit.txt", dir);
    snprintf(fresh_script, sizeof fresh_script, "%s/fresh.txt", dir);
    snprintf(a, sizeof a, "%s/edited.png", dir);
    snprintf(b, sizeof b, "%s/fresh.png", dir);
    snprintf(text, sizeof text,
             "set plan.full_density_per_cm2=120\nset plan.sessions[2].depth_mm=0.6\n"
             "view top\nyear 5\nscreenshot %s 320x240\n",
             a);
    write_text(script, text);
    snprintf(text, sizeof text, "view top\nyear 5\nscreenshot %s 320x240\n", b);
    write_text(fresh_script, text);
    const char *edited[] = {"--script", script, "--frames", "1", NULL};
    cr_assert_eq(run_view(edited), 0, "%s", err);
    long edited_dots = dots_reported();
    release();
    const char *fresh[] = {
        "--script", fresh_script, "--frames", "1", "--set", "plan.full_density_per_cm2=120", NULL};
    const char *fresh_all[] = {fresh[0], fresh[1], fresh[2], fresh[3],
                               fresh[4], fresh[5], "--set",  "plan.sessions[2].depth_mm=0.6",
                               NULL};
    cr_assert_eq(run_view(fresh_all), 0, "%s", err);
    cr_assert_eq(dots_reported(), edited_dots, "dot counts differ");
    smp_image ia = read_png(a), ib = read_png(b);
    cr_assert_eq(mean_difference(&ia, &ib), 0.0, "the edited viewer draws another picture");
    smp_image_free(&ia);
    smp_image_free(&ib);
}

/* The scenario comparison: SPF 50 beside no sunscreen for a client outdoors 5 h a day. At year 10
 * the unprotected crown has faded more: the plan's side (left) is lighter there than the
 * scenario's. The image at a render size is the pair, captioned; the time-lapse plays both
 * under a year counter; a scenario naming an unknown field exits 2 naming it. */
Test(view, a_scenario_is_compared_in_pictures_and_in_the_time_lapse, .timeout = 240) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-scenario"));
    char script[1024], pair[1024], bare[1024], video[1024], frame[1024], text[4096];
    snprintf(script, sizeof script, "%s/scenario.txt", dir);
    snprintf(pair, sizeof pair, "%s/pair.png", dir);
    snprintf(bare, sizeof bare, "%s/bare.png", dir);
    snprintf(video, sizeof video, "%s/pair.mp4", dir);
    snprintf(frame, sizeof frame, "%s/last.png", dir);
    snprintf(text, sizeof text,
             "set lifestyle.outdoor_hours_per_day=5\nset lifestyle.sunscreen_spf=none\n"
             "scenario SPF 50: lifestyle.sunscreen_spf=50\nview top\nyear 10\nframes 2\n"
             "screenshot %s 640x360\nscenario off\nscreenshot %s 640x360\nscenario on\n"
             "video-years 8 10\nvideo-length 0.2\nvideo %s\n",
             pair, bare, video);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    smp_image p = read_png(pair), b = read_png(bare);
    cr_assert_eq(p.width, 640);
    /* the crown of each half (the head is framed in the middle of each 320 px cell) */
    double left = image_mean_luma(&p, 140, 150, 180, 190),
           right = image_mean_luma(&p, 460, 150, 500, 190);
    cr_assert_gt(left, right + 1.0, "crown: no sunscreen %.1f, SPF 50 %.1f", left, right);
    /* captions: each side's label at its top left */
    cr_assert_gt(mean_difference(&p, &b), 1.0);
    smp_image_free(&p);
    smp_image_free(&b);
    /* the video's last frame is the pair at year 10 */
    cr_assert(file_exists(video), "no video\n%s", err);
    const char *ff[] = {"ffmpeg", "-v",  "error",     "-y", "-sseof", "-0.04",
                        "-i",     video, "-frames:v", "1",  frame,    NULL};
    char *fo = NULL, *fe = NULL;
    cr_assert_eq(run_command(&fo, &fe, ff), 0, "%s", fe);
    free(fo), free(fe);
    smp_image f = read_png(frame);
    cr_assert_eq(f.width, 1280);
    double vl = image_mean_luma(&f, 280, 300, 360, 380),
           vr = image_mean_luma(&f, 920, 300, 1000, 380);
    cr_assert_gt(vl, vr + 1.0, "video crown: no sunscreen %.1f, SPF 50 %.1f", vl, vr);
    smp_image_free(&f);
    /* a scenario that names what does not exist */
    write_text(script, "scenario Oops: lifestyle.sunblock=50\n");
    rc = run_view(args);
    cr_assert_eq(rc, 2, "exit %d\n%s", rc, err);
    cr_assert_not_null(strstr(err, "scenario.txt:1"), "%s", err);
    cr_assert_not_null(strstr(err, "sunblock"), "%s", err);
}

/* Files dropped on the window (the same SDL event a file manager's drop makes): a scene opens
 * and joins the recent list (kept across runs, under XDG_CONFIG_HOME); a mesh becomes the head,
 * and one the importer cannot read is refused with the head kept; anything else is refused
 * naming it. The Report button's work writes the PDF in its own process, the scenario shown
 * included; an unwritable report path is refused before anything runs. */
Test(view, dropped_files_open_and_the_report_is_written_beside_the_window, .timeout = 240) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-drop"));
    char script[1024], scene[1024], notes[1024], broken[1024], report[1024], text[16384];
    char state[4][1024];
    snprintf(script, sizeof script, "%s/drop.txt", dir);
    snprintf(scene, sizeof scene, "%s/client.json", dir);
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    snprintf(broken, sizeof broken, "%s/broken.obj", dir);
    snprintf(report, sizeof report, "%s/client.pdf", dir);
    for (int i = 0; i < 4; ++i) snprintf(state[i], sizeof state[i], "%s/state%d.json", dir, i);
    write_text(scene, "{\"name\": \"Dropped client\", \"client\": {\"skin\": {\"mst\": 7}}}\n");
    write_text(notes, "not a scene\n");
    write_text(broken, "v 1 2\nf 1 2 3 4 5\nthis is no mesh\n");
    snprintf(text, sizeof text,
             "drop %s\nstate %s\ndrop %s\nstate %s\ndrop %s\nstate %s\n"
             "scenario SPF 50: lifestyle.sunscreen_spf=50\nreport %s\nstate %s\n",
             notes, state[0], scene, state[1], broken, state[2], report, state[3]);
    write_text(script, text);
    const char *args[] = {"--script", script, "--frames", "1", NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    char value[1200];
    char *s = slurp(state[0], NULL);
    cr_assert_not_null(s);
    json_string(s, "status", value, sizeof value);
    cr_assert_not_null(strstr(value, "notes.txt: not a scene"), "%s", value);
    json_string(s, "scene_file", value, sizeof value);
    cr_assert_str_empty(value, "a refused drop changed the scene: %s", value);
    free(s);
    s = slurp(state[1], NULL);
    json_string(s, "scene_file", value, sizeof value);
    cr_assert_str_eq(value, scene);
    cr_assert_eq((int)json_number(s, "mst"), 7);
    json_string(s, "recent_first", value, sizeof value);
    cr_assert_not_null(strstr(value, "view-drop"), "recent: '%s'", value);
    free(s);
    s = slurp(state[2], NULL);
    json_string(s, "status", value, sizeof value);
    cr_assert_not_null(strstr(value, "last scene that built"), "a broken mesh: %s", value);
    json_string(s, "head_mesh", value, sizeof value);
    cr_assert_null(strstr(value, "broken.obj"), "the broken mesh became the head: %s", value);
    free(s);
    s = slurp(state[3], NULL);
    json_string(s, "status", value, sizeof value);
    cr_assert_not_null(strstr(value, "wrote the report"), "%s", value);
    free(s);
    /* a PDF of three pages, the scenario among them */
    size_t size = 0;
    char *pdf = slurp(report, &size);
    cr_assert(pdf && size > 10000 && memcmp(pdf, "%PDF", 4) == 0, "no PDF at %s", report);
    free(pdf);
    char txt[1100];
    snprintf(txt, sizeof txt, "%s/client.txt", dir);
    const char *totext[] = {"pdftotext", report, txt, NULL};
    char *o = NULL, *e = NULL;
    cr_assert_eq(run_command(&o, &e, totext), 0, "%s", e);
    free(o), free(e);
    char *words = slurp(txt, NULL);
    cr_assert_not_null(strstr(words, "as planned and SPF 50"), "the scenario is not in it");
    free(words);
    /* the recent list outlives the window */
    char config[1100];
    snprintf(config, sizeof config, "%s/smpsim/recent", getenv("XDG_CONFIG_HOME"));
    char *recent = slurp(config, NULL);
    cr_assert_not_null(recent, "no %s", config);
    cr_assert_not_null(strstr(recent, "client.json"), "%s", recent);
    free(recent);
    /* a report path that cannot be written: refused at once, exit 2, nothing run */
    write_text(script, "report /proc/nowhere/r.pdf\n");
    rc = run_view(args);
    cr_assert_eq(rc, 2, "exit %d\n%s", rc, err);
    cr_assert_not_null(strstr(err, "/proc/nowhere"), "%s", err);
}

/* An edit's new dots reach the screen first in a draft when the window drafts (its interactive
 * --motion-scale), and the full frame follows at rest; at full size always (automation's
 * default) the first frame with them is full. */
Test(view, an_edit_shows_its_new_dots_first_in_a_draft, .timeout = 180) {
    char dir[512], script[1024], text[4096], state[2][1024];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-edit-draft"));
    snprintf(script, sizeof script, "%s/edit.txt", dir);
    for (int i = 0; i < 2; ++i) snprintf(state[i], sizeof state[i], "%s/state%d.json", dir, i);
    snprintf(text, sizeof text,
             "frames 2\nset plan.full_density_per_cm2=100\nframes 1\nstate %s\nframes 3\n"
             "state %s\n",
             state[0], state[1]);
    write_text(script, text);
    const char *scale[2] = {"0.5", "1"};
    for (int k = 0; k < 2; ++k) {
        const char *args[] = {"--script", script, "--motion-scale", scale[k], "--frames",
                              "1",        NULL};
        int rc = run_view(args);
        cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
        char *a = slurp(state[0], NULL), *b = slurp(state[1], NULL);
        cr_assert(a && b);
        cr_assert_gt(json_number(a, "edit_to_screen_ms"), 0.0, "%s", a);
        cr_assert_eq((int)json_number(a, "edit_frame_draft"), k == 0,
                     "--motion-scale %s: the first frame with the dots\n%s", scale[k], a);
        cr_assert_eq((int)json_number(b, "scene_draft"), 0, "the full frame follows\n%s", b);
        free(a);
        free(b);
    }
}

/* Training opens on the exercise (the crown patch seen from above), scripted strokes take
 * their time so two in a row give two strokes' punctures, and the error map, once asked for,
 * is drawn at once with a legend that says whose dots it measures. */
Test(view, training_frames_the_exercise_and_its_error_map_shows_at_once, .timeout = 240) {
    char dir[512], script[1024], s0[1024], s1[1024], scores[1024], a[1024], b[1024], text[8192];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("view-train-map"));
    snprintf(script, sizeof script, "%s/train.txt", dir);
    snprintf(s0, sizeof s0, "%s/s0.json", dir);
    snprintf(s1, sizeof s1, "%s/s1.json", dir);
    snprintf(scores, sizeof scores, "%s/score.json", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(text, sizeof text,
             "train on\nframes 60\nstate %s\nview top\nstroke 360 250 440 250 500\n"
             "stroke 360 262 440 262 500\nscore-json %s\nframes 2\nscreenshot %s\n"
             "heat density\nframes 1\nscreenshot %s\nstate %s\n",
             s0, scores, a, b, s1);
    write_text(script, text);
    const char *args[] = {CROWN_FILL, "--set", "head.mesh=builtin", "--script", script, "--frames",
                          "1",        NULL};
    int rc = run_view(args);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    /* the crown is seen from well above (pitch over 50°), the target's edge marked */
    char *state = slurp(s0, NULL);
    cr_assert_not_null(state);
    double pitch = json_number(state, "pitch");
    cr_assert_gt(pitch, 0.87, "training opened at pitch %.2f rad, not over the crown\n%s", pitch,
                 state);
    cr_assert_eq(json_number(state, "marks"), 1.0, "%s", state);
    free(state);
    /* two strokes of 0.5 s at 8 Hz: 5 punctures each (0, 125, ..., 500 ms) */
    char *json = slurp(scores, NULL);
    cr_assert_not_null(json);
    cr_assert_eq(json_number(json, "punctures"), 10.0, "%s", json);
    free(json);
    smp_image ia = read_png(a), ib = read_png(b);
    double d = mean_difference(&ia, &ib);
    cr_assert_gt(d, 4.0, "the error map did not show when turned on (mean difference %.2f)", d);
    smp_image_free(&ia);
    smp_image_free(&ib);
    state = slurp(s1, NULL);
    cr_assert_not_null(state);
    char legend[128];
    json_string(state, "heat_legend", legend, sizeof legend);
    cr_assert_str_eq(legend, "Density error of your dots, as last scored", "%s", state);
    free(state);
}
