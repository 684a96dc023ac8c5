/* What every benchmark of `smpsim bench` reports, in one shape: the context it ran in (the
 * machine, the build, the date and the load), one row per thing timed (its parameters, the
 * statistics of its timed runs in ms and figures derived from the median), and warnings when
 * the figures are not to be trusted. Printed as a table, as one JSON object
 * {"bench", "context", "results", "warnings"} or as CSV.
 *
 *   static smp_bench_report r;
 *   smp_bench_begin(&r, "age");                       // gathers the context
 *   smp_bench_row *row = smp_bench_row_add(&r);
 *   smp_bench_param_text(row, "simd", "avx2");
 *   smp_bench_param_number(row, "threads", 2, 0);
 *   smp_bench_stats_of(ms, runs, &row->ms);           // sorts ms
 *   smp_bench_figure(row, "dots_per_s", n / (row->ms.median * 1e-3), 0);
 *   smp_bench_check(&r);                               // the warnings
 *   smp_bench_print_json(&r, stdout);
 *
 * Does NOT: time anything, or decide what a benchmark measures.
 */
#ifndef SMP_BENCH_REPORT_H
#define SMP_BENCH_REPORT_H

#include <stdio.h>

#include "smp/status.h"

enum {
    SMP_BENCH_MAX_CONTEXT = 40,
    SMP_BENCH_MAX_PARAMS = 10,
    SMP_BENCH_MAX_FIGURES = 12,
    SMP_BENCH_MAX_ROWS = 256,
    SMP_BENCH_MAX_WARNINGS = 24,
};

/* A row's spread above this share of its median makes a warning. */
#define SMP_BENCH_SPREAD_WARN_PCT 10.0
/* The 1-minute load average at start above the logical cores less this makes a warning. */
#define SMP_BENCH_LOAD_MARGIN 0.5

/* One key and its value: a string, or a number printed with `decimals` digits after the
 * point. Keys carry their unit: "median_ms", "dots_per_s", "memory_gib". */
typedef struct smp_bench_field {
    char key[40];
    char text[160]; /* the string; unused for a number */
    double number;
    int decimals; /* -1: a string */
} smp_bench_field;

/* The timed runs of one row, in ms. */
typedef struct smp_bench_stats {
    int runs;
    double mean, median, min, max;
    double spread_pct; /* (max - min) / median, in per cent; 0 for one run */
} smp_bench_stats;

typedef struct smp_bench_row {
    smp_bench_field params[SMP_BENCH_MAX_PARAMS]; /* what was timed */
    int param_count;
    int threads; /* its thread count, 0 when none applies: "threads" among the params */
    smp_bench_stats ms;
    smp_bench_field figures[SMP_BENCH_MAX_FIGURES]; /* derived from the median */
    int figure_count;
} smp_bench_row;

typedef struct smp_bench_report {
    const char *bench; /* "scatter", "render", "age" */
    smp_bench_field context[SMP_BENCH_MAX_CONTEXT];
    int context_count;
    int cores;      /* logical cores online */
    double load_1m; /* the 1-minute load average at start; negative when unknown */
    smp_bench_row rows[SMP_BENCH_MAX_ROWS];
    int row_count;
    char warnings[SMP_BENCH_MAX_WARNINGS][256];
    int warning_count;
} smp_bench_report;

/* Empties r and gathers the context: cpu_model, logical_cores, memory_gib, os, kernel,
 * smpsim_version, commit, build_type, compiler, c_flags, simd_built, simd_best, date_utc
 * (ISO 8601) and the load averages (load_avg_1m, _5m, _15m, from /proc/loadavg). */
void smp_bench_begin(smp_bench_report *r, const char *bench);

/* Adds to the context (a key given again is replaced). */
void smp_bench_context_text(smp_bench_report *r, const char *key, const char *value);
void smp_bench_context_number(smp_bench_report *r, const char *key, double value, int decimals);

/* A new empty row, or NULL when SMP_BENCH_MAX_ROWS are taken. */
smp_bench_row *smp_bench_row_add(smp_bench_report *r);
void smp_bench_param_text(smp_bench_row *row, const char *key, const char *value);
/* A number parameter; the key "threads" also sets row->threads. */
void smp_bench_param_number(smp_bench_row *row, const char *key, double value, int decimals);
void smp_bench_figure(smp_bench_row *row, const char *key, double value, int decimals);

/* The statistics of n timed runs in ms (n >= 1); sorts ms. */
void smp_bench_stats_of(double *ms, int n, smp_bench_stats *out);

/* Replaces r's warnings with what makes its figures untrustworthy, and returns their number:
 * a row whose spread is above SMP_BENCH_SPREAD_WARN_PCT; a 1-minute load average at start
 * above r->cores - SMP_BENCH_LOAD_MARGIN; a row on several threads whose median is above
 * that of the row with the same other parameters on one thread. Reads only the rows'
 * statistics, r->cores and r->load_1m. */
int smp_bench_check(smp_bench_report *r);

/* A table: the context (unless without_context), then one line per row, the columns named by
 * the JSON keys. */
void smp_bench_print_text(const smp_bench_report *r, FILE *out, int without_context);

/* One JSON object: {"bench": ..., "context": {...}, "results": [{params, runs, mean_ms,
 * median_ms, min_ms, max_ms, spread_pct, figures}, ...], "warnings": [...]}. */
void smp_bench_print_json(const smp_bench_report *r, FILE *out);

/* CSV: the context as leading "# key: value" lines, each warning as "# warning: ...", then a
 * header line and one line per row (an empty cell where a row lacks a column). path "-" is
 * stdout; a file is written atomically. The error names the path. */
smp_status smp_bench_write_csv(const smp_bench_report *r, const char *path, smp_error *err);

#endif
