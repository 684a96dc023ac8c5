/* The smpsim program as a user meets it: exit codes, messages, files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smp/image.h"
#include "smp/scene.h"
#include "smp/version.h"
#include "support.h"

#define RUN(...) run_smpsim(&out, &err, (const char *const[]){__VA_ARGS__, NULL})

static char *out, *err;

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(cli, .fini = release);

Test(cli, no_arguments_prints_usage_and_exits_2) {
    cr_assert_eq(run_smpsim(&out, &err, (const char *const[]){NULL}), 2);
    cr_assert_not_null(strstr(err, "Usage: smpsim"), "%s", err);
}

Test(cli, help_lists_every_command) {
    cr_assert_eq(RUN("--help"), 0);
    const char *commands[] = {"view", "render", "scatter", "bench", "check", "score"};
    for (size_t i = 0; i < sizeof commands / sizeof *commands; ++i)
        cr_assert_not_null(strstr(out, commands[i]), "%s", commands[i]);
}

/* --version says what the program is and how it was built, the same for every command. */
Test(cli, version_prints_the_build) {
    cr_assert_eq(RUN("--version"), 0, "%s", err);
    cr_assert_eq(strncmp(out, "smpsim " SMP_VERSION_STRING "\n", strlen(SMP_VERSION_STRING) + 8), 0,
                 "%s", out);
    cr_assert_not_null(strstr(out, "build type: " SMP_BUILD_TYPE "\n"), "%s", out);
    cr_assert_not_null(strstr(out, "compiler:   " SMP_BUILD_COMPILER "\n"), "%s", out);
    const char *keys[] = {"flags:", "simd:       built scalar", "gl:         egl",
                          "assimp:", "viewer:"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; ++i)
        cr_assert_not_null(strstr(out, keys[i]), "%s in %s", keys[i], out);
    /* the commit: hexadecimal in a git checkout (this one), "unknown" outside */
    const char *c = strstr(out, "commit:     ");
    cr_assert_not_null(c, "%s", out);
    c += strlen("commit:     ");
    size_t hex = strspn(c, "0123456789abcdef");
    char git_dir[1100];
    snprintf(git_dir, sizeof git_dir, "%s/.git", SMP_SOURCE_DIR);
    if (file_exists(git_dir))
        cr_assert(hex >= 7 && c[hex] == '\n', "%s", out);
    else
        cr_assert(hex >= 7 || strncmp(c, "unknown\n", 8) == 0, "%s", out);
}

/* Every command, and every benchmark, takes -q, -v and --version (-V) from one shared table:
 * --version prints the same build text, -q and -v are read (together they are refused, which
 * shows both were taken), and --help lists them. */
Test(cli, every_command_takes_quiet_verbose_and_version) {
    cr_assert_eq(RUN("--version"), 0);
    char *top = out;
    out = NULL;
    release();
    const char *commands[][2] = {{"view", NULL},    {"render", NULL},     {"report", NULL},
                                 {"scatter", NULL}, {"bench", NULL},      {"bench", "render"},
                                 {"bench", "age"},  {"bench", "scatter"}, {"check", NULL},
                                 {"score", NULL},   {"measure", NULL}};
    for (size_t i = 0; i < sizeof commands / sizeof *commands; ++i) {
        const char *c = commands[i][0], *b = commands[i][1];
        const char *const version[] = {c, b ? b : "--version", b ? "--version" : NULL, NULL};
        cr_assert_eq(run_smpsim(&out, &err, version), 0, "%s %s --version: %s", c, b ? b : "", err);
        cr_assert_str_eq(out, top, "%s %s --version", c, b ? b : "");
        release();
        const char *const short_v[] = {c, b ? b : "-V", b ? "-V" : NULL, NULL};
        cr_assert_eq(run_smpsim(&out, &err, short_v), 0, "%s -V", c);
        cr_assert_str_eq(out, top, "%s %s -V", c, b ? b : "");
        release();
        const char *const both[] = {c, b ? b : "-q", b ? "-q" : "--verbose", b ? "--verbose" : NULL,
                                    NULL};
        cr_assert_eq(run_smpsim(&out, &err, both), 2, "%s %s -q --verbose", c, b ? b : "");
        cr_assert_not_null(strstr(err, "--quiet and --verbose exclude each other"), "%s: %s", c,
                           err);
        release();
        const char *const help[] = {c, b ? b : "--help", b ? "--help" : NULL, NULL};
        cr_assert_eq(run_smpsim(&out, &err, help), 0, "%s --help", c);
        if (strcmp(c, "bench") != 0 || b) /* "bench --help" lists the benchmarks */
            for (int k = 0; k < 3; ++k) {
                const char *row[] = {"-q, --quiet", "-v, --verbose", "-V, --version"};
                cr_assert_not_null(strstr(out, row[k]), "%s %s --help: %s", c, b ? b : "", row[k]);
            }
        release();
    }
    free(top);
}

