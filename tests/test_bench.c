/* Benchmarks a reader can trust: every `smpsim bench` prints one JSON object with its context and a
 * row per thing timed, CSV with its context, and the warnings when the figures are not to be
 * trusted (smp/bench_report.h, on synthetic timings). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/bench_report.h"
#include "support.h"

static char *out, *err;

static void release(void) {
    free(out);
    free(err);
    out = err = NULL;
}

TestSuite(bench, .fini = release);

/* ---- The report on synthetic timings ----------------------------------------------------- */

static smp_bench_report r;

/* A report on `cores` cores with load `load`, no rows. */
static void empty_report(int cores, double load) {
    memset(&r, 0, sizeof r);
    r.bench = "test";
    r.cores = cores;
    r.load_1m = load;
}

static smp_bench_row *add_row(const char *simd, int threads, const double *ms, int n) {
    smp_bench_row *row = smp_bench_row_add(&r);
    cr_assert_not_null(row);
    smp_bench_param_text(row, "simd", simd);
    smp_bench_param_number(row, "threads", threads, 0);
    double copy[64];
    memcpy(copy, ms, sizeof(double) * (size_t)n);
    smp_bench_stats_of(copy, n, &row->ms);
    return row;
}

static int warned(const char *what) {
    for (int i = 0; i < r.warning_count; ++i)
        if (strstr(r.warnings[i], what)) return 1;
    return 0;
}

Test(bench, statistics_of_the_runs) {
    double ms[] = {12.0, 10.0, 11.0, 30.0};
    smp_bench_stats s;
    smp_bench_stats_of(ms, 4, &s);
    cr_assert_eq(s.runs, 4);
    cr_assert_float_eq(s.mean, 15.75, 1e-12);
    cr_assert_float_eq(s.median, 11.5, 1e-12);
    cr_assert_float_eq(s.min, 10.0, 1e-12);
    cr_assert_float_eq(s.max, 30.0, 1e-12);
    cr_assert_float_eq(s.spread_pct, 100.0 * 20.0 / 11.5, 1e-9);
    double one[] = {7.0};
    smp_bench_stats_of(one, 1, &s);
    cr_assert_float_eq(s.median, 7.0, 1e-12);
    cr_assert_float_eq(s.spread_pct, 0.0, 1e-12);
}

Test(bench, steady_figures_on_an_idle_machine_give_no_warning) {
    empty_report(4, 0.2);
    const double one[] = {10.0, 10.3, 10.1, 9.9, 10.2}, two[] = {5.1, 5.0, 5.2, 5.0, 5.1};
    add_row("avx2", 1, one, 5);
    add_row("avx2", 2, two, 5);
    cr_assert_eq(smp_bench_check(&r), 0, "%s", r.warnings[0]);
}

Test(bench, a_wide_spread_is_a_warning) {
    empty_report(4, 0.2);
    /* spread (max - min) / median: 1.0 / 10 = 10 %, not above the threshold; 1.2 / 10 is */
    const double at[] = {9.5, 10.0, 10.5}, above[] = {9.4, 10.0, 10.6};
    add_row("scalar", 1, at, 3);
    cr_assert_eq(smp_bench_check(&r), 0, "%s", r.warnings[0]);
    add_row("avx2", 1, above, 3);
    cr_assert_eq(smp_bench_check(&r), 1);
    cr_assert(warned("simd=avx2 threads=1: the runs spread over 12.0 %"), "%s", r.warnings[0]);
}

Test(bench, a_busy_machine_is_a_warning) {
    const double ms[] = {10.0, 10.0};
    empty_report(2, 1.4); /* at most cores - 0.5 */
    add_row("scalar", 1, ms, 2);
    cr_assert_eq(smp_bench_check(&r), 0);
    empty_report(2, 1.6);
    add_row("scalar", 1, ms, 2);
    cr_assert_eq(smp_bench_check(&r), 1);
    cr_assert(warned("load average was 1.60 at start, on 2 logical cores"), "%s", r.warnings[0]);
    empty_report(2, -1.0); /* unknown load: no warning */
    cr_assert_eq(smp_bench_check(&r), 0);
}

