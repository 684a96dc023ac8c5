/* A GL session: a scene's pipeline (smp/pipeline.h) built, a GL context up and the head, the
 * dots and the client's hair uploaded to a renderer. What `render`, `measure`, `view` and
 * `bench render` share. The pipeline is built before GL starts, so input errors are reported
 * before any GL work. Does not draw, frame or caption anything: callers do, with the renderer
 * (smp/renderer.h), the pipeline's camera and smp/describe.h. */
#ifndef SMP_GL_SESSION_H
#define SMP_GL_SESSION_H

#include "smp/camera.h"
#include "smp/gl_context.h"
#include "smp/mesh.h"
#include "smp/pipeline.h"
#include "smp/renderer.h"

typedef struct smp_gl_session {
    smp_gl_context *gl;
    smp_renderer *renderer;
    smp_pipeline p;
    smp_bounds head_bounds;
    double head_build_ms;
    int shares_gl; /* opened beside another session: its context is not this one's to close */
} smp_gl_session;

/* Builds the scene's pipeline, brings up GL as described, uploads the head, the dots and the
 * client's hair. */
smp_status smp_gl_session_open_scene(smp_gl_session *h, const smp_gl_context_desc *gd,
                                     int msaa_samples, const smp_scene *scene, smp_error *err);

/* The same with a headless backend (SMP_GL_AUTO unless told). */
smp_status smp_gl_session_open(smp_gl_session *h, smp_gl_backend backend, int msaa_samples,
                               const smp_scene *scene, smp_error *err);
/* Another scene on base's GL context (base must stay open longer): its own pipeline and
 * renderer, so scenarios are drawn one after the other without a second context or any
 * upload between them. */
smp_status smp_gl_session_open_beside(const smp_gl_session *base, int msaa_samples,
                                      const smp_scene *scene, smp_gl_session *out, smp_error *err);
/* The same with a pipeline built already (the viewer builds on a worker thread): p is moved
 * into out (left empty), also on failure, when it is freed. */
smp_status smp_gl_session_adopt_beside(const smp_gl_session *base, int msaa_samples,
                                       smp_pipeline *p, smp_gl_session *out, smp_error *err);
void smp_gl_session_close(smp_gl_session *h);

/* A frame of the scene at t_years, without GL: the client's skin colour, its optics and the
 * year go into frame, the ageing model's state for that year into model
 * (smp_pipeline_model_at). */
smp_status smp_gl_session_frame_state(const smp_gl_session *h, double t_years,
                                      smp_frame_desc *frame, smp_pipeline_frame_model *model,
                                      smp_error *err);

/* Hands a year's model state to the renderer (nothing when the scene has no model). */
smp_status smp_gl_session_set_model(smp_gl_session *h, const smp_pipeline_frame_model *model,
                                    smp_error *err);

/* Prepares a frame of the scene at t_years: frame_state, then set_model. */
smp_status smp_gl_session_frame(smp_gl_session *h, double t_years, smp_frame_desc *frame,
                                smp_error *err);

#endif