/* -v is --verbose on every command, never an abbreviation of --view or --video. */
Test(cli, v_is_verbose_not_view) {
    cr_assert_eq(RUN("check", "-v", "--no-mesh"), 0, "%s", err);
    cr_assert_not_null(strstr(err, "smpsim check: smpsim " SMP_VERSION_STRING " (commit "), "%s",
                       err);
    cr_assert_not_null(strstr(err, "smpsim check: scene (the built-in default)"), "%s", err);
    cr_assert_not_null(strstr(err, "smpsim check: done in "), "%s", err);
    cr_assert_eq(out[0], '{', "%s", out);
    release();
    const char *commands[] = {"render", SMP_BUILD_WITH_VIEWER ? "view" : "render"};
    for (int i = 0; i < 2; ++i) {
        cr_assert_eq(RUN(commands[i], "-v", "--size", "0x0"), 2, "%s", commands[i]);
        cr_assert_not_null(strstr(err, "--size width: 0 is out of range"), "%s", err);
        cr_assert_null(strstr(err, "unknown option"), "%s", err);
        release();
    }
    cr_assert_eq(RUN("check", "-q", "--no-mesh"), 0, "%s", err);
    cr_assert_str_eq(out, "");
    cr_assert_str_eq(err, "");
}

Test(cli, unknown_command_exits_2) {
    cr_assert_eq(RUN("paint"), 2);
    cr_assert_not_null(strstr(err, "unknown command 'paint'"), "%s", err);
    release();
    cr_assert_eq(RUN("help", "paint"), 2);
    cr_assert_not_null(strstr(err, "unknown command 'paint'"), "%s", err);
}

Test(cli, help_alone_prints_usage) {
    cr_assert_eq(RUN("help"), 0);
    cr_assert_not_null(strstr(out, "Usage: smpsim"), "%s", out);
}

Test(cli, every_command_has_help) {
    const char *commands[] = {"view", "render", "scatter", "bench", "check", "score"};
    for (size_t i = 0; i < sizeof commands / sizeof *commands; ++i) {
        cr_assert_eq(RUN(commands[i], "--help"), 0, "%s --help", commands[i]);
        cr_assert_not_null(strstr(out, "Usage: smpsim"), "%s", commands[i]);
        release();
        cr_assert_eq(RUN("help", commands[i]), 0, "help %s", commands[i]);
        release();
    }
}

Test(cli, render_rejects_bad_sizes_before_rendering) {
    const char *bad[] = {"0x0",       "640",      "x480",     "640x",
                         "640x480x2", "-640x480", "99999x10", "abcxdef"};
    for (int i = 0; i < 8; ++i) {
        cr_assert_eq(RUN("render", "--size", bad[i]), 2, "--size %s", bad[i]);
        cr_assert_not_null(strstr(err, "--size"), "%s", err);
        release();
    }
}

