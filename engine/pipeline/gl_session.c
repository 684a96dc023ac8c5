#include "smp/gl_session.h"

#include <string.h>

#include "smp/clock.h"

/* A renderer on the current context with the pipeline's head, dots and hair. */
static smp_status upload(smp_gl_session *h, int msaa_samples, smp_error *err) {
    smp_renderer_desc rd = {.msaa_samples = msaa_samples};
    smp_status s;
    if ((s = smp_renderer_create(&rd, &h->renderer, err)) == SMP_OK &&
        (s = smp_renderer_set_head(h->renderer, &h->p.head, err)) == SMP_OK &&
        (s = smp_renderer_set_dots(h->renderer, &h->p.dots, err)) == SMP_OK)
        s = smp_renderer_set_hair(h->renderer, &h->p.hair, err);
    return s;
}

smp_status smp_gl_session_open_scene(smp_gl_session *h, const smp_gl_context_desc *gd,
                                     int msaa_samples, const smp_scene *scene, smp_error *err) {
    memset(h, 0, sizeof *h);
    double t0 = smp_clock_ms();
    smp_status s = smp_pipeline_build(scene, SMP_PIPELINE_ALL, &h->p, err);
    if (s != SMP_OK) return s;
    h->head_build_ms = smp_clock_ms() - t0;
    h->head_bounds = h->p.bounds;
    if ((s = smp_gl_context_create(gd, &h->gl, err)) != SMP_OK) {
        smp_gl_session_close(h);
        return s;
    }
    if ((s = upload(h, msaa_samples, err)) != SMP_OK) smp_gl_session_close(h);
    return s;
}

smp_status smp_gl_session_open_beside(const smp_gl_session *base, int msaa_samples,
                                      const smp_scene *scene, smp_gl_session *out, smp_error *err) {
    memset(out, 0, sizeof *out);
    double t0 = smp_clock_ms();
    smp_status s = smp_pipeline_build(scene, SMP_PIPELINE_ALL, &out->p, err);
    if (s != SMP_OK) return s;
    out->head_build_ms = smp_clock_ms() - t0;
    out->head_bounds = out->p.bounds;
    out->gl = base->gl, out->shares_gl = 1;
    if ((s = upload(out, msaa_samples, err)) != SMP_OK) smp_gl_session_close(out);
    return s;
}

smp_status smp_gl_session_adopt_beside(const smp_gl_session *base, int msaa_samples,
                                       smp_pipeline *p, smp_gl_session *out, smp_error *err) {
    memset(out, 0, sizeof *out);
    out->p = *p;
    memset(p, 0, sizeof *p);
    out->head_bounds = out->p.bounds;
    out->gl = base->gl, out->shares_gl = 1;
    smp_status s = upload(out, msaa_samples, err);
    if (s != SMP_OK) smp_gl_session_close(out);
    return s;
}

smp_status smp_gl_session_open(smp_gl_session *h, smp_gl_backend backend, int msaa_samples,
                               const smp_scene *scene, smp_error *err) {
    smp_gl_context_desc gd = {.backend = backend};
    return smp_gl_session_open_scene(h, &gd, msaa_samples, scene, err);
}

void smp_gl_session_close(smp_gl_session *h) {
    smp_renderer_destroy(h->renderer);
    if (!h->shares_gl) smp_gl_context_destroy(h->gl);
    smp_pipeline_free(&h->p);
    memset(h, 0, sizeof *h);
}

smp_status smp_gl_session_frame_state(const smp_gl_session *h, double t_years,
                                      smp_frame_desc *frame, smp_pipeline_frame_model *model,
                                      smp_error *err) {
    for (int k = 0; k < 3; ++k) frame->skin_srgb[k] = h->p.skin_srgb[k];
    if (h->p.skin.fitzpatrick) /* resolved: a pipeline built to its model */
        smp_frame_set_skin_optics(frame, &h->p.skin);
    frame->t_years = (float)t_years;
    return smp_pipeline_model_at(&h->p, t_years, model, err);
}

smp_status smp_gl_session_set_model(smp_gl_session *h, const smp_pipeline_frame_model *model,
                                    smp_error *err) {
    if (!h->p.model) return SMP_OK;
    return smp_renderer_set_dot_model(h->renderer, model->sk, model->sessions, model->consts, err);
}

smp_status smp_gl_session_frame(smp_gl_session *h, double t_years, smp_frame_desc *frame,
                                smp_error *err) {
    smp_pipeline_frame_model model;
    smp_status s = smp_gl_session_frame_state(h, t_years, frame, &model, err);
    return s == SMP_OK ? smp_gl_session_set_model(h, &model, err) : s;
}

_Static_assert((int)SMP_AGE_GLSL_MAX_SESSIONS <= (int)SMP_RENDERER_MAX_SESSIONS,
               "the dots pass holds every session a frame's model has");
_Static_assert((int)SMP_AGE_CONST_FLOATS == (int)SMP_RENDERER_DOT_CONSTANTS,
               "the dots pass takes the ageing model's constants as they are");
