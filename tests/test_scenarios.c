/* Scenario comparison: the same client under two plans or lifestyles, side by side, on a sheet
 * with a column each, and on a chart over the years (smp/chart.h, smpsim render --scenario). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/chart.h"
#include "smp/image.h"
#include "smp/text.h"
#include "support.h"

#define RUN(...) run_smpsim(&out, &err, (const char *const[]){__VA_ARGS__, NULL})

static char *out, *err;

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(scenarios, .fini = release, .timeout = 300);

/* ---- the chart ---------------------------------------------------------------------------- */

static int near_colour(const smp_image *img, int x, int y, const uint8_t c[3], int radius) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const uint8_t *p = smp_image_at(img, x + dx, y + dy);
            if (abs(p[0] - c[0]) < 40 && abs(p[1] - c[1]) < 40 && abs(p[2] - c[2]) < 40) return 1;
        }
    return 0;
}

/* Where a series' value lands: the plot spans [left, right] x [top, bottom] of the image. */
static int find_plot(const smp_image *img, int *left, int *bottom) {
    /* the axes are the darkest long lines: the x axis a row, the y axis a column */
    for (int y = img->height - 1; y > 0; --y) {
        int dark = 0;
        for (int x = 0; x < img->width; ++x) dark += smp_image_at(img, x, y)[0] < 110;
        if (dark > img->width / 2) {
            *bottom = y;
            break;
        }
    }
    for (int x = 0; x < img->width; ++x) {
        int dark = 0;
        for (int y = 0; y < img->height; ++y) dark += smp_image_at(img, x, y)[0] < 110;
        if (dark > img->height / 2) {
            *left = x;
            return 1;
        }
    }
    return 0;
}

Test(scenarios, the_chart_draws_each_line_where_its_values_are) {
    smp_font *font = NULL;
    smp_error e = {0};
    cr_assert_eq(smp_font_open(NULL, &font, &e), SMP_OK, "%s", e.message);
    float rising[11], flat[11];
    for (int i = 0; i <= 10; ++i) rising[i] = (float)i, flat[i] = 2.0f;
    smp_chart_series s[2] = {{"rising", rising, 11, 5.0f}, {"flat", flat, 11, 0.0f}};
    smp_chart_desc d = {.title = "t",
                        .x_label = "years",
                        .y_label = "ΔE00",
                        .x_max = 10,
                        .y_max = 10,
                        .series = s,
                        .series_count = 2,
                        .mark_label = "due"};
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 800, 400, &e), SMP_OK);
    cr_assert_eq(smp_chart_draw(&d, font, &img, &e), SMP_OK, "%s", e.message);
    int left = -1, bottom = -1;
    cr_assert(find_plot(&img, &left, &bottom), "no axes found");
    /* the plot's top is where the rising line ends at x_max: find its right end's row */
    uint8_t c0[3], c1[3];
    smp_chart_colour(0, c0);
    smp_chart_colour(1, c1);
    int right = -1, top = -1;
    for (int x = img.width - 1; x > left && right < 0; --x)
        for (int y = 0; y < bottom; ++y)
            if (near_colour(&img, x, y, c0, 0)) {
                right = x, top = y;
                break;
            }
    cr_assert(right > left + 300 && top >= 0 && top < bottom - 200, "rising line ends at (%d, %d)",
              right, top);
    /* both lines pass where their values say, at x = 2.5 and x = 7.5 */
    for (int k = 0; k < 2; ++k) {
        double xv = k ? 7.5 : 2.5;
        int x = left + (int)lround((right - left) * xv / 10.0);
        int y_rising = bottom - (int)lround((bottom - top) * xv / 10.0);
        int y_flat = bottom - (int)lround((bottom - top) * 0.2);
        cr_assert(near_colour(&img, x, y_rising, c0, 3), "rising line missing at x %.1f", xv);
        cr_assert(near_colour(&img, x, y_flat, c1, 3), "flat line missing at x %.1f", xv);
        cr_assert(!near_colour(&img, x, (y_rising + bottom) / 2 + 40, c0, 0) || xv > 5,
                  "rising line drawn below its values at x %.1f", xv);
    }
    /* the marked year: a dashed vertical in the series' colour at x = 5 */
    int xm = left + (right - left) / 2, hits = 0;
    for (int y = top; y < bottom; ++y) hits += near_colour(&img, xm, y, c0, 1);
    cr_assert_gt(hits, (bottom - top) / 3, "the touch-up-due mark at x 5 is missing (%d px)", hits);
    smp_image_free(&img);
    smp_font_close(font);
}