Test(cli, render_rejects_unknown_views_naming_the_valid_ones) {
    cr_assert_eq(RUN("render", "--view", "front,sideways"), 2);
    cr_assert_not_null(strstr(err, "sideways"), "%s", err);
    cr_assert_not_null(strstr(err, "three-quarter"), "%s", err);
    release();
    cr_assert_eq(RUN("render", "--view", "front,,top"), 2);
}

Test(cli, render_rejects_unknown_options_and_missing_values) {
    cr_assert_eq(RUN("render", "--colour", "red"), 2);
    cr_assert_not_null(strstr(err, "--colour"), "%s", err);
    release();
    cr_assert_eq(RUN("render", "--out"), 2);
    cr_assert_not_null(strstr(err, "needs a value"), "%s", err);
    release();
    cr_assert_eq(RUN("render", "--gl", "vulkan"), 2);
    release();
    cr_assert_eq(RUN("render", "--msaa", "0"), 2);
    release();
    cr_assert_eq(RUN("render", "scene.json"), 2);
    cr_assert_not_null(strstr(err, "scene.json"), "%s", err);
}

/* Option names match whole: an abbreviation, or a one-letter name that is not declared, is an
 * unknown option with a hint, never taken for the option it starts. */
Test(cli, abbreviations_are_unknown_options_with_a_hint) {
    cr_assert_eq(RUN("render", "--vi", "front"), 2);
    cr_assert_not_null(strstr(err, "unknown option '--vi' (did you mean --view or --video?)"), "%s",
                       err);
    release();
    cr_assert_eq(RUN("render", "-w", "front"), 2);
    cr_assert_not_null(strstr(err, "unknown option '-w'"), "%s", err);
    release();
    cr_assert_eq(RUN("check", "--sch"), 2);
    cr_assert_not_null(strstr(err, "did you mean --schema?"), "%s", err);
    release();
    cr_assert_eq(RUN("scatter", "--cou", "5"), 2);
    cr_assert_not_null(strstr(err, "did you mean --count?"), "%s", err);
}

Test(cli, options_take_name_equals_value_and_grouped_letters) {
    cr_assert_eq(RUN("check", "--set=client.skin.mst=9", "-q"), 0, "%s", err);
    cr_assert_str_eq(out, "");
    release();
    cr_assert_eq(RUN("check", "-qh"), 0, "%s", err);
    cr_assert_not_null(strstr(out, "Usage: smpsim check"), "%s", out);
    release();
    cr_assert_eq(RUN("scatter", "--quality=1"), 2);
    cr_assert_not_null(strstr(err, "--quality takes no value"), "%s", err);
    release();
    cr_assert_eq(RUN("bench", "scatter", "--max"), 2);
    cr_assert_not_null(strstr(err, "--max needs a value"), "%s", err);
}

/* The help's ranges and words come from the rows that check the values. */
Test(cli, help_and_errors_come_from_the_same_rows) {
    cr_assert_eq(RUN("render", "--help"), 0);
    cr_assert_not_null(strstr(out, "--fps N           the video's frame rate, 1..120"), "%s", out);
    cr_assert_not_null(strstr(out, "--gl BACKEND      auto, egl or sdl-offscreen"), "%s", out);
    release();
    cr_assert_eq(RUN("render", "--fps", "121"), 2);
    cr_assert_not_null(strstr(err, "--fps: 121 is out of range 1..120"), "%s", err);
    release();
    cr_assert_eq(RUN("measure", "--gl", "vulkan"), 2);
    cr_assert_not_null(strstr(err, "--gl: expected auto, egl or sdl-offscreen, got 'vulkan'"), "%s",
                       err);
    release();
    cr_assert_eq(RUN("view", "--help"), 0);
    cr_assert_not_null(strstr(out, "Script commands"), "%s", out);
    cr_assert_not_null(strstr(out, "stroke X0 Y0 X1 Y1 MS"), "%s", out);
}

Test(cli, render_to_an_unwritable_directory_exits_2) {
    cr_assert_eq(RUN("render", "--out", "/proc/smpsim-out"), 2);
    cr_assert_not_null(strstr(err, "/proc/smpsim-out"), "%s", err);
}

