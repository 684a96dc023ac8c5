/* From a scene to everything the renderer and the reports need: the head (built in or
 * imported) with its landmarks, the scalp fields, the dots of every session, the skin and the
 * ageing model. Each command builds one and draws or measures from it. */
#ifndef SMP_PIPELINE_H
#define SMP_PIPELINE_H

#include "smp/age.h"
#include "smp/blend.h"
#include "smp/camera.h"
#include "smp/dots.h"
#include "smp/fields.h"
#include "smp/hair.h"
#include "smp/landmarks.h"
#include "smp/mesh.h"
#include "smp/mesh_import.h"
#include "smp/scene.h"
#include "smp/skin.h"

typedef struct smp_pipeline {
    smp_mesh head;
    smp_bounds bounds;
    smp_landmarks landmarks;
    int imported; /* head read from a file (import holds its report) */
    smp_mesh_import_report import;
    char head_source[SMP_SCENE_PATH_MAX];
    smp_fields *fields;
    smp_dots dots;
    size_t session_dots[SMP_SCENE_MAX_SESSIONS];
    smp_hair_set hair; /* the client's own hair (empty for alopecia totalis) */
    smp_skin skin;
    smp_fringe fringe; /* the client's shaved fringe, for the blend (present 0: none) */
    smp_age_model *model;
    float skin_srgb[3];
    double head_ms, fields_ms, scatter_ms, model_ms, hair_ms;
} smp_pipeline;

typedef enum smp_pipeline_stage {
    SMP_PIPELINE_HEAD,   /* head and landmarks only */
    SMP_PIPELINE_FIELDS, /* + scalp fields */
    SMP_PIPELINE_ALL,    /* + dots, skin, model and the client's hair */
} smp_pipeline_stage;

/* Builds up to the given stage; on failure frees what it built. Errors name the scene field
 * (or the mesh file) at fault; input errors have input statuses (exit 2). */
smp_status smp_pipeline_build(const smp_scene *scene, smp_pipeline_stage stage, smp_pipeline *p,
                              smp_error *err);
void smp_pipeline_free(smp_pipeline *p);

/* How far a build has come, for a progress bar: step is called on the building thread as each
 * step begins (the head, the fields, each session's scatter, the model, the hair) with the
 * share of the work done before it and the share done once it ends, both 0..1, and once more
 * with (1, 1) at the end. Steps are weighted by stage_ms, how long each stage of a previous
 * build of a similar scene took (a pipeline's head_ms .. hair_ms), or by typical shares when
 * those are all zero; a session's scatter by the dots it is expected to place. */
typedef struct smp_pipeline_progress {
    void (*step)(void *user, double done, double after);
    void *user;
    double stage_ms[5]; /* head, fields, scatter, model, hair */
} smp_pipeline_progress;

/* How smp_pipeline_build_with builds; {0} is smp_pipeline_build. */
typedef struct smp_pipeline_options {
    /* A head already built (copied from it; head_ms is 0). It must come from a scene with the
     * same head as the scene's (smp_pipeline_same_head): the viewer's rebuilds after an edit do
     * not read the mesh file again. NULL: build or read the head. */
    const smp_pipeline *head;
    const smp_pipeline_progress *progress; /* NULL: nothing to report */
    /* 1: landmarks of an imported head that can be neither estimated nor taken from the scene
     * are guessed (p->import.landmarks_guessed, landmarks_problem) rather than failing the
     * build, so a viewer can show the head and have them clicked. Never for a picture or a
     * report: what is built on a guess is only a starting point. */
    int guess_landmarks;
} smp_pipeline_options;

smp_status smp_pipeline_build_with(const smp_scene *scene, smp_pipeline_stage stage,
                                   const smp_pipeline_options *options, smp_pipeline *p,
                                   smp_error *err);

/* The scene's landmark overrides in the head frame of p's head (whatever frame the scene writes
 * them in); bit i of the result says landmark i is overridden. */
unsigned smp_pipeline_landmark_overrides(const smp_scene *scene, const smp_pipeline *p,
                                         smp_landmarks *head_frame);

/* Sets the scene's landmark id to the head-frame point at (a point of p's head), writing it in
 * the frame the scene uses; an imported head's scene is moved to the file frame first (its
 * other overrides converted), since a point given in the head frame cannot correct the
 * estimate the head frame is built from. */
void smp_pipeline_set_landmark(smp_scene *scene, const smp_pipeline *p, smp_landmark_id id,
                               const float at[3]);

/* Whether scenes a and b ask for the same head: the same mesh from the same place, units,
 * axes, resolution and landmarks. */
int smp_pipeline_same_head(const smp_scene *a, const smp_scene *b);

/* Copies the head of from (mesh, bounds, landmarks, where it came from) into to, which must be
 * empty ({0}); nothing else. */
smp_status smp_pipeline_copy_head(const smp_pipeline *from, smp_pipeline *to, smp_error *err);

/* The per-vertex density and tissue the scene's session i asks the scatter core for
 * (density_per_cm2 and tissue hold head.vertex_count values). The density is the session's
 * own share for Poisson placement and the cumulative total for blue noise, which fills between
 * earlier sessions' dots. */
smp_status smp_pipeline_session_density(const smp_pipeline *p, const smp_scene *scene, int session,
                                        float *density_per_cm2, uint8_t *tissue, smp_error *err);

/* The density the whole plan reaches, for running the scatter core alone: every session's
 * regions at the final cumulative density, or at density_override dots/cm² when > 0. */
