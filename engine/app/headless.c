#include "headless.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

double headless_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

smp_status headless_open_scene(headless *h, const smp_gl_context_desc *gd, int msaa_samples,
                               const smp_scene *scene, smp_error *err) {
    memset(h, 0, sizeof *h);
    double t0 = headless_now_ms();
    smp_status s = pipeline_build(scene, PIPELINE_ALL, &h->p, err);
    if (s != SMP_OK) return s;
    h->head_build_ms = headless_now_ms() - t0;
    h->head_bounds = h->p.bounds;
    if ((s = smp_gl_context_create(gd, &h->gl, err)) != SMP_OK) {
        headless_close(h);
        return s;
    }
    smp_renderer_desc rd = {.msaa_samples = msaa_samples};
    if ((s = smp_renderer_create(&rd, &h->renderer, err)) == SMP_OK &&
        (s = smp_renderer_set_head(h->renderer, &h->p.head, err)) == SMP_OK &&
        (s = smp_renderer_set_dots(h->renderer, &h->p.dots, err)) == SMP_OK)
        s = smp_renderer_set_hair(h->renderer, &h->p.hair, err);
    if (s != SMP_OK) headless_close(h);
    return s;
}

smp_status headless_open(headless *h, smp_gl_backend backend, int msaa_samples,
                         const smp_scene *scene, smp_error *err) {
    smp_gl_context_desc gd = {.backend = backend};
    return headless_open_scene(h, &gd, msaa_samples, scene, err);
}

void headless_close(headless *h) {
    smp_renderer_destroy(h->renderer);
    smp_gl_context_destroy(h->gl);
    pipeline_free(&h->p);
    memset(h, 0, sizeof *h);
}

smp_status headless_frame_state(const headless *h, double t_years, smp_frame_desc *frame,
                                headless_model_state *model, smp_error *err) {
    for (int k = 0; k < 3; ++k) frame->skin_srgb[k] = h->p.skin_srgb[k];
    if (h->p.skin.fitzpatrick) /* resolved: a pipeline built to its model */
        smp_frame_set_skin_optics(frame, &h->p.skin);
    frame->t_years = (float)t_years;
    memset(model, 0, sizeof *model);
    if (!h->p.model) return SMP_OK;
    model->sessions = smp_age_session_count(h->p.model);
    return smp_age_uniforms(h->p.model, t_years, model->sk, model->consts, err);
}

smp_status headless_set_model(headless *h, const headless_model_state *model, smp_error *err) {
    if (!h->p.model) return SMP_OK;
    return smp_renderer_set_dot_model(h->renderer, model->sk, model->sessions, model->consts, err);
}

smp_status headless_frame(headless *h, double t_years, smp_frame_desc *frame, smp_error *err) {
    headless_model_state model;
    smp_status s = headless_frame_state(h, t_years, frame, &model, err);
    return s == SMP_OK ? headless_set_model(h, &model, err) : s;
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

void headless_describe_scene(const smp_scene *s, char lines[3][256]) {
    static const char *const patterns[] = {"no pattern", "Norwood", "Ludwig", "alopecia totalis"};
    static const char *const fitz[] = {"I", "II", "III", "IV", "V", "VI"};
    snprintf(lines[0], 256, "Skin MST %d, Fitzpatrick %s · %s %.16s", s->client.mst,
             fitz[s->client.fitzpatrick - 1], patterns[s->client.pattern],
             s->client.pattern == SMP_PATTERN_NORWOOD || s->client.pattern == SMP_PATTERN_LUDWIG
                 ? s->client.stage
                 : "");
    const smp_scene_plan *p = &s->plan;
    int touch_ups = 0;
    for (int i = 0; i < p->session_count; ++i)
        touch_ups += p->sessions[i].kind == SMP_SESSION_TOUCH_UP;
    char sessions[64];
    if (touch_ups)
        snprintf(sessions, sizeof sessions, "%d sessions + %d touch-up%s",
                 p->session_count - touch_ups, touch_ups, touch_ups > 1 ? "s" : "");
    else
        snprintf(sessions, sizeof sessions, "%d sessions", p->session_count);
    snprintf(lines[1], 256, "%s · %.0f dots/cm² · depth %.2f mm · hairline %.0f mm", sessions,
             p->full_density_per_cm2, p->session_count ? p->sessions[0].depth_mm : 0.0,
             p->hairline_height_mm);
    snprintf(lines[2], 256, "Outdoors %.1f h/day · sunscreen %s", s->outdoor_hours_per_day,
             s->sunscreen_spf <= 1 ? "none" : "SPF");
    if (s->sunscreen_spf > 1) {
        size_t n = strlen(lines[2]);
        snprintf(lines[2] + n, 256 - n, " %.0f", s->sunscreen_spf);
    }
}

void headless_describe_times(const smp_scene *s, char *line, size_t size) {
    int last = (int)(smp_scene_completion_years(s) * 365.25 + 0.5);
    if (s->plan.session_count == 0)
        snprintf(line, size, "No treatment planned: every time shows the untreated scalp");
    else
        snprintf(line, size,
                 "Years count from the completion of treatment (the last session, day %d); "
                 "healed = %d days after it",
                 last, SMP_HEALED_DAYS);
}

void headless_blend_label(const headless *h, const smp_scene *s, double year, char *out,
                          size_t size) {
    smp_year_label(year, out, size);
    double t;
    smp_blend b;
    if (!h->p.model || !smp_scene_model_years(s, year, &t) ||
        smp_blend_eval(h->p.model, &h->p.fringe, SMP_TISSUE_SKIN, t, &b, NULL) != SMP_OK)
        return;
    size_t n = strlen(out);
    if (h->p.fringe.present)
        snprintf(out + n, size - n, " · darker: treated %.0f %%, fringe %.0f %% · ΔE00 %.1f",
                 100.0 * b.treated_darkening, 100.0 * b.fringe_darkening, b.delta_e_treated_fringe);
    else
        snprintf(out + n, size - n, " · treated %.0f %% darker · ΔE00 %.1f to bare skin",
                 100.0 * b.treated_darkening, b.delta_e_treated_bare);
}

void headless_describe_due(const headless *h, const smp_scene *s, char *line, size_t size) {
    double due;
    *line = '\0';
    if (!h->p.model ||
        smp_blend_touch_up_due(h->p.model, &h->p.fringe, SMP_TISSUE_SKIN, &due, NULL) != SMP_OK)
        return;
    if (isfinite(due))
        snprintf(line, size, " · touch-up due %.1f years after completion",
                 due - smp_scene_completion_years(s));
    else
        snprintf(line, size, " · no touch-up due within 100 years");
}

_Static_assert((int)SMP_AGE_CONST_FLOATS == (int)SMP_RENDERER_DOT_CONSTANTS,
               "the dots pass takes the ageing model's constants as they are");