Test(cli, render_writes_a_png_per_view_and_prints_the_paths) {
    const char *dir = test_tmpdir("cli-render");
    char dir_copy[1100];
    snprintf(dir_copy, sizeof dir_copy, "%s/nested/out", dir);
    cr_assert_eq(RUN("render", "--out", dir_copy, "--view", "front,top", "--years", "0,2.5",
                     "--size", "96x64", "--quiet"),
                 0, "%s", err);
    const char *names[4] = {"front_y0", "top_y0", "front_y2.5", "top_y2.5"};
    for (int i = 0; i < 4; ++i) {
        char path[1200];
        snprintf(path, sizeof path, "%s/default_%s.png", dir_copy, names[i]);
        cr_assert_not_null(strstr(out, path), "stdout lacks %s:\n%s", path, out);
        smp_image img;
        smp_error e = {0};
        cr_assert_eq(smp_image_read_png(path, &img, &e), SMP_OK, "%s", e.message);
        cr_assert_eq(img.width, 96);
        cr_assert_eq(img.height, 64);
        smp_image_free(&img);
    }
}

Test(cli, check_prints_the_resolved_default_scene) {
    cr_assert_eq(RUN("check"), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\"stage\": \"V\""), "%s", out);
    cr_assert_not_null(strstr(out, "\"melanin_fraction\": null"), "%s", out);
}

Test(cli, check_reports_every_problem_with_file_and_line_and_exits_2) {
    const char *dir = test_tmpdir("check");
    char path[512];
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\n  \"client\": { \"skin\": { \"mst\": 11 } },\n  \"sead\": 3\n}\n", f);
    fclose(f);
    cr_assert_eq(RUN("check", path), 2);
    cr_assert_not_null(strstr(err, "bad.json:2: client.skin.mst: found 11"), "%s", err);
    cr_assert_not_null(strstr(err, "bad.json:3: sead"), "%s", err);
    cr_assert_not_null(strstr(err, "did you mean \"seed\""), "%s", err);
    cr_assert_not_null(strstr(err, "2 problems"), "%s", err);
    cr_assert_str_empty(out);
}

Test(cli, check_applies_set_and_saves_atomically) {
    const char *dir = test_tmpdir("check-out");
    char path[512];
    snprintf(path, sizeof path, "%s/resolved.json", dir);
    cr_assert_eq(RUN("check", "-q", "--set", "client.skin.mst=9", "--set",
                     "client.pattern.stage=VI", "--out", path),
                 0, "%s", err);
    cr_assert_str_empty(out);
    release();
    cr_assert_eq(RUN("check", path), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\"mst\": 9"), "%s", out);
    cr_assert_not_null(strstr(out, "\"stage\": \"VI\""), "%s", out);
    release();
    cr_assert_eq(RUN("check", "--set", "client.skin.mst=0"), 2);
    cr_assert_not_null(strstr(err, "--set 'client.skin.mst=0'"), "%s", err);
}

Test(cli, check_refuses_a_missing_scene_and_a_bad_out) {
    cr_assert_eq(RUN("check", "/no/such/scene.json"), 2);
    cr_assert_not_null(strstr(err, "/no/such/scene.json"), "%s", err);
    release();
    cr_assert_eq(RUN("check", "--out", "/no/such/dir/x.json"), 1);
    cr_assert_not_null(strstr(err, "/no/such/dir/x.json"), "%s", err);
}

Test(cli, check_schema_prints_the_field_reference) {
    cr_assert_eq(RUN("check", "--schema"), 0);
    cr_assert_not_null(strstr(out, "| `client.skin.mst` | integer |"), "%s", out);
    cr_assert_not_null(strstr(out, "| `plan.sessions[].depth_mm` | number | mm |"), "%s", out);
}