smp_status smp_pipeline_plan_density(const smp_pipeline *p, const smp_scene *scene,
                                     double density_override, float *density_per_cm2,
                                     smp_error *err);

/* The camera for a view of this head: framed as a clinic photograph (the head's projection
 * fills SMP_CAMERA_CLINIC_FILL of the frame's height, centred, through the clinic lens); the
 * close-up looks straight at the frontal scalp. O(head vertices). */
void smp_pipeline_camera(const smp_pipeline *p, smp_view view, float aspect, smp_camera *cam);

/* The dots the plan placed, as dots/cm² at each head vertex (density_per_cm2 holds
 * head.vertex_count values): a heat map for smp_renderer_set_vertex_scalar. Noisy at the scale
 * of one vertex's area (a few mm²: a handful of dots), as a count is. O(V + T + dots). */
smp_status smp_pipeline_vertex_dot_density(const smp_pipeline *p, float *density_per_cm2,
                                           smp_error *err);

/* Rebuilds only the skin and the ageing model of p from scene, keeping its head, fields and
 * dots: what edits of the skin and the lifestyle need (no new scatter). The scene must have
 * the sessions p's dots were scattered with. On failure p is unchanged. */
smp_status smp_pipeline_rebuild_model(const smp_scene *scene, smp_pipeline *p, smp_error *err);

/* What an edit of a scene invalidates, from the least to the most: each rebuilds its stage and
 * every stage after it that depends on it. */
typedef enum smp_pipeline_change {
    SMP_PIPELINE_UNCHANGED,      /* nothing the pipeline reads: names, views, years, training */
    SMP_PIPELINE_CHANGED_MODEL,  /* skin, the fringe's hair, session dates, sun: skin + model */
    SMP_PIPELINE_CHANGED_DOTS,   /* the plan's scatter (rule, density, needle, depth, regions,
                                    skill): dots + model */
    SMP_PIPELINE_CHANGED_FIELDS, /* hair, pattern, scars, hairline, seed: all but the head */
    SMP_PIPELINE_CHANGED_HEAD,   /* the mesh, its units, axes, resolution or landmarks: all */
} smp_pipeline_change;

/* The earliest stage a pipeline built from before must rebuild to be the one after would
 * build. Compares the inputs each stage reads; O(scars + sessions). */
smp_pipeline_change smp_pipeline_invalidated(const smp_scene *before, const smp_scene *after);

/* Brings p, built from before to SMP_PIPELINE_ALL, to what smp_pipeline_build(after) gives,
 * rebuilding only what the edit invalidates (the head is never read again unless it
 * changed). rebuilt (may be NULL) says what was rebuilt. On failure p is unchanged and still
 * matches before. */
smp_status smp_pipeline_update(const smp_scene *before, const smp_scene *after, smp_pipeline *p,
                               smp_pipeline_change *rebuilt, smp_error *err);

/* The dots and the model rebuilt alone (the edits smp_pipeline_invalidated calls
 * SMP_PIPELINE_CHANGED_DOTS), in two steps so that one thread builds while another draws p:
 * smp_pipeline_dots_build reads p's head and fields (p is not written, so it may be drawn
 * meanwhile, but must not change) and builds the dots, the skin and the model of scene s into
 * part; smp_pipeline_dots_take, on the thread that owns p, puts them into p and frees p's old
 * ones. What smp_pipeline_update does for such an edit, split. On failure part is empty. */
typedef struct smp_pipeline_dots {
    smp_pipeline p; /* shares p's head, fields and hair: only its own dots and model are freed */
} smp_pipeline_dots;
smp_status smp_pipeline_dots_build(const smp_scene *s, const smp_pipeline *p,
                                   smp_pipeline_dots *part, smp_error *err);
void smp_pipeline_dots_take(smp_pipeline *p, smp_pipeline_dots *part);
void smp_pipeline_dots_free(smp_pipeline_dots *part);

/* The ageing model's state for one time, as the renderer's dots pass takes it
 * (smp_renderer_set_dot_model): a frame's whole model. */
typedef struct smp_pipeline_frame_model {
    int sessions; /* 0: no model (an untreated scene) */
    float sk[SMP_AGE_SK_FLOATS * 4 * SMP_AGE_GLSL_MAX_SESSIONS];
    float consts[SMP_AGE_CONST_FLOATS];
} smp_pipeline_frame_model;

/* The treated skin against the client's fringe (smp/blend.h) at a time shown (smp/scene.h:
 * healed, or years after the completion of treatment). Returns 0, b untouched, when p has no
 * model or the time has none (untreated). */
int smp_pipeline_blend_at(const smp_pipeline *p, const smp_scene *s, double year, smp_blend *b);

/* When a touch-up is due (smp_blend_touch_up_due), in years after the completion of treatment:
 * INFINITY when not within 100 years. Returns 0, *due_after untouched, when p has no model. */
int smp_pipeline_touch_up_due(const smp_pipeline *p, const smp_scene *s, double *due_after);

/* The model's state t_years after the first session (smp_age_uniforms); all zero when p has
 * no model. O(sessions). */
smp_status smp_pipeline_model_at(const smp_pipeline *p, double t_years,
                                 smp_pipeline_frame_model *model, smp_error *err);

/* Where the MakeHuman head of Debian's assimp-testmodels lives ("auto" uses it if present). */
#define SMP_PIPELINE_MAKEHUMAN_PATH "/usr/share/assimp/models/Collada/human.zae"

#endif
