#include "smp/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cli_not_yet(const char *cmd, int argc, char **argv, const char *usage, const char *what) {
    for (int i = 1; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: smpsim %s %s\n\n%s\n\nNot available yet in this version: the command "
                   "exits with status 1.\n",
                   cmd, usage, what);
            return CLI_EXIT_OK;
        }
    fprintf(stderr, "smpsim %s: not available yet in this version\n", cmd);
    return CLI_EXIT_FAILURE;
}

smp_status cli_parse_number(const char *option, const char *text, double lo, double hi, double *out,
                            smp_error *err) {
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || v != v)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected a number, got '%s'", option,
                             text);
    if (v < lo || v > hi)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: %g is out of range %g..%g", option, v,
                             lo, hi);
    *out = v;
    return SMP_OK;
}

int cli_parse_gl_option(const char *cmd, const char *text, smp_gl_backend *out) {
    smp_error err = {0};
    if (smp_gl_backend_parse(text, out, &err) != SMP_OK || *out == SMP_GL_SDL_WINDOW)
        return cli_usage_error(cmd, "--gl: expected auto, egl or sdl-offscreen, got '%s'", text);
    return CLI_EXIT_OK;
}

int cli_parse_msaa_option(const char *cmd, const char *text, int *out) {
    smp_error err = {0};
    long v;
    if (cli_parse_int("--msaa", text, 1, 16, &v, &err) != SMP_OK)
        return cli_usage_error(cmd, "%s", err.message);
    *out = (int)v;
    return CLI_EXIT_OK;
}