Test(cli, render_takes_a_scene_and_its_views) {
    const char *dir = test_tmpdir("render-scene");
    cr_assert_eq(RUN("render", "--set", "client.skin.mst=99", "--out", dir), 2);
    cr_assert_not_null(strstr(err, "client.skin.mst"), "%s", err);
    release();
    cr_assert_eq(RUN("render", "--set", "render.views=[\"left\"]", "--set", "render.years=[5]",
                     "--size", "64x48", "--out", dir, "-q"),
                 0, "%s", err);
    char expect[512];
    snprintf(expect, sizeof expect, "%s/default_left_y5.png\n", dir);
    cr_assert_str_eq(out, expect);
}

Test(cli, render_checks_years_compare_and_outputs_before_rendering) {
    const char *dir = test_tmpdir("render-args");
    const char *bad[][2] = {
        {"--years", "0,5,3"}, {"--years", "-1"},    {"--years", "0,,2"},         {"--years", "51"},
        {"--compare", "1"},   {"--compare", "5,1"}, {"--compare", "x,y"},        {"--fps", "0"},
        {"--seconds", "0"},   {"--from", "60"},     {"--sheet", "/proc/x/s.png"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        cr_assert_eq(RUN("render", "--out", dir, bad[i][0], bad[i][1]), 2, "%s %s", bad[i][0],
                     bad[i][1]);
        cr_assert_not_null(strstr(err, bad[i][0]), "%s %s: %s", bad[i][0], bad[i][1], err);
        cr_assert_str_empty(out, "%s %s rendered something", bad[i][0], bad[i][1]);
        release();
    }
    cr_assert_eq(RUN("render", "--out", dir, "--from", "5", "--to", "2"), 2);
}

Test(cli, render_refuses_video_without_ffmpeg_before_rendering) {
    const char *dir = test_tmpdir("render-noffmpeg");
    setenv("SMP_FFMPEG", "/nonexistent/ffmpeg", 1);
    char video[512];
    snprintf(video, sizeof video, "%s/lapse.mp4", dir);
    cr_assert_eq(RUN("render", "--out", dir, "--video", video), 2);
    cr_assert_not_null(strstr(err, "ffmpeg"), "%s", err);
    cr_assert_str_empty(out);
    unsetenv("SMP_FFMPEG");
}

Test(cli, render_writes_sheet_compare_and_video) {
    const char *dir = test_tmpdir("render-all");
    char sheet[512], video[512];
    snprintf(sheet, sizeof sheet, "%s/sheet.png", dir);
    snprintf(video, sizeof video, "%s/lapse.mp4", dir);
    cr_assert_eq(RUN("render", "--out", dir, "--size", "80x60", "--view", "front", "--years", "0,5",
                     "--sheet", sheet, "--compare", "0,5", "--video", video, "--seconds", "0.5",
                     "--fps", "8", "-q"),
                 0, "%s", err);
    char compare[512];
    snprintf(compare, sizeof compare, "%s/default_front_y0_vs_y5.png", dir);
    const char *files[] = {sheet, video, compare};
    for (int i = 0; i < 3; ++i) {
        cr_assert(file_exists(files[i]), "%s missing", files[i]);
        cr_assert_not_null(strstr(out, files[i]), "%s not printed:\n%s", files[i], out);
    }
    smp_image img;
    cr_assert_eq(smp_image_read_png(sheet, &img, NULL), SMP_OK);
    cr_assert_gt(img.width, 80);
    cr_assert_gt(img.height, 2 * 60);
    smp_image_free(&img);
}

Test(cli, a_bad_head_mesh_is_an_input_error_naming_the_file) {
    const char *dir = test_tmpdir("bad-mesh");
    char text[512], set[600];
    snprintf(text, sizeof text, "%s/notes.obj", dir);
    FILE *f = fopen(text, "w");
    cr_assert_not_null(f);
    fputs("this is not a mesh\n", f);
    fclose(f);
    const char *meshes[] = {"/nonexistent/head.obj", text};
    for (int i = 0; i < 2; ++i) {
        snprintf(set, sizeof set, "head.mesh=%s", meshes[i]);
        cr_assert_eq(RUN("render", "--set", set, "--out", dir, "--size", "32x32"), 2, "%s: %s",
                     meshes[i], err);
        cr_assert_not_null(strstr(err, meshes[i]), "%s", err);
        cr_assert_str_empty(out);
        release();
    }
    snprintf(set, sizeof set, "head.landmarks.vertex=[0, 400, 0]");
    cr_assert_eq(RUN("render", "--set", "head.mesh=builtin", "--set", set, "--out", dir), 2, "%s",
                 err);
    cr_assert_not_null(strstr(err, "vertex"), "%s", err);
}

/* Times count from the completion of treatment: --years takes untreated, healed and years
 * after completion in time order; a bad token exits 2 naming it, before anything renders. */
Test(cli, render_years_take_untreated_healed_and_years_after_completion) {
    const char *dir = test_tmpdir("render-times");
    const char *bad[][2] = {{"untreated,cured", "'cured'"},
                            {"healed,0", "'0' after 'healed'"},
                            {"1,untreated", "'untreated' after '1'"},
                            {"Healed", "'Healed'"},
                            {"healed,-2", "'-2'"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        cr_assert_eq(RUN("render", "--out", dir, "--years", bad[i][0]), 2, "%s", bad[i][0]);
        cr_assert_not_null(strstr(err, "--years"), "%s: %s", bad[i][0], err);
        cr_assert_not_null(strstr(err, bad[i][1]), "%s: %s", bad[i][0], err);
        cr_assert_str_empty(out, "%s rendered something", bad[i][0]);
        release();
    }
    const char *video[][3] = {{"--from", "untreated", "'untreated'"}, {"--to", "soon", "'soon'"}};
    for (size_t i = 0; i < 2; ++i) {
        cr_assert_eq(RUN("render", "--out", dir, video[i][0], video[i][1]), 2);
        cr_assert_not_null(strstr(err, video[i][2]), "%s", err);
        release();
    }
    cr_assert_eq(RUN("render", "--out", dir, "--view", "top", "--years", "untreated,healed,0.5",
                     "--size", "64x48", "-q"),
                 0, "%s", err);
    const char *names[] = {"untreated", "healed", "y0.5"};
    for (int i = 0; i < 3; ++i) {
        char path[1100];
        snprintf(path, sizeof path, "%s/default_top_%s.png", dir, names[i]);
        cr_assert_not_null(strstr(out, path), "%s not written:\n%s", path, out);
    }
}

/* The default scene shows the clinic set: untreated, healed, then years 1, 3, 5 and 10 after
 * completion, from the front, top, back, left and right; its sheet's rows are labelled so. */
Test(cli, the_default_render_shows_the_clinic_times_and_views) {
    const char *dir = test_tmpdir("render-default");
    char sheet[1100];
    snprintf(sheet, sizeof sheet, "%s/sheet.png", dir);
    cr_assert_eq(
        RUN("render", "--out", dir, "--size", "32x24", "--msaa", "1", "--sheet", sheet, "-q"), 0,
        "%s", err);
    const char *times[] = {"untreated", "healed", "y1", "y3", "y5", "y10"};
    const char *views[] = {"front", "top", "back", "left", "right"};
    for (int t = 0; t < 6; ++t)
        for (int v = 0; v < 5; ++v) {
            char path[1200];
            snprintf(path, sizeof path, "%s/default_%s_%s.png\n", dir, views[v], times[t]);
            cr_assert_not_null(strstr(out, path), "%s not written:\n%s", path, out);
        }
    smp_scene s;
    smp_scene_report rep;
    cr_assert_eq(smp_scene_load(&(smp_scene_source){0}, &s, &rep), SMP_OK);
    const char *labels[] = {"Untreated",
                            "Healed (30 days after the last session)",
                            "Year 1 after completion",
                            "Year 3 after completion",
                            "Year 5 after completion",
                            "Year 10 after completion"};
    cr_assert_eq(s.year_count, 6);
    for (int t = 0; t < 6; ++t) {
        char label[64];
        smp_year_label(s.years[t], label, sizeof label);
        cr_assert_str_eq(label, labels[t]);
    }
    cr_assert(file_exists(sheet));
}

/* check reads the head as the commands that draw it do: a mesh that cannot be used fails here,
 * exit 2 naming it (a FIFO refused without being opened, a glTF whose nodes loop); --no-mesh
 * checks the scene file alone. */
Test(cli, check_reads_the_mesh_unless_told_not_to) {
    char dir[512], fifo[600], loop[600], set_fifo[700], set_loop[700];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("check-mesh"));
    snprintf(fifo, sizeof fifo, "%s/head.obj", dir);
    snprintf(loop, sizeof loop, "%s/loop.gltf", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    FILE *f = fopen(loop, "w");
    cr_assert_not_null(f);
    fputs("{\"asset\": {\"version\": \"2.0\"}, \"nodes\": [{\"children\": [0]}]}", f);
    fclose(f);
    snprintf(set_fifo, sizeof set_fifo, "head.mesh=%s", fifo);
    snprintf(set_loop, sizeof set_loop, "head.mesh=%s", loop);
    cr_assert_eq(RUN("check", "-q", "--set", set_fifo), 2);
    cr_assert_not_null(strstr(err, "is a FIFO, not a mesh file"), "%s", err);
    cr_assert_eq(RUN("check", "-q", "--set", set_loop), 2);
    cr_assert_not_null(strstr(err, "loop.gltf: the glTF's nodes loop"), "%s", err);
    cr_assert_eq(RUN("check", "-q", "--no-mesh", "--set", set_loop), 0, "%s", err);
    cr_assert_eq(RUN("check", "-q"), 0, "the default scene's head: %s", err);
}

/* Runs the bash completion (scripts/smpsim-completion.bash) on the words given, the last one
 * being completed; returns what it offers, one per line. */
static char *complete(const char *const *words) {
    char script[1400];
    snprintf(script, sizeof script,
             "source '%s/scripts/smpsim-completion.bash' || exit 3; COMP_WORDS=(\"$@\"); "
             "COMP_CWORD=$(($# - 1)); _smpsim; for w in \"${COMPREPLY[@]}\"; do echo \"$w\"; done",
             SMP_SOURCE_DIR);
    const char *argv[16] = {"bash", "-c", script, "_", SMPSIM_EXE};
    int n = 5;
    while (*words && n < 15) argv[n++] = *words++;
    argv[n] = NULL;
    char *offered = NULL, *e = NULL;
    int rc = run_command(&offered, &e, argv);
    cr_assert_eq(rc, 0, "completing '%s': exit %d, %s", argv[n - 1], rc, e);
    free(e);
    return offered;
}

/* Whether `word` is a whole line of `lines`. */
static int has_line(const char *lines, const char *word) {
    size_t len = strlen(word);
    for (const char *p = lines; (p = strstr(p, word)); p += len)
        if ((p == lines || p[-1] == '\n') && p[len] == '\n') return 1;
    return 0;
}

/* The completion asks the program for its options (--list-options, from the tables --help is
 * printed from), so it offers exactly what --help lists, for every command; option values,
 * commands and scene files too. */
Test(cli, completion_offers_what_each_command_takes) {
    const char *commands[][2] = {{"view", NULL},      {"render", NULL},    {"report", NULL},
                                 {"scatter", NULL},   {"check", NULL},     {"score", NULL},
                                 {"measure", NULL},   {"bench", "render"}, {"bench", "age"},
                                 {"bench", "scatter"}};
    for (size_t i = 0; i < sizeof commands / sizeof *commands; ++i) {
        const char *c = commands[i][0], *b = commands[i][1];
        const char *const help[] = {c, b ? b : "--help", b ? "--help" : NULL, NULL};
        cr_assert_eq(run_smpsim(&out, &err, help), 0, "%s --help", c);
        const char *const words[] = {c, b ? b : "--", b ? "--" : NULL, NULL};
        char *offered = complete(words);
        int listed = 0;
        const char *options = strstr(out, "\nOptions:\n");
        cr_assert_not_null(options, "%s", out);
        for (const char *line = options + 1; line && *line && *line != '\n';
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            if (strncmp(line, "  -", 3) != 0) continue; /* an option's row starts "  -" */
            const char *name = line + 2;
            if (name[1] != '-') name += 4; /* "-q, --quiet" */
            char option[64];
            size_t len = strcspn(name, " \n");
            cr_assert_lt(len, sizeof option);
            memcpy(option, name, len);
            option[len] = '\0';
            cr_assert(has_line(offered, option), "%s %s: %s not offered:\n%s", c, b ? b : "",
                      option, offered);
            ++listed;
        }
        int lines = 0;
        for (const char *p = offered; (p = strchr(p, '\n')); ++p) ++lines;
        cr_assert_eq(lines, listed, "%s %s offers %d options, --help lists %d:\n%s", c, b ? b : "",
                     lines, listed, offered);
        cr_assert_gt(listed, 3);
        free(offered);
        release();
    }
    char *offered = complete((const char *const[]){"", NULL});
    const char *all[] = {"view",  "render", "report", "scatter",
                         "bench", "check",  "score",  "measure"};
    for (int i = 0; i < 8; ++i) cr_assert(has_line(offered, all[i]), "%s:\n%s", all[i], offered);
    free(offered);
    offered = complete((const char *const[]){"bench", "", NULL});
    cr_assert_str_eq(offered, "render\nscatter\nage\n");
    free(offered);
    offered = complete((const char *const[]){"render", "--gl", "", NULL});
    cr_assert_str_eq(offered, "auto\negl\nsdl-offscreen\n");
    free(offered);
    offered = complete((const char *const[]){"bench", "age", "--simd", "av", NULL});
    cr_assert_str_eq(offered, "avx2\navx512\n");
    free(offered);
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "%s/scenes/defaul", SMP_SOURCE_DIR);
    offered = complete((const char *const[]){"check", prefix, NULL});
    char expected[1200];
    snprintf(expected, sizeof expected, "%s/scenes/default.json\n", SMP_SOURCE_DIR);
    cr_assert_str_eq(offered, expected);
    free(offered);
    snprintf(prefix, sizeof prefix, "%s/CMakeLis", SMP_SOURCE_DIR); /* no scene: not offered */
    offered = complete((const char *const[]){"render", prefix, NULL});
    cr_assert_str_eq(offered, "");
    free(offered);
}

/* Under a memory limit the OpenGL driver cannot even be loaded: the render says out of
 * memory, not "no OpenGL context". (At a limit that lets the driver load, the framebuffer's
 * failure is reported the same way when the driver reports it; Mesa's llvmpipe sometimes
 * crashes there instead, which no caller can prevent, so that limit is not tested.) */
Test(cli, a_render_short_of_memory_says_so) {
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("AddressSanitizer reserves more address space than the limits tested");
#else
    const char *dir = test_tmpdir("oom");
    static const char *const limits_kib[] = {"150000", "200000"};
    for (int i = 0; i < 2; ++i) {
        char script[512];
        snprintf(script, sizeof script,
                 "ulimit -v %s && exec \"$0\" render --view front --years healed --out '%s'",
                 limits_kib[i], dir);
        const char *argv[] = {"sh", "-c", script, SMPSIM_EXE, NULL};
        char *so = NULL, *se = NULL;
        int rc = run_command(&so, &se, argv);
        /* the limit may be met anywhere: reading the head, the driver or the framebuffer */
        cr_assert_neq(rc, 0, "%s KiB: the render succeeded", limits_kib[i]);
        cr_assert_lt(rc, 128, "%s KiB: killed by signal %d\n%s", limits_kib[i], rc - 128, se);
        cr_assert_not_null(strstr(se, "out of memory"), "%s KiB: %s", limits_kib[i], se);
        free(so);
        free(se);
    }
#endif
}
