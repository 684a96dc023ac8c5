/* smpsim report: the consultation report as a client gets it, read back with poppler's tools
 * (pdfinfo, pdftotext, pdftoppm), as a person would open it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smp/image.h"
#include "support.h"

#define RUN(...) run_smpsim(&out, &err, (const char *const[]){__VA_ARGS__, NULL})

static char *out, *err;

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(report, .fini = release, .timeout = 300);

static char *tool(const char *const *argv) {
    char *o = NULL, *e = NULL;
    int rc = run_command(&o, &e, argv);
    cr_assert_eq(rc, 0, "%s failed (%d): %s", argv[0], rc, e);
    free(e);
    return o;
}

/* Three pages: the client and case named, the plan, the sunscreen comparison and the
 * aftercare in figures; on page 1 the healed top view is darker on the crown than the same
 * view before treatment. */
Test(report, a_client_gets_three_pages_with_the_plan_and_the_aftercare) {
    char dir[1024], pdf[1100], page[1100], png[1200];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("report"));
    snprintf(pdf, sizeof pdf, "%s/client.pdf", dir);
    int rc = RUN("report", "--set", "client.name=Sam Example", "--msaa", "1", "--out", pdf, "-q");
    cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
    char printed[1200];
    snprintf(printed, sizeof printed, "%s\n", pdf);
    cr_assert_str_eq(out, printed, "the written path is not what was printed");
    char *info = tool((const char *[]){"pdfinfo", pdf, NULL});
    cr_assert_not_null(strstr(info, "Pages:           3"), "%s", info);
    cr_assert_not_null(strstr(info, "Creator:         smpsim"), "%s", info);
    free(info);
    char *text = tool((const char *[]){"pdftotext", "-layout", pdf, "-", NULL});
    const char *needles[] = {"For Sam Example",
                             "Norwood V, shaved look, three sessions",
                             "Session 3, day 42",
                             "With SPF 50",
                             "touch-up due",
                             "Aftercare that changes the outcome",
                             "Time in the sun: half as long"};
    for (size_t i = 0; i < sizeof needles / sizeof *needles; ++i)
        cr_assert_not_null(strstr(text, needles[i]), "'%s' missing from the report:\n%s",
                           needles[i], text);
    free(text);
    snprintf(page, sizeof page, "%s/page", dir);
    free(tool(
        (const char *[]){"pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", pdf, page, NULL}));
    snprintf(png, sizeof png, "%s-1.png", page);
    smp_image img = {0};
    smp_error e = {0};
    cr_assert_eq(smp_image_read_png(png, &img, &e), SMP_OK, "%s", e.message);
    cr_assert_eq(img.width, 595, "page 1 is %dx%d at 72 dpi, not A4", img.width, img.height);
    /* the top views sit in the lower row of the before/after grid: left before, right healed;
     * the crown is the upper middle of each picture */
    double before = 0, healed = 0;
    int found = 0;
    for (int y = 330; y < 520 && !found; y += 4) { /* the row's crown: the lightest band */
        double b = image_mean_luma(&img, 110, y, 190, y + 20),
               h = image_mean_luma(&img, 362, y, 442, y + 20);
        if (b > 170 && b - h > 8) before = b, healed = h, found = 1;
    }
    cr_assert(found, "no crown where the healed top view is darker than before");
    cr_log_info("crown luma on page 1: before %.1f, healed %.1f", before, healed);
    smp_image_free(&img);
}

/* Every refusal exits 2 before rendering, names what was wrong and leaves no file. */
Test(report, bad_input_is_named_and_leaves_nothing) {
    char dir[1024], pdf[1100], blocker[1100], under[1200];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("report-bad"));
    snprintf(pdf, sizeof pdf, "%s/x.pdf", dir);
    snprintf(blocker, sizeof blocker, "/tmp/smp-report-blocker-%d", (int)getpid());
    snprintf(under, sizeof under, "%s/x.pdf", blocker); /* a "directory" that is a file */
    FILE *f = fopen(blocker, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_eq(RUN("report", "--out", dir), 2, "%s", err);
    cr_assert_not_null(strstr(err, "--out"), "%s", err);
    release();
    cr_assert_eq(RUN("report", "--out", under), 2, "%s", err);
    cr_assert_not_null(strstr(err, "--out"), "%s", err);
    remove(blocker);
    release();
    cr_assert_eq(RUN("report", "--out", pdf, "--set", "client.skin.mst=11"), 2, "%s", err);
    cr_assert_not_null(strstr(err, "client.skin.mst"), "%s", err);
    release();
    cr_assert_eq(RUN("report", "--out", pdf, "--bogus"), 2, "%s", err);
    char *listing = tool((const char *[]){"ls", "-A", dir, NULL});
    cr_assert_str_eq(listing, "", "files left after refusals: %s", listing);
    free(listing);
}

/* --scenario puts the practitioner's own comparison where the other sunscreen habit goes: its
 * pictures, its curve and its touch-up year; a scenario that names no field exits 2, naming
 * it, before anything is rendered. */
Test(report, a_scenario_of_ones_own_replaces_the_sunscreen_comparison) {
    char dir[512], pdf[600], bad[600];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("report-scenario"));
    snprintf(pdf, sizeof pdf, "%s/touch-up.pdf", dir);
    snprintf(bad, sizeof bad, "%s/bad.pdf", dir);
    cr_assert_eq(RUN("report", "--scenario",
                     "Touch-up at year 4: plan.sessions[3]={\"kind\":\"touch_up\",\"day\":1503}",
                     "--out", pdf, "-q"),
                 0, "%s", err);
    char *text = tool((const char *[]){"pdftotext", pdf, "-", NULL});
    cr_assert_not_null(strstr(text, "as planned and Touch-up at year 4"), "%s", text);
    cr_assert_not_null(strstr(text, "Touch-up at year 4: the touch-up would be due"), "%s", text);
    cr_assert_null(strstr(text, "with each sunscreen habit"), "%s", text);
    free(text);
    cr_assert_eq(RUN("report", "--scenario", "Oops: plan.sesions[3].day=5", "--out", bad), 2);
    cr_assert_not_null(strstr(err, "sesions"), "%s", err);
    cr_assert_eq(access(bad, F_OK), -1, "a refused report left %s", bad);
    cr_assert_eq(RUN("report", "--scenario", "no overrides", "--out", bad), 2);
    cr_assert_not_null(strstr(err, "expected"), "%s", err);
}