Test(bench, more_threads_slower_than_one_is_a_warning) {
    empty_report(8, 0.0);
    const double fast[] = {10.0, 10.0}, slow[] = {12.0, 12.0}, faster[] = {6.0, 6.0};
    add_row("avx2", 1, fast, 2);
    add_row("avx2", 2, slow, 2);
    add_row("avx2", 4, faster, 2);
    add_row("scalar", 2, slow, 2); /* no 1-thread row of its own to compare with */
    cr_assert_eq(smp_bench_check(&r), 1, "%s", r.warnings[1]);
    cr_assert(warned("simd=avx2: 2 threads took longer than 1 (median 12.000 ms against "
                     "10.000 ms)"),
              "%s", r.warnings[0]);
}

Test(bench, json_and_csv_carry_the_context_the_rows_and_the_warnings) {
    empty_report(2, 3.0);
    smp_bench_context_text(&r, "cpu_model", "Test \"CPU\"");
    smp_bench_context_number(&r, "memory_gib", 8, 1);
    const double ms[] = {2.0, 1.0, 3.0};
    smp_bench_row *row = add_row("avx2", 1, ms, 3);
    smp_bench_figure(row, "dots_per_s", 1000.0, 0);
    add_row("avx2, wide", 2, ms, 3);
    smp_bench_check(&r);

    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    smp_bench_print_json(&r, f);
    fclose(f);
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "%s", text);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "bench")->valuestring, "test");
    cJSON *ctx = cJSON_GetObjectItem(j, "context");
    cr_assert_str_eq(cJSON_GetObjectItem(ctx, "cpu_model")->valuestring, "Test \"CPU\"");
    cJSON *results = cJSON_GetObjectItem(j, "results");
    cr_assert_eq(cJSON_GetArraySize(results), 2);
    cJSON *first = cJSON_GetArrayItem(results, 0);
    const char *keys[] = {"simd",   "threads", "runs",       "mean_ms",   "median_ms",
                          "min_ms", "max_ms",  "spread_pct", "dots_per_s"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; ++i)
        cr_assert_not_null(cJSON_GetObjectItem(first, keys[i]), "%s in %s", keys[i], text);
    cr_assert_float_eq(cJSON_GetObjectItem(first, "median_ms")->valuedouble, 2.0, 1e-9);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), r.warning_count);
    cr_assert_gt(r.warning_count, 0);
    cJSON_Delete(j);
    free(text);

    const char *path = "bench.csv";
    char full[1100];
    snprintf(full, sizeof full, "%s/%s", test_tmpdir("bench-csv"), path);
    smp_error e = {0};
    cr_assert_eq(smp_bench_write_csv(&r, full, &e), SMP_OK, "%s", e.message);
    text = slurp(full, &size);
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "# cpu_model: Test \"CPU\"\n"), "%s", text);
    cr_assert_not_null(strstr(text, "# warning: "), "%s", text);
    cr_assert_not_null(strstr(text, "\nsimd,threads,runs,mean_ms,median_ms,min_ms,max_ms,"
                                    "spread_pct,dots_per_s\n"
                                    "avx2,1,3,2.000,2.000,1.000,3.000,100.0,1000\n"
                                    "\"avx2, wide\",2,3,2.000,2.000,1.000,3.000,100.0,\n"),
                       "%s", text);
    free(text);
    cr_assert_neq(smp_bench_write_csv(&r, SMP_SOURCE_DIR "/CMakeLists.txt/x.csv", &e), SMP_OK);
    cr_assert_not_null(strstr(e.message, "CMakeLists.txt/x.csv"), "%s", e.message);
}

/* ---- The benchmarks, on tiny sizes ------------------------------------------------------- */

static const char *const k_context_keys[] = {
    "cpu_model",      "logical_cores", "memory_gib", "os",          "kernel",
    "smpsim_version", "commit",        "build_type", "compiler",    "c_flags",
    "simd_built",     "simd_best",     "date_utc",   "load_avg_1m", "simd_used"};

/* One JSON object {bench, context, results, warnings} with the context's keys; returns the
 * number of rows. */
