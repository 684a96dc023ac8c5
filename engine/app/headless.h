/* A GL session with a scene built and uploaded: what `render`, `view` and `bench render`
 * share. The scene's pipeline (head, fields, dots, model) is built before GL starts, so input
 * errors are reported before any GL work. */
#ifndef SMP_APP_HEADLESS_H
#define SMP_APP_HEADLESS_H

#include "pipeline.h"
#include "smp/camera.h"
#include "smp/gl_context.h"
#include "smp/mesh.h"
#include "smp/renderer.h"

typedef struct headless {
    smp_gl_context *gl;
    smp_renderer *renderer;
    pipeline p;
    smp_bounds head_bounds;
    double head_build_ms;
} headless;

/* Builds the scene's pipeline, brings up GL as described, uploads the head, the dots and the
 * client's hair. */
smp_status headless_open_scene(headless *h, const smp_gl_context_desc *gd, int msaa_samples,
                               const smp_scene *scene, smp_error *err);

/* The same with a headless backend (SMP_GL_AUTO unless told). */
smp_status headless_open(headless *h, smp_gl_backend backend, int msaa_samples,
                         const smp_scene *scene, smp_error *err);
void headless_close(headless *h);

/* The ageing model's state for one year, as smp_renderer_set_dot_model takes it. */
typedef struct headless_model_state {
    int sessions; /* 0: no model (an untreated scene) */
    float sk[SMP_AGE_SK_FLOATS * 4 * SMP_RENDERER_MAX_SESSIONS];
    float consts[SMP_AGE_CONST_FLOATS];
} headless_model_state;

/* A frame of the scene at t_years, without GL: the client's skin colour and the year go into
 * frame, the ageing model's state for that year into model. */
smp_status headless_frame_state(const headless *h, double t_years, smp_frame_desc *frame,
                                headless_model_state *model, smp_error *err);

/* Hands a year's model state to the renderer (nothing when the scene has no model). */
smp_status headless_set_model(headless *h, const headless_model_state *model, smp_error *err);

/* Prepares a frame of the scene at t_years: the client's skin colour, and the ageing model's
 * state for that year handed to the renderer. */
smp_status headless_frame(headless *h, double t_years, smp_frame_desc *frame, smp_error *err);

/* Monotonic time in milliseconds. */
double headless_now_ms(void);

/* Parses the --gl and --msaa option values shared by the GL commands. */
int headless_parse_gl_option(const char *cmd, const char *text, smp_gl_backend *out);
int headless_parse_msaa_option(const char *cmd, const char *text, int *out);

/* The three caption lines of a scene's contact sheet: who the client is, what the plan does,
 * how they live. Shared by `smpsim render --sheet` and the viewer's sheet export. */
void headless_describe_scene(const smp_scene *s, char lines[3][256]);

/* The sheet's line that says what its times count from: the completion of treatment, the day
 * of the last session, and what "healed" means. */
void headless_describe_times(const smp_scene *s, char *line, size_t size);

/* Sheets crop each render about its centre to this width / height, a clinic photograph's 4:5
 * portrait: a framed head loses nothing, and a grid of five views stays legible on a page. */
#define HEADLESS_SHEET_CELL_ASPECT 0.8f

/* A sheet row's label for a time: the time, then the blend at it from the model
 * (smp/blend.h): how much darker than bare skin the treated area and the fringe are, and
 * CIEDE2000 between them. */
void headless_blend_label(const headless *h, const smp_scene *s, double year, char *out,
                          size_t size);

/* " · touch-up due N years after completion" (smp_blend_touch_up_due), or empty. */
void headless_describe_due(const headless *h, const smp_scene *s, char *line, size_t size);

#endif
