/* What the benchmarks share: --simd, --threads, --runs, --json and --csv, and how each ends
 * (the warnings, then the table, JSON or CSV). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/fsio.h"
#include "smp/pipeline.h"

/* --threads: comma-separated thread counts, each 1..256. */
static smp_status parse_threads(const char *option, const char *text, void *dst, smp_error *err) {
    bench_threads *list = dst;
    char buf[128], *items[BENCH_MAX_THREAD_COUNTS];
    int n = snprintf(buf, sizeof buf, "%s", text) < (int)sizeof buf
                ? cli_split_list(buf, items, BENCH_MAX_THREAD_COUNTS)
                : -1;
    if (n < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: expected 1 to %d thread counts such as 1,2, got '%s'", option,
                             BENCH_MAX_THREAD_COUNTS, text);
    for (int k = 0; k < n; ++k) {
        long t;
        if (cli_parse_int(option, items[k], 1, 256, &t, err) != SMP_OK) return err->status;
        list->n[k] = (int)t;
    }
    list->count = n;
    return SMP_OK;
}

static const cli_word k_simd_words[] = {
    {"auto", BENCH_SIMD_AUTO},   {"all", BENCH_SIMD_ALL},
    {"scalar", SMP_SIMD_SCALAR}, {"sse41", SMP_SIMD_SSE41},
    {"avx2", SMP_SIMD_AVX2},     {"avx512", SMP_SIMD_AVX512},
    {"neon", SMP_SIMD_NEON},     {NULL, 0},
};

const cli_option bench_cpu_options[] = {
    CLI_WORD("simd", "PATH",
             "{words}: the vector path(s) timed; auto is the one this CPU would use (SMP_SIMD, "
             "else the best), all every path it can run",
             bench_common, simd, k_simd_words),
    CLI_PARSE("threads", "LIST",
              "thread counts, comma-separated, one row each (default: 1 and every logical core)",
              bench_common, threads, parse_threads),
    {0},
};

const cli_option bench_runs_options[] = {
    CLI_INT("runs", "N", "timed runs per row, {range} (default: see above)", bench_common, runs, 1,
            10000),
    {0},
};

const cli_option bench_output_options[] = {
    CLI_FLAG(0, "json", "print one JSON object {bench, context, results, warnings}", bench_common,
             json),
    CLI_STRING("csv", "FILE",
               "also write the results as CSV to FILE ('-': to stdout instead of the table), the "
               "context as leading '# key: value' lines",
               bench_common, csv),
    {0},
};

int bench_check_common(const char *cmd, bench_common *c, int default_all) {
    if (c->csv && strcmp(c->csv, "-") == 0 && c->json)
        return cli_usage_error(cmd, "--csv - and --json both print on stdout: give --csv a FILE");
    smp_error err = {0};
    if (c->csv && strcmp(c->csv, "-") != 0 && smp_check_output_file(c->csv, &err) != SMP_OK)
        return cli_usage_error(cmd, "--csv: %s", err.message);
    if (c->simd == BENCH_SIMD_DEFAULT) c->simd = default_all ? BENCH_SIMD_ALL : BENCH_SIMD_AUTO;
    if (c->simd >= 0 && !smp_simd_supported((smp_simd_path)c->simd))
        return cli_usage_error(cmd, "--simd: this CPU cannot run the %s path",
                               smp_simd_name((smp_simd_path)c->simd));
    if (c->threads.count == 0) { /* 1 and every logical core */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads.n[0] = 1;
        c->threads.count = 1;
        if (cores > 1) c->threads.n[c->threads.count++] = cores > 256 ? 256 : (int)cores;
    }
    return 0;
}

int bench_simd_paths(const bench_common *c, smp_simd_path *paths) {
    int n = 0;
    if (c->simd == BENCH_SIMD_ALL) {
        for (int p = 0; p < SMP_SIMD_COUNT; ++p)
            if (smp_simd_supported((smp_simd_path)p)) paths[n++] = (smp_simd_path)p;
    } else {
        paths[n++] = c->simd >= 0 ? (smp_simd_path)c->simd : smp_simd_active();
    }
    return n;
}

void bench_context_mesh(smp_bench_report *r, const char *head_source, int imported,
                        unsigned triangles) {
    smp_bench_context_text(r, "mesh", head_source);
    smp_bench_context_text(r, "mesh_kind",
                           !imported ? "the built-in procedural head (smp/head.h)"
                           : strcmp(head_source, SMP_PIPELINE_MAKEHUMAN_PATH) == 0
                               ? "the MakeHuman head (assimp-testmodels), imported"
                               : "an imported mesh");
    smp_bench_context_number(r, "mesh_triangles", triangles, 0);
}

void bench_context_simd(smp_bench_report *r, const bench_common *c) {
    smp_simd_path paths[SMP_SIMD_COUNT];
    int n = bench_simd_paths(c, paths);
    char text[128] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof text; ++i)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? " " : "",
                                smp_simd_name(paths[i]));
    smp_bench_context_text(r, "simd_used", text);
}

int bench_finish(const char *cmd, smp_bench_report *r, const bench_common *c) {
    smp_bench_check(r);
    if (!cli_common.quiet)
        for (int i = 0; i < r->warning_count; ++i)
            fprintf(stderr, "smpsim %s: warning: %s\n", cmd, r->warnings[i]);
    int csv_stdout = c->csv && strcmp(c->csv, "-") == 0;
    if (c->json)
        smp_bench_print_json(r, stdout);
    else if (!csv_stdout)
        smp_bench_print_text(r, stdout, cli_common.quiet);
    if (c->csv) {
        smp_error err = {0};
        if (smp_bench_write_csv(r, c->csv, &err) != SMP_OK) return cli_fail(cmd, &err);
        if (!csv_stdout && !c->json) printf("%s\n", c->csv);
    }
    return CLI_EXIT_OK;
}
