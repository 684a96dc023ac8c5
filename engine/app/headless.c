#include "headless.h"

#include <string.h>
#include <time.h>

#include "cli.h"
#include "smp/head.h"

double headless_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

smp_status headless_open(headless *h, smp_gl_backend backend, int msaa_samples, smp_error *err) {
    smp_gl_context_desc gd = {.backend = backend};
    return headless_open_desc(h, &gd, msaa_samples, err);
}

smp_status headless_open_desc(headless *h, const smp_gl_context_desc *gd, int msaa_samples,
                              smp_error *err) {
    memset(h, 0, sizeof *h);
    smp_status s = smp_gl_context_create(gd, &h->gl, err);
    if (s != SMP_OK) return s;
    smp_renderer_desc rd = {.msaa_samples = msaa_samples};
    s = smp_renderer_create(&rd, &h->renderer, err);
    if (s != SMP_OK) {
        headless_close(h);
        return s;
    }
    double t0 = headless_now_ms();
    smp_head_desc hd = {0};
    smp_mesh head = {0};
    s = smp_head_build(&hd, &head, err);
    h->head_build_ms = headless_now_ms() - t0;
    if (s == SMP_OK) {
        h->head_bounds = smp_mesh_bounds(&head);
        s = smp_renderer_set_head(h->renderer, &head, err);
    }
    smp_mesh_free(&head);
    if (s != SMP_OK) headless_close(h);
    return s;
}

void headless_close(headless *h) {
    smp_renderer_destroy(h->renderer);
    smp_gl_context_destroy(h->gl);
    memset(h, 0, sizeof *h);
}

int headless_parse_gl_option(const char *cmd, const char *text, smp_gl_backend *out) {
    smp_error err = {0};
    if (smp_gl_backend_parse(text, out, &err) != SMP_OK || *out == SMP_GL_SDL_WINDOW)
        return cli_usage_error(cmd, "--gl: expected auto, egl or sdl-offscreen, got '%s'", text);
    return CLI_EXIT_OK;
}

int headless_parse_msaa_option(const char *cmd, const char *text, int *out) {
    smp_error err = {0};
    long v;
    if (cli_parse_int("--msaa", text, 1, 16, &v, &err) != SMP_OK)
        return cli_usage_error(cmd, "%s", err.message);
    *out = (int)v;
    return CLI_EXIT_OK;
}
