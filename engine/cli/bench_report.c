#include "smp/bench_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "smp/build_info.h"
#include "smp/fsio.h"
#include "smp/simd.h"
#include "smp/version.h"

/* ---- Fields ------------------------------------------------------------------------------ */

static void set_text(smp_bench_field *f, const char *key, const char *value) {
    snprintf(f->key, sizeof f->key, "%s", key);
    snprintf(f->text, sizeof f->text, "%s", value ? value : "");
    f->number = 0.0;
    f->decimals = -1;
}

static void set_number(smp_bench_field *f, const char *key, double value, int decimals) {
    snprintf(f->key, sizeof f->key, "%s", key);
    f->text[0] = '\0';
    f->number = value;
    f->decimals = decimals < 0 ? 0 : decimals;
}

/* The field's value as text ("1.25", "avx2"). */
static void value_text(const smp_bench_field *f, char *out, size_t size) {
    if (f->decimals < 0)
        snprintf(out, size, "%s", f->text);
    else if (!isfinite(f->number))
        snprintf(out, size, "%s", "");
    else
        snprintf(out, size, "%.*f", f->decimals, f->number);
}

static smp_bench_field *context_slot(smp_bench_report *r, const char *key) {
    for (int i = 0; i < r->context_count; ++i)
        if (strcmp(r->context[i].key, key) == 0) return &r->context[i];
    return r->context_count < SMP_BENCH_MAX_CONTEXT ? &r->context[r->context_count++] : NULL;
}

void smp_bench_context_text(smp_bench_report *r, const char *key, const char *value) {
    smp_bench_field *f = context_slot(r, key);
    if (f) set_text(f, key, value);
}

void smp_bench_context_number(smp_bench_report *r, const char *key, double value, int decimals) {
    smp_bench_field *f = context_slot(r, key);
    if (f) set_number(f, key, value, decimals);
}

smp_bench_row *smp_bench_row_add(smp_bench_report *r) {
    if (r->row_count >= SMP_BENCH_MAX_ROWS) return NULL;
    smp_bench_row *row = &r->rows[r->row_count++];
    memset(row, 0, sizeof *row);
    return row;
}

void smp_bench_param_text(smp_bench_row *row, const char *key, const char *value) {
    if (row->param_count < SMP_BENCH_MAX_PARAMS)
        set_text(&row->params[row->param_count++], key, value);
}

void smp_bench_param_number(smp_bench_row *row, const char *key, double value, int decimals) {
    if (strcmp(key, "threads") == 0) row->threads = (int)value;
    if (row->param_count < SMP_BENCH_MAX_PARAMS)
        set_number(&row->params[row->param_count++], key, value, decimals);
}

void smp_bench_figure(smp_bench_row *row, const char *key, double value, int decimals) {
    if (row->figure_count < SMP_BENCH_MAX_FIGURES)
        set_number(&row->figures[row->figure_count++], key, value, decimals);
}

/* ---- The context ------------------------------------------------------------------------- */

/* The value of the first line of a "key : value" file (/proc/cpuinfo) whose key is `key`. */
static int read_keyed(const char *path, const char *key, char sep, char *out, size_t size) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    int found = 0;
    size_t len = strlen(key);
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, len) != 0) continue;
        char *v = line + len;
        v += strspn(v, " \t");
        if (*v != sep) continue;
        v += 1 + strspn(v + 1, " \t\"");
        v[strcspn(v, "\"\n")] = '\0';
        snprintf(out, size, "%s", v);
        found = 1;
    }
    fclose(f);
    return found;
}

