/* The viewer's training mode, apart from its widgets and window: a technician places dots by
 * hand on the pipeline's head, and sees them scored and projected.
 *
 * A click is one puncture where the ray through the pointer meets the head (smp/pick.h); a
 * held stroke punctures at the tool's rate along the pointer's path. The dots on screen are
 * the exercise's earlier sessions (the first sessions of the pipeline's own dots) followed by
 * the trainee's, all in the scene's session numbering, so the ageing model and the renderer
 * treat them like scattered dots. When the trainee pauses, a worker thread scores the work
 * (smp/score.h, 70–300 ms on a clinical head) and computes, once, the expert version that is
 * both the contrast reference and the projection's right-hand side.
 *
 *   view_training *t = NULL;
 *   view_training_begin(&pipeline, &scene, now_ms, &t, &err);   // exercise or free practice
 *   on a click:  view_training_stroke_begin(t, &cam, w, h, x, y, now_ms, &err);
 *   on a drag:   view_training_stroke_move(t, &cam, w, h, x, y, now_ms, &err);
 *   on release:  view_training_stroke_end(t);
 *   per frame:   if (view_training_poll(t, now_ms)) upload view_training_shown(t);
 *   view_training_undo(t); view_training_redo(t, &err);
 *   view_training_save(t, path, &err); view_training_load(t, path, &err);
 *   view_training_end(t);                                        // joins the worker
 *
 * The pipeline must stay as it is (head, model, skin, dots) from begin to end: the worker reads
 * it. Anything that rebuilds the pipeline or its model ends the training first, or waits for
 * the worker with view_training_wait.
 *
 * Does NOT: draw, upload to GL, or handle input events; the viewer does (view_frame.c,
 * cmd_view.c, view_panels.c).
 */
#ifndef SMP_VIEW_TRAINING_H
#define SMP_VIEW_TRAINING_H

#include <stddef.h>

#include "smp/camera.h"
#include "smp/pipeline.h"
#include "smp/score.h"
#include "smp/training.h"

enum {
    VIEW_TRAINING_PAUSE_MS = 350,   /* idle time before the work is scored again */
    VIEW_TRAINING_REPLAY_MS = 8000, /* a replay longer than this is sped up to fit */
};

typedef struct view_training view_training;

/* What the panel shows; copied out so the panel never holds the worker's lock. */
typedef struct view_training_status {
    int exercise;          /* the scene has a `training` object; else free practice */
    size_t punctures;      /* the trainee's */
    size_t base_dots;      /* the exercise's earlier sessions' */
    size_t redo_available; /* punctures undo has set aside */
    int scoring;           /* the worker is running */
    int score_valid;       /* score is that of the dots on screen */
    int score_stale;       /* a score is shown but the dots have changed since */
    smp_score score;       /* the trainee's, with the earlier sessions' dots */
    int expert_valid;
    smp_score expert; /* the expert version's */
    char score_error[SMP_ERROR_MESSAGE_MAX];
    int replaying;
    double replay_fraction;
    unsigned work_generation; /* changes with every change of the trainee's dots */
} view_training_status;

/* Starts training on p's head. A scene with training.enabled is an exercise: its target, its
 * tool and its session, the earlier sessions' dots as base. Any other scene is free practice
 * in session 0 of its plan on a bare head, scored against the plan's full density. now_ms is
 * the clock the session's times count from. */
smp_status view_training_begin(const smp_pipeline *p, const smp_scene *scene, double now_ms,
                               view_training **out, smp_error *err);
/* Joins the worker and frees everything. NULL is fine. */
void view_training_end(view_training *t);
/* Waits for a score in flight (its result is kept). */
void view_training_wait(view_training *t);

/* The tool the next punctures use, and the stroke rate (1..200 Hz). Invalid values are
 * refused and the tool stays as it was. */
const smp_training_tool *view_training_tool(const view_training *t);
smp_status view_training_set_tool(view_training *t, const smp_training_tool *tool, double rate_hz,
                                  smp_error *err);
double view_training_rate_hz(const view_training *t);

/* A puncture where the ray through window pixel (x, y) of a width × height view of cam meets
 * the head. *placed (optional) says whether it did: a pointer beside the head places nothing
 * and is not an error. Clears the redo list. */
smp_status view_training_puncture_at(view_training *t, const smp_camera *cam, int width, int height,
                                     float x, float y, double now_ms, int *placed, smp_error *err);

/* A held stroke: begin punctures at once (if on the head), each move punctures at the due
 * times between the previous pointer sample and this one (smp_training_stroke_times), at
 * points interpolated along the pointer's path in the window. Returns the punctures placed
 * through *placed (optional). */
smp_status view_training_stroke_begin(view_training *t, const smp_camera *cam, int width,
                                      int height, float x, float y, double now_ms, size_t *placed,
                                      smp_error *err);
smp_status view_training_stroke_move(view_training *t, const smp_camera *cam, int width, int height,
                                     float x, float y, double now_ms, size_t *placed,
                                     smp_error *err);
void view_training_stroke_end(view_training *t);

/* Undo drops the last puncture (0 when there is none); redo puts the last undone one back,
 * the same dot. */
int view_training_undo(view_training *t);
smp_status view_training_redo(view_training *t, int *redone, smp_error *err);

/* Saves the session atomically; loads one made on this scene, replacing the work only when the
 * file is good (otherwise the work stays and err says why). */
/* Who does the work: saved with the session (smp_training_session_set_trainee's rules; the
 * error names what was expected). A loaded session brings its own. */
smp_status view_training_set_trainee(view_training *t, const char *name, smp_error *err);
const char *view_training_trainee(const view_training *t);
smp_status view_training_save(const view_training *t, const char *path, smp_error *err);
smp_status view_training_load(view_training *t, const char *path, smp_error *err);

/* Replays the placement in order from the first puncture, compressed to at most
 * VIEW_TRAINING_REPLAY_MS; any edit or a second call stops it. */
void view_training_replay(view_training *t, double now_ms);
void view_training_replay_stop(view_training *t);

/* Once per frame: advances a replay, collects a finished score, starts one when the work has
 * rested VIEW_TRAINING_PAUSE_MS since its last change (force: now). Returns 1 when the dots to
 * show changed since the last call that returned 1. */
int view_training_poll(view_training *t, double now_ms, int force_score);

/* Blocks until the dots on screen are scored (automation, tests); returns the error if the
 * score failed. */
smp_status view_training_score_now(view_training *t, smp_error *err);

/* The dots to draw: base then the trainee's (or the replay's first ones). Valid until the next
 * call that changes the work. */
const smp_dots *view_training_shown(const view_training *t);
/* The expert version with base, once the worker has made it (NULL before). */
const smp_dots *view_training_expert(const view_training *t);
/* Per-vertex density error of the dots on screen as of the last score (smp_score_density_map),
 * or NULL; *generation changes whenever the map does. */
const float *view_training_heat(const view_training *t, unsigned *generation);
/* The exercise's target density per head vertex (dots/cm²). */
const float *view_training_target(const view_training *t);
/* The expert version's error map, made with it; NULL until there is one. */
const float *view_training_expert_heat(const view_training *t);

const smp_training_session *view_training_session(const view_training *t);
void view_training_status_get(view_training *t, view_training_status *out);

/* The score and the expert's, as `smpsim score --json` prints them, written atomically. */
smp_status view_training_write_score_json(view_training *t, const char *path, smp_error *err);

#endif