static int check_json(const char *json, const char *bench, const char *const *more, int more_n) {
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j, "%s", json);
    cr_assert(cJSON_IsObject(j));
    cr_assert_str_eq(cJSON_GetObjectItem(j, "bench")->valuestring, bench);
    cJSON *ctx = cJSON_GetObjectItem(j, "context");
    cr_assert(cJSON_IsObject(ctx), "%s", json);
    size_t n = sizeof k_context_keys / sizeof *k_context_keys;
    for (size_t i = 0; i < n; ++i) {
        if (strcmp(bench, "render") == 0 && strcmp(k_context_keys[i], "simd_used") == 0) continue;
        cr_assert_not_null(cJSON_GetObjectItem(ctx, k_context_keys[i]), "%s: %s", bench,
                           k_context_keys[i]);
    }
    for (int i = 0; i < more_n; ++i)
        cr_assert_not_null(cJSON_GetObjectItem(ctx, more[i]), "%s: %s", bench, more[i]);
    const char *date = cJSON_GetObjectItem(ctx, "date_utc")->valuestring;
    cr_assert(strlen(date) == 20 && date[4] == '-' && date[10] == 'T' && date[19] == 'Z', "%s",
              date);
    cJSON *results = cJSON_GetObjectItem(j, "results");
    cr_assert(cJSON_IsArray(results));
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "warnings")));
    int rows = cJSON_GetArraySize(results);
    const char *stats[] = {"runs", "mean_ms", "median_ms", "min_ms", "max_ms", "spread_pct"};
    for (int i = 0; i < rows; ++i)
        for (int k = 0; k < 6; ++k)
            cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(results, i), stats[k])),
                      "%s row %d: %s", bench, i, stats[k]);
    cJSON_Delete(j);
    /* one object: nothing after it but the newline */
    cr_assert_eq(strchr(json, '\n'), json + strlen(json) - 1, "%s", json);
    return rows;
}

/* The CSV's rows under its header (after the '#' lines). */
static int csv_rows(const char *csv, const char *header_start) {
    const char *p = csv;
    while (*p == '#') p = strchr(p, '\n') + 1;
    cr_assert_eq(strncmp(p, header_start, strlen(header_start)), 0, "%s", csv);
    int lines = 0;
    for (p = strchr(p, '\n') + 1; *p; p = strchr(p, '\n') + 1) ++lines;
    return lines;
}

Test(bench, age_prints_one_object_a_row_per_path_and_thread_count) {
    const char *const args[] = {"bench",     "age", "--dots", "1000",   "--runs", "2",
                                "--threads", "1,2", "--simd", "scalar", "--json", NULL};
    cr_assert_eq(run_smpsim(&out, &err, args), 0, "%s", err);
    const char *more[] = {"model", "bytes_per_dot"};
    cr_assert_eq(check_json(out, "age", more, 2), 2, "%s", out);
    cr_assert_not_null(strstr(out, "\"simd\": \"scalar\", \"threads\": 2"), "%s", out);
    release();
    const char *const csv[] = {"bench", "age",    "--dots", "1000",  "--runs", "1", "--threads",
                               "1,2,3", "--simd", "scalar", "--csv", "-",      NULL};
    cr_assert_eq(run_smpsim(&out, &err, csv), 0, "%s", err);
    cr_assert_eq(strncmp(out, "# bench: age\n# cpu_model: ", 26), 0, "%s", out);
    cr_assert_eq(csv_rows(out, "simd,threads,dots,year,runs,mean_ms,median_ms,"), 3, "%s", out);
}

/* With a scene, bench age times that scene's own dots under its own model. */
Test(bench, age_takes_a_scene_and_times_its_dots) {
    const char *const args[] = {"bench",     "age",
                                "--set",     "head.mesh=builtin",
                                "--set",     "plan.dot_count=2000",
                                "--runs",    "1",
                                "--threads", "1",
                                "--json",    NULL};
    cr_assert_eq(run_smpsim(&out, &err, args), 0, "%s", err);
    const char *more[] = {"scene", "mesh", "model"};
    cr_assert_eq(check_json(out, "age", more, 3), 1, "%s", out);
    cr_assert_not_null(strstr(out, "\"mesh\": \"built-in head\""), "%s", out);
    cr_assert_not_null(strstr(out, "\"dots\": 2000,"), "%s", out);
    release();
    const char *const both[] = {"bench", "age", "--set", "head.mesh=builtin", "--dots", "5", NULL};
    cr_assert_eq(run_smpsim(&out, &err, both), 2);
    cr_assert_not_null(strstr(err, "--dots sizes the synthetic dot set"), "%s", err);
}