void smp_bench_begin(smp_bench_report *r, const char *bench) {
    memset(r, 0, sizeof *r);
    r->bench = bench;
    char text[256];
    if (!read_keyed("/proc/cpuinfo", "model name", ':', text, sizeof text) &&
        !read_keyed("/proc/cpuinfo", "Hardware", ':', text, sizeof text))
        snprintf(text, sizeof text, "unknown");
    smp_bench_context_text(r, "cpu_model", text);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    r->cores = cores > 0 ? (int)cores : 1;
    smp_bench_context_number(r, "logical_cores", r->cores, 0);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    smp_bench_context_number(
        r, "memory_gib", pages > 0 && page > 0 ? (double)pages * (double)page / 1073741824.0 : NAN,
        1);
    if (!read_keyed("/etc/os-release", "PRETTY_NAME", '=', text, sizeof text))
        snprintf(text, sizeof text, "unknown");
    smp_bench_context_text(r, "os", text);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(text, sizeof text, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(text, sizeof text, "unknown");
    smp_bench_context_text(r, "kernel", text);
    smp_bench_context_text(r, "smpsim_version", SMP_VERSION_STRING);
    smp_bench_context_text(r, "commit", smp_build_commit);
    smp_bench_context_text(r, "build_type", SMP_BUILD_TYPE);
    smp_bench_context_text(r, "compiler", SMP_BUILD_COMPILER);
    smp_bench_context_text(r, "c_flags", SMP_BUILD_C_FLAGS);
    smp_bench_context_text(r, "simd_built", smp_build_simd_paths());
    smp_bench_context_text(r, "simd_best", smp_simd_name(smp_simd_best()));
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc) && strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc))
        smp_bench_context_text(r, "date_utc", text);
    r->load_1m = -1.0;
    double load[3];
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) == 3) {
        r->load_1m = load[0];
        smp_bench_context_number(r, "load_avg_1m", load[0], 2);
        smp_bench_context_number(r, "load_avg_5m", load[1], 2);
        smp_bench_context_number(r, "load_avg_15m", load[2], 2);
    } else {
        smp_bench_context_text(r, "load_avg_1m", "unknown");
    }
    if (f) fclose(f);
}

/* ---- Statistics and warnings ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void smp_bench_stats_of(double *ms, int n, smp_bench_stats *out) {
    *out = (smp_bench_stats){.runs = n > 0 ? n : 0};
    if (n <= 0) return;
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += ms[i];
    out->mean = sum / n;
    out->median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
    out->min = ms[0];
    out->max = ms[n - 1];
    out->spread_pct = out->median > 0.0 ? 100.0 * (out->max - out->min) / out->median : 0.0;
}

/* "rule=poisson count=10000 simd=avx2 threads=2": the row's parameters, but its thread count
 * when skip_threads. */
static void row_name(const smp_bench_row *row, int skip_threads, char *out, size_t size) {
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < row->param_count && n < size; ++i) {
        if (skip_threads && strcmp(row->params[i].key, "threads") == 0) continue;
        char v[160];
        value_text(&row->params[i], v, sizeof v);
        n += (size_t)snprintf(out + n, size - n, "%s%s=%s", n ? " " : "", row->params[i].key, v);
    }
}

/* Whether two rows have the same parameters but their thread counts. */
static int same_but_threads(const smp_bench_row *a, const smp_bench_row *b) {
    if (a->param_count != b->param_count) return 0;
    for (int i = 0; i < a->param_count; ++i) {
        const smp_bench_field *x = &a->params[i], *y = &b->params[i];
        if (strcmp(x->key, y->key) != 0) return 0;
        if (strcmp(x->key, "threads") == 0) continue;
        if (x->decimals != y->decimals || strcmp(x->text, y->text) != 0 || x->number != y->number)
            return 0;
    }
    return 1;
}

