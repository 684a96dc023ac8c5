#include "smp/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli_options.h"
#include "smp/number.h"
#include "smp/scene.h"

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    fprintf(stderr, "smpsim %s: ", cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'smpsim %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *cmd, const smp_error *err) {
    fprintf(stderr, "smpsim %s: %s\n", cmd, err->message);
    return smp_status_is_input_error(err->status) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

smp_status cli_parse_int(const char *option, const char *text, long lo, long hi, long *out,
                         smp_error *err) {
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0')
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected a whole number, got '%s'",
                             option, text);
    if (v < lo || v > hi)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: %ld is out of range %ld..%ld", option,
                             v, lo, hi);
    *out = v;
    return SMP_OK;
}

smp_status cli_parse_size(const char *text, int *width, int *height, smp_error *err) {
    const char *x = strchr(text, 'x');
    if (!x || x == text || x[1] == '\0')
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "--size: expected WIDTHxHEIGHT such as 1280x720, got '%s'", text);
    char w_text[32];
    size_t w_len = (size_t)(x - text);
    if (w_len >= sizeof w_text)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "--size: '%s' is not a size", text);
    memcpy(w_text, text, w_len);
    w_text[w_len] = '\0';
    long w, h;
    smp_status s = cli_parse_int("--size width", w_text, 16, 8192, &w, err);
    if (s == SMP_OK) s = cli_parse_int("--size height", x + 1, 16, 8192, &h, err);
    if (s != SMP_OK) return s;
    *width = (int)w;
    *height = (int)h;
    return SMP_OK;
}

int cli_split_list(char *text, char **items, int max) {
    int n = 0;
    for (char *p = text;;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        if (*p == '\0' || n == max) return -1;
        items[n++] = p;
        if (!comma) return n;
        p = comma + 1;
    }
}

smp_status cli_parse_number(const char *option, const char *text, double lo, double hi, double *out,
                            smp_error *err) {
    double v = 0;
    if (!smp_parse_decimal(text, &v))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected a number, got '%s'", option,
                             text);
    if (v < lo || v > hi)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: %g is out of range %g..%g", option, v,
                             lo, hi);
    *out = v;
    return SMP_OK;
}

smp_status cli_parse_size_value(const char *option, const char *text, void *dst, smp_error *err) {
    (void)option; /* cli_parse_size names --size */
    cli_size *size = dst;
    return cli_parse_size(text, &size->width, &size->height, err);
}

smp_status cli_parse_times(const char *option, const char *text, int max, double *out, int *count,
                           smp_error *err) {
    char list[512], *items[CLI_MAX_TIMES];
    int n = snprintf(list, sizeof list, "%s", text) < (int)sizeof list && max <= CLI_MAX_TIMES
                ? cli_split_list(list, items, max)
                : -1;
    if (n < 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected 1 to %d comma-separated times",
                             option, max);
    for (int i = 0; i < n; ++i) {
        if (smp_year_parse(items[i], &out[i], err) != SMP_OK) {
            smp_error_prefix(err, "%s", option);
            return err->status;
        }
        if (i > 0 && smp_year_order(out[i]) <= smp_year_order(out[i - 1]))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "%s: '%s' after '%s': expected times in increasing order "
                                 "(untreated, healed, then years after completion)",
                                 option, items[i], items[i - 1]);
    }
    *count = n;
    return SMP_OK;
}

smp_status cli_parse_times_value(const char *option, const char *text, void *dst, smp_error *err) {
    cli_times *times = dst;
    return cli_parse_times(option, text, CLI_MAX_TIMES, times->t, &times->count, err);
}

static const cli_word k_backends[] = {
    {"auto", SMP_GL_AUTO}, {"egl", SMP_GL_EGL}, {"sdl-offscreen", SMP_GL_SDL_OFFSCREEN}, {NULL, 0}};

const cli_option cli_msaa_options[] = {
    CLI_INT("msaa", "N", "samples per pixel for anti-aliasing, {range} (default: 4)", cli_gl_args,
            msaa, 1, 16),
    {0},
};

const cli_option cli_gl_options[] = {
    CLI_WORD("gl", "BACKEND", "{words} (default: auto = EGL, then SDL)", cli_gl_args, backend,
             k_backends),
    {0},
};