Test(bench, scatter_takes_a_scene_and_names_its_mesh) {
    char scene[1100];
    snprintf(scene, sizeof scene, "%s/scenes/default.json", SMP_SOURCE_DIR);
    char csv[1100];
    snprintf(csv, sizeof csv, "%s/scatter.csv", test_tmpdir("bench-scatter"));
    const char *const args[] = {"bench",  "scatter",   scene,        "--set",  "head.mesh=builtin",
                                "--max",  "10000",     "--blue-max", "10000",  "--runs",
                                "1",      "--threads", "1",          "--simd", "scalar",
                                "--json", "--csv",     csv,          NULL};
    cr_assert_eq(run_smpsim(&out, &err, args), 0, "%s", err);
    const char *more[] = {"scene", "mesh", "mesh_triangles", "bytes_per_dot", "memset_gb_per_s_1t"};
    cr_assert_eq(check_json(out, "scatter", more, 5), 2, "%s", out); /* Poisson and blue noise */
    cr_assert_not_null(strstr(out, "\"mesh\": \"built-in head\", \"mesh_kind\": \"the built-in "
                                   "procedural head"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "\"rule\": \"blue\""), "%s", out);
    cr_assert_not_null(strstr(out, "\"min_spacing_ratio\": "), "%s", out);
    size_t size;
    char *text = slurp(csv, &size);
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "# mesh: built-in head\n"), "%s", text);
    cr_assert_eq(csv_rows(text, "rule,count,simd,threads,runs,mean_ms,"), 2, "%s", text);
    free(text);
}

Test(bench, render_prints_the_gl_renderer_in_its_context) {
    const char *const args[] = {"bench",    "render", "--set",  "head.mesh=builtin",
                                "--runs",   "2",      "--size", "64x48",
                                "--motion", "--json", NULL};
    cr_assert_eq(run_smpsim(&out, &err, args), 0, "%s", err);
    const char *more[] = {"gl_renderer", "gl_version", "gl_backend", "mesh", "scene"};
    cr_assert_eq(check_json(out, "render", more, 5), 1, "%s", out);
    cr_assert_not_null(strstr(out, "\"motion\": 1, \"drawn_width\": 32, \"drawn_height\": 24"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "\"fps_median\": "), "%s", out);
    cr_assert_not_null(strstr(out, "\"msaa\": 1,"), "%s", out); /* one sample in motion */
    cr_assert_not_null(strstr(out, "\"runs\": 2,"), "%s", out);
}

/* The same options on every benchmark, refused the same way. */
Test(bench, the_options_are_shared_and_checked_before_any_run) {
    const char *benches[] = {"render", "scatter", "age"};
    for (int i = 0; i < 3; ++i) {
        const char *const both[] = {"bench", benches[i], "--json", "--csv", "-", NULL};
        cr_assert_eq(run_smpsim(&out, &err, both), 2, "%s", benches[i]);
        cr_assert_not_null(strstr(err, "--csv - and --json"), "%s", err);
        release();
        /* a directory that cannot exist: a file is in its place */
        const char *const bad_csv[] = {"bench", benches[i], "--csv",
                                       SMP_SOURCE_DIR "/CMakeLists.txt/x.csv", NULL};
        cr_assert_eq(run_smpsim(&out, &err, bad_csv), 2, "%s", benches[i]);
        cr_assert_not_null(strstr(err, "--csv: "), "%s", err);
        release();
        const char *const runs[] = {"bench", benches[i], "--runs", "0", NULL};
        cr_assert_eq(run_smpsim(&out, &err, runs), 2, "%s", benches[i]);
        cr_assert_not_null(strstr(err, "--runs: 0 is out of range"), "%s", err);
        release();
        if (i == 0) continue; /* frames are the GPU's: no --simd or --threads */
        const char *const simd[] = {"bench", benches[i], "--simd", "mmx", NULL};
        cr_assert_eq(run_smpsim(&out, &err, simd), 2, "%s", benches[i]);
        cr_assert_not_null(strstr(err, "--simd: expected auto, all, scalar"), "%s", err);
        release();
        const char *const threads[] = {"bench", benches[i], "--threads", "1,,2", NULL};
        cr_assert_eq(run_smpsim(&out, &err, threads), 2, "%s", benches[i]);
        cr_assert_not_null(strstr(err, "--threads"), "%s", err);
        release();
    }
}