Test(scenarios, the_chart_refuses_what_it_cannot_draw_naming_the_field) {
    smp_error e = {0};
    smp_image img = {0}, tiny = {0};
    cr_assert_eq(smp_image_alloc(&img, 400, 300, &e), SMP_OK);
    cr_assert_eq(smp_image_alloc(&tiny, 100, 100, &e), SMP_OK);
    float v[2] = {1, 2};
    smp_chart_series one = {"a", v, 1, 0}, two = {"a", v, 2, 0};
    struct {
        smp_chart_desc d;
        smp_image *img;
        const char *needle;
    } cases[] = {
        {{.x_max = 1, .series = &two, .series_count = 0}, &img, "series_count"},
        {{.x_max = 1, .series = &one, .series_count = 1}, &img, "series[0].count"},
        {{.x_max = 0, .series = &two, .series_count = 1}, &img, "x_max"},
        {{.x_max = 1, .series = &two, .series_count = 1}, &tiny, "image 100x100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        e = (smp_error){0};
        cr_assert_eq(smp_chart_draw(&cases[i].d, NULL, cases[i].img, &e), SMP_ERR_INVALID_ARG,
                     "case %zu", i);
        cr_assert_not_null(strstr(e.message, cases[i].needle), "case %zu: %s", i, e.message);
    }
    smp_image_free(&img);
    smp_image_free(&tiny);
}

/* ---- smpsim render --scenario ------------------------------------------------------------- */

/* SPF 50 against no sunscreen, five hours a day outdoors: at year 10 the unprotected crown has
 * faded more, so its half of the picture is lighter on the treated scalp; at healed the two
 * halves are the same picture. */
Test(scenarios, sun_protection_side_by_side_shows_the_faster_fade) {
    char dir[1024]; /* test_tmpdir reuses its buffer */
    snprintf(dir, sizeof dir, "%s", test_tmpdir("scenarios"));
    char sheet[1100], chart[1100], a[1100], b[1100];
    snprintf(sheet, sizeof sheet, "%s/sheet.png", dir);
    snprintf(chart, sizeof chart, "%s/chart.png", dir);
    int rc = RUN("render", "--out", dir, "--view", "top", "--years", "healed,10", "--size",
                 "640x360", "--msaa", "1", "--set", "lifestyle.outdoor_hours_per_day=5",
                 "--scenario", "SPF 50: lifestyle.sunscreen_spf=50", "--scenario",
                 "No sunscreen: lifestyle.sunscreen_spf=none", "--sheet", sheet, "--chart", chart);
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    snprintf(a, sizeof a, "%s/default_top_healed_scenarios.png", dir);
    snprintf(b, sizeof b, "%s/default_top_y10_scenarios.png", dir);
    const char *files[] = {a, b, sheet, chart};
    for (int i = 0; i < 4; ++i)
        cr_assert(file_exists(files[i]), "%s not written\n%s", files[i], out);
    smp_error e = {0};
    smp_image healed = {0}, year10 = {0};
    cr_assert_eq(smp_image_read_png(a, &healed, &e), SMP_OK, "%s", e.message);
    cr_assert_eq(smp_image_read_png(b, &year10, &e), SMP_OK, "%s", e.message);
    /* the treated crown in the top view, in each half (below the captions) */
    int w = 320;
    double h0 = image_mean_luma(&healed, 120, 110, 200, 170),
           h1 = image_mean_luma(&healed, w + 120, 110, w + 200, 170);
    double y0 = image_mean_luma(&year10, 120, 110, 200, 170),
           y1 = image_mean_luma(&year10, w + 120, 110, w + 200, 170);
    cr_assert_lt(fabs(h0 - h1), 1.0, "healed: the two scenarios differ (%.2f vs %.2f)", h0, h1);
    cr_assert_gt(y1, y0 + 1.5,
                 "year 10: no sunscreen (%.1f) is not lighter than SPF 50 (%.1f) on the crown", y1,
                 y0);
    cr_log_info("crown luma: healed %.1f | %.1f, year 10 %.1f | %.1f", h0, h1, y0, y1);
    smp_image_free(&healed);
    smp_image_free(&year10);
    /* the sheet has one column per scenario: wider than tall for two scenarios and two rows */
    smp_image sh = {0};
    cr_assert_eq(smp_image_read_png(sheet, &sh, &e), SMP_OK, "%s", e.message);
    cr_assert_gt(sh.width, 2 * 200, "sheet %dx%d", sh.width, sh.height);
    smp_image_free(&sh);
}

Test(scenarios, one_scenario_is_set_beside_the_scene_as_it_is) {
    char dir[1024]; /* test_tmpdir reuses its buffer */
    snprintf(dir, sizeof dir, "%s", test_tmpdir("scenarios-one"));
    int rc = RUN("render", "--out", dir, "--view", "front", "--years", "5", "--size", "320x180",
                 "--msaa", "1", "--scenario",
                 "Touch-up year 4: plan.sessions[3]={\"kind\": "
                 "\"touch_up\", \"day\": 1503}");
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    cr_assert_not_null(strstr(err, "2 scenario(s)"), "%s", err);
    cr_assert_not_null(strstr(err, "scenario 'As planned'"), "%s", err);
    cr_assert_not_null(strstr(err, "scenario 'Touch-up year 4'"), "%s", err);
}

/* Each mistake exits 2 before any rendering, naming the scenario and what was wrong, and
 * writes nothing. */
Test(scenarios, a_bad_scenario_is_named_and_nothing_is_written) {
    char dir[1024]; /* test_tmpdir reuses its buffer */
    snprintf(dir, sizeof dir, "%s", test_tmpdir("scenarios-bad"));
    struct {
        const char *spec, *needle1, *needle2;
    } cases[] = {
        {"Dark: client.skin.mst=42", "--scenario 'Dark: client.skin.mst=42'", "client.skin.mst"},
        {"Typo: plan.bogus=1", "--scenario 'Typo: plan.bogus=1'", "plan.bogus"},
        {"Words: more sun", "expected PATH=VALUE", "more sun"},
        {"Empty:", "no overrides", "Empty:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        release();
        int rc = RUN("render", "--out", dir, "--scenario", cases[i].spec);
        cr_assert_eq(rc, 2, "%s: exit %d\n%s", cases[i].spec, rc, err);
        cr_assert_not_null(strstr(err, cases[i].needle1), "%s: %s", cases[i].spec, err);
        cr_assert_not_null(strstr(err, cases[i].needle2), "%s: %s", cases[i].spec, err);
    }
    release();
    cr_assert_eq(RUN("render", "--out", dir, "--compare", "untreated", "--scenario", "A: seed=2"),
                 2);
    cr_assert_not_null(strstr(err, "do not go together"), "%s", err);
    release();
    cr_assert_eq(RUN("render", "--out", dir, "--scenario", "a: seed=1", "--scenario", "b: seed=2",
                     "--scenario", "c: seed=3", "--scenario", "d: seed=4", "--scenario",
                     "e: seed=5"),
                 2);
    cr_assert_not_null(strstr(err, "--scenario"), "%s", err);
    char *listing = NULL, *lerr = NULL;
    const char *ls[] = {"ls", "-A", dir, NULL};
    cr_assert_eq(run_command(&listing, &lerr, ls), 0);
    cr_assert_str_eq(listing, "", "files written after refusals: %s", listing);
    free(listing);
    free(lerr);
}

/* --no-stills writes only what was asked for besides the stills, and alone is refused. */
Test(scenarios, no_stills_writes_only_the_sheet) {
    char dir[1024], sheet[1100];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("no-stills"));
    snprintf(sheet, sizeof sheet, "%s/sheet.png", dir);
    cr_assert_eq(RUN("render", "--out", dir, "--no-stills"), 2, "%s", err);
    cr_assert_not_null(strstr(err, "--no-stills leaves nothing to write"), "%s", err);
    release();
    int rc = RUN("render", "--out", dir, "--no-stills", "--sheet", sheet, "--years", "healed,5",
                 "--view", "front,top", "--size", "320x180", "--msaa", "1", "--scenario",
                 "SPF 50: lifestyle.sunscreen_spf=50");
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    char *listing = NULL, *lerr = NULL;
    const char *ls[] = {"ls", "-A", dir, NULL};
    cr_assert_eq(run_command(&listing, &lerr, ls), 0);
    cr_assert_str_eq(listing, "sheet.png\n", "written: %s", listing);
    char printed[1200];
    snprintf(printed, sizeof printed, "%s\n", sheet);
    cr_assert_str_eq(out, printed, "printed: %s", out);
    free(listing);
    free(lerr);
}

/* ---- captions ------------------------------------------------------------------------------ */

/* Mean absolute difference of two same-sized images over [x0, x1) x [y0, y1). */
static double region_difference(const smp_image *a, const smp_image *b, int x0, int y0, int x1,
                                int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            for (int k = 0; k < 3; ++k)
                sum += fabs((double)smp_image_at(a, x, y)[k] - smp_image_at(b, x, y)[k]);
    return sum / (3.0 * (x1 - x0) * (y1 - y0));
}

Test(scenarios, stills_carry_their_caption_unless_asked_to_be_bare) {
    char dir[512], bare_dir[600], path[700], bare_path[700];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("captions"));
    snprintf(bare_dir, sizeof bare_dir, "%s/bare", dir);
    cr_assert_eq(RUN("render", "--out", dir, "--view", "front,closeup", "--years", "5", "--size",
                     "640x360", "--set", "client.name=Sam Example", "-q"),
                 0, "%s", err);
    cr_assert_eq(RUN("render", "--out", bare_dir, "--view", "front,closeup", "--years", "5",
                     "--size", "640x360", "--set", "client.name=Sam Example", "--no-captions",
                     "-q"),
                 0, "%s", err);
    smp_error e = {0};
    for (int v = 0; v < 2; ++v) {
        const char *view = v ? "closeup" : "front";
        snprintf(path, sizeof path, "%s/default_%s_y5.png", dir, view);
        snprintf(bare_path, sizeof bare_path, "%s/default_%s_y5.png", bare_dir, view);
        smp_image a = {0}, b = {0};
        cr_assert_eq(smp_image_read_png(path, &a, &e), SMP_OK, "%s", e.message);
        cr_assert_eq(smp_image_read_png(bare_path, &b, &e), SMP_OK, "%s", e.message);
        /* the client and the time at the top left, the plan at the bottom left */
        cr_assert_gt(region_difference(&a, &b, 0, 0, 200, 40), 10.0, "%s: no heading", view);
        cr_assert_gt(region_difference(&a, &b, 0, 340, 200, 360), 10.0, "%s: no plan line", view);
        /* the picture itself is the same */
        cr_assert_lt(region_difference(&a, &b, 250, 120, 390, 240), 0.01, "%s", view);
        /* a scale bar on the close-up alone */
        double corner = region_difference(&a, &b, 540, 320, 630, 355);
        if (v)
            cr_assert_gt(corner, 10.0, "closeup: no scale bar");
        else
            cr_assert_lt(corner, 0.01, "front: a scale bar on a whole head");
        smp_image_free(&a);
        smp_image_free(&b);
    }
}