static void warn(smp_bench_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(smp_bench_report *r, const char *fmt, ...) {
    if (r->warning_count >= SMP_BENCH_MAX_WARNINGS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings[r->warning_count++], sizeof r->warnings[0], fmt, ap);
    va_end(ap);
}

int smp_bench_check(smp_bench_report *r) {
    r->warning_count = 0;
    if (r->load_1m > (double)r->cores - SMP_BENCH_LOAD_MARGIN)
        warn(r,
             "the 1-minute load average was %.2f at start, on %d logical cores (above %.1f): "
             "other work competed for the machine",
             r->load_1m, r->cores, (double)r->cores - SMP_BENCH_LOAD_MARGIN);
    char name[512];
    for (int i = 0; i < r->row_count; ++i) {
        const smp_bench_row *row = &r->rows[i];
        row_name(row, 0, name, sizeof name);
        if (row->ms.runs > 1 && row->ms.spread_pct > SMP_BENCH_SPREAD_WARN_PCT)
            warn(r, "%s: the runs spread over %.1f %% of their median (above %.0f %%)", name,
                 row->ms.spread_pct, SMP_BENCH_SPREAD_WARN_PCT);
        if (row->threads <= 1) continue;
        row_name(row, 1, name, sizeof name);
        for (int k = 0; k < r->row_count; ++k) {
            const smp_bench_row *one = &r->rows[k];
            if (one->threads == 1 && same_but_threads(row, one) && row->ms.median > one->ms.median)
                warn(r, "%s: %d threads took longer than 1 (median %.3f ms against %.3f ms)", name,
                     row->threads, row->ms.median, one->ms.median);
        }
    }
    return r->warning_count;
}

/* ---- Output ------------------------------------------------------------------------------ */

static const char *const k_stat_keys[] = {"runs",   "mean_ms", "median_ms",
                                          "min_ms", "max_ms",  "spread_pct"};
enum { STAT_COUNT = 6, MAX_COLUMNS = SMP_BENCH_MAX_PARAMS * 2 + SMP_BENCH_MAX_FIGURES * 2 + 6 };

static void stats_fields(const smp_bench_stats *s, smp_bench_field out[STAT_COUNT]) {
    set_number(&out[0], k_stat_keys[0], s->runs, 0);
    set_number(&out[1], k_stat_keys[1], s->mean, 3);
    set_number(&out[2], k_stat_keys[2], s->median, 3);
    set_number(&out[3], k_stat_keys[3], s->min, 3);
    set_number(&out[4], k_stat_keys[4], s->max, 3);
    set_number(&out[5], k_stat_keys[5], s->spread_pct, 1);
}

/* The row's value in column `key`, or NULL. */
static const smp_bench_field *row_field(const smp_bench_row *row, const smp_bench_field *stats,
                                        const char *key) {
    for (int i = 0; i < row->param_count; ++i)
        if (strcmp(row->params[i].key, key) == 0) return &row->params[i];
    for (int i = 0; i < STAT_COUNT; ++i)
        if (strcmp(stats[i].key, key) == 0) return &stats[i];
    for (int i = 0; i < row->figure_count; ++i)
        if (strcmp(row->figures[i].key, key) == 0) return &row->figures[i];
    return NULL;
}

static void add_column(const char **cols, int *n, const char *key) {
    for (int i = 0; i < *n; ++i)
        if (strcmp(cols[i], key) == 0) return;
    if (*n < MAX_COLUMNS) cols[(*n)++] = key;
}

/* Every column, in order: the parameters, the statistics, the figures, each as first seen. */
static int columns(const smp_bench_report *r, const char **cols) {
    int n = 0;
    for (int i = 0; i < r->row_count; ++i)
        for (int k = 0; k < r->rows[i].param_count; ++k)
            add_column(cols, &n, r->rows[i].params[k].key);
    for (int k = 0; k < STAT_COUNT; ++k) add_column(cols, &n, k_stat_keys[k]);
    for (int i = 0; i < r->row_count; ++i)
        for (int k = 0; k < r->rows[i].figure_count; ++k)
            add_column(cols, &n, r->rows[i].figures[k].key);
    return n;
}

void smp_bench_print_text(const smp_bench_report *r, FILE *out, int without_context) {
    fprintf(out, "bench %s\n", r->bench);
    if (!without_context) {
        for (int i = 0; i < r->context_count; ++i) {
            char v[160];
            value_text(&r->context[i], v, sizeof v);
            fprintf(out, "  %-18s %s\n", r->context[i].key, v);
        }
        fputc('\n', out);
    }
    const char *cols[MAX_COLUMNS];
    int n = columns(r, cols);
    int width[MAX_COLUMNS];
    smp_bench_field stats[STAT_COUNT];
    char v[160];
    for (int c = 0; c < n; ++c) width[c] = (int)strlen(cols[c]);
    for (int i = 0; i < r->row_count; ++i) {
        stats_fields(&r->rows[i].ms, stats);
        for (int c = 0; c < n; ++c) {
            const smp_bench_field *f = row_field(&r->rows[i], stats, cols[c]);
            if (!f) continue;
            value_text(f, v, sizeof v);
            if ((int)strlen(v) > width[c]) width[c] = (int)strlen(v);
        }
    }
    for (int c = 0; c < n; ++c) fprintf(out, "%s%*s", c ? "  " : "", width[c], cols[c]);
    fputc('\n', out);
    for (int i = 0; i < r->row_count; ++i) {
        stats_fields(&r->rows[i].ms, stats);
        for (int c = 0; c < n; ++c) {
            const smp_bench_field *f = row_field(&r->rows[i], stats, cols[c]);
            if (f)
                value_text(f, v, sizeof v);
            else
                snprintf(v, sizeof v, "-");
            fprintf(out, "%s%*s", c ? "  " : "", width[c], v);
        }
        fputc('\n', out);
    }
}

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_field(FILE *out, const smp_bench_field *f, int first) {
    fprintf(out, "%s", first ? "" : ", ");
    json_string(out, f->key);
    fputs(": ", out);
    if (f->decimals < 0)
        json_string(out, f->text);
    else if (!isfinite(f->number))
        fputs("null", out);
    else
        fprintf(out, "%.*f", f->decimals, f->number);
}

void smp_bench_print_json(const smp_bench_report *r, FILE *out) {
    fputs("{\"bench\": ", out);
    json_string(out, r->bench);
    fputs(", \"context\": {", out);
    for (int i = 0; i < r->context_count; ++i) json_field(out, &r->context[i], i == 0);
    fputs("}, \"results\": [", out);
    smp_bench_field stats[STAT_COUNT];
    for (int i = 0; i < r->row_count; ++i) {
        const smp_bench_row *row = &r->rows[i];
        fprintf(out, "%s{", i ? ", " : "");
        int first = 1;
        for (int k = 0; k < row->param_count; ++k, first = 0)
            json_field(out, &row->params[k], first);
        stats_fields(&row->ms, stats);
        for (int k = 0; k < STAT_COUNT; ++k, first = 0) json_field(out, &stats[k], first);
        for (int k = 0; k < row->figure_count; ++k) json_field(out, &row->figures[k], 0);
        fputc('}', out);
    }
    fputs("], \"warnings\": [", out);
    for (int i = 0; i < r->warning_count; ++i) {
        if (i) fputs(", ", out);
        json_string(out, r->warnings[i]);
    }
    fputs("]}\n", out);
}

static void csv_cell(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; ++s) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void print_csv(const smp_bench_report *r, FILE *out) {
    char v[160];
    fprintf(out, "# bench: %s\n", r->bench);
    for (int i = 0; i < r->context_count; ++i) {
        value_text(&r->context[i], v, sizeof v);
        fprintf(out, "# %s: %s\n", r->context[i].key, v);
    }
    for (int i = 0; i < r->warning_count; ++i) fprintf(out, "# warning: %s\n", r->warnings[i]);
    const char *cols[MAX_COLUMNS];
    int n = columns(r, cols);
    for (int c = 0; c < n; ++c) {
        if (c) fputc(',', out);
        csv_cell(out, cols[c]);
    }
    fputc('\n', out);
    smp_bench_field stats[STAT_COUNT];
    for (int i = 0; i < r->row_count; ++i) {
        stats_fields(&r->rows[i].ms, stats);
        for (int c = 0; c < n; ++c) {
            const smp_bench_field *f = row_field(&r->rows[i], stats, cols[c]);
            if (c) fputc(',', out);
            if (!f) continue;
            value_text(f, v, sizeof v);
            csv_cell(out, v);
        }
        fputc('\n', out);
    }
}

smp_status smp_bench_write_csv(const smp_bench_report *r, const char *path, smp_error *err) {
    if (strcmp(path, "-") == 0) {
        print_csv(r, stdout);
        return SMP_OK;
    }
    smp_atomic_file f;
    if (smp_atomic_file_open(&f, path, err) != SMP_OK) return err->status;
    print_csv(r, f.stream);
    if (ferror(f.stream)) {
        smp_atomic_file_abort(&f);
        return smp_error_set(err, SMP_ERR_IO, "%s: write failed", path);
    }
    return smp_atomic_file_commit(&f, err);
}
