/*
 * smp/training.h — dots placed by hand: punctures, strokes, and the saved training session.
 *
 * In training mode a technician works on the head with a virtual machine: each click is one
 * puncture, a held stroke punctures at a set rate. A puncture becomes one dot in an smp_dots
 * set exactly like a scattered one (smp/dots.h), sized, deepened and inked by the scatter
 * core's own per-dot rule (smp/scatter.h) with the tool's needle, intended depth, dilution and
 * hand steadiness in place of the session's needle and technician skill, so the model
 * (smp/age.h), the renderer and the score (smp/score.h) treat both alike. The variation of a
 * puncture is keyed by (seed, puncture index): replaying a session gives the same dots.
 *
 *   smp_training_tool tool = {0};                 // 1RL #08, undiluted, 0.4 mm, steadiness 0.75
 *   tool.needle_points = 3; tool.dilution = 0.3f;
 *   smp_training_session *s = NULL;
 *   smp_training_session_create("crown-fill", fingerprint, seed, &s, &err);
 *   smp_training_add(s, &head, tissue, &tool, t_ms, triangle, u, v, &err);   // per puncture
 *   smp_training_session_dots(s)                  // the dots so far, for model, renderer, score
 *   smp_training_undo(s);                         // drops the last puncture
 *   smp_training_save(s, "crown.smpt.json", &err);           // atomic
 *   smp_training_load("crown.smpt.json", &head, "crown-fill", fingerprint, &s2, &err);
 *   smp_training_session_destroy(s);
 *
 * An exercise (a scene with training.enabled): smp_training_target gives the per-vertex target
 * density and tissue, smp_training_tool_of_scene the prescribed tool, smp_training_fingerprint
 * the print a session file must carry. Dots of the plan's sessions before training.session are
 * laid first and count with the trainee's (`smpsim score` scatters them; a viewer holding the
 * whole plan's dots has them as its first sessions). smp_training_expert is the reference.
 *
 * A stroke: smp_training_stroke_times says when a held stroke punctures between two pointer
 * samples; smp_training_closest_point puts any point (e.g. one interpolated along the stroke)
 * back onto the skin as a triangle and barycentrics.
 *
 * Does NOT: pick triangles under the mouse (the viewer ray-casts), decide what the exercise is
 * (the scene's `training` object), or score (smp/score.h).
 */
#ifndef SMP_TRAINING_H
#define SMP_TRAINING_H

#include <stddef.h>
#include <stdint.h>

#include "smp/dots.h"
#include "smp/fields.h"
#include "smp/mesh.h"
#include "smp/scene.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SMP_TRAINING_MAX_TOOLS = 64, /* distinct tool settings one session may use */
    SMP_TRAINING_NAME_MAX = 512,
    SMP_TRAINING_MAX_PUNCTURES = 10000000,
    SMP_TRAINING_TRAINEE_MAX = 129, /* a trainee's name: up to 128 bytes, and the NUL */
    SMP_TRAINING_DATE_MAX = 11,     /* "YYYY-MM-DD" and the NUL */
};

/* The machine and hand. Zero fields take the defaults. */
typedef struct smp_training_tool {
    int needle_points;        /* 1 = 1RL (hairline), 3 = 3RL; 0 = 1; valid 1..15 */
    float needle_diameter_mm; /* gauge: #04 0.18, #06 0.20, #08 0.25, #10 0.30; 0 = 0.25;
                                 valid 0.05..1 */
    float dilution;           /* water fraction of the ink, 0..0.95 (0 = undiluted) */
    float depth_mm;           /* intended pigment depth; 0 = 0.4; valid 0.02..3 */
    float steadiness;         /* hand steadiness, as the scatter's technician skill: spread of
                                 depth 0.05 + 0.15·(1 − s) mm, of size and ink likewise;
                                 0 = 0.75; valid 0.01..1 */
    int session;              /* index of the plan's session the dots belong to, 0..255 */
} smp_training_tool;

/* Fills every 0 with its default and checks the ranges; the error names the field. */
smp_status smp_training_tool_resolve(const smp_training_tool *in, smp_training_tool *out,
                                     smp_error *err);

/* One puncture: appends one dot at (triangle, u, v) of head to dots, whose capacity must allow
 * it. u, v are the barycentric weights of the triangle's 2nd and 3rd vertex (u, v ≥ 0,
 * u + v ≤ 1). tissue (optional, smp_tissue per vertex) gives the dot's tissue as the scatter
 * does (the class of the vertex with the largest weight). index keys the depth, size and ink
 * variation. O(1). */
smp_status smp_training_puncture(const smp_mesh *head, const uint8_t *tissue,
                                 const smp_training_tool *tool, uint64_t seed, uint32_t index,
                                 uint32_t triangle, float u, float v, smp_dots *dots,
                                 smp_error *err);

/* Puncture times of a held stroke at rate_hz (1..200) between pointer samples at t0_ms and
 * t1_ms, given the last puncture's time (or −INFINITY at the start of the stroke, which
 * punctures at t0_ms): writes up to cap times, in order, and returns how many fell due. */
size_t smp_training_stroke_times(double last_ms, double t0_ms, double t1_ms, double rate_hz,
                                 double *times_ms, size_t cap);

/* The point of head closest to p (mm): its triangle and barycentrics, and the distance.
 * O(T), exact. */
smp_status smp_training_closest_point(const smp_mesh *head, const float p[3], uint32_t *triangle,
                                      float *u, float *v, float *distance_mm, smp_error *err);

/* --- exercises (the scene's `training` object) ---------------------------------------- */

/* The exercise's target: per vertex of head, the density (dots/cm²) the scalp fields give for
 * training.regions at training.density_per_cm2 (0 = the plan's full density times the
 * density fraction of training.session), limited to training.zones when the scene names
 * any (smp_score_zone_of; 0 elsewhere), and the tissue class per vertex (either output may
 * be NULL; each holds head->vertex_count values). Refuses a scene whose training is not
 * enabled. Cost: one smp_fields_vertex_density. */
smp_status smp_training_target(const smp_scene *scene, const smp_fields *fields,
                               const smp_mesh *head, float *target_density_per_cm2, uint8_t *tissue,
                               smp_error *err);

/* What the exercise grades, in words a trainee can follow: each scored item with its weight
 * and what it asks of this exercise (the density and where, the hairline's softness, the
 * depth), the gate and the grade bands. Lines end in '\n'; the text is cut to fit size. */
void smp_training_brief(const smp_scene *scene, char *out, size_t size);

/* The tool the exercise prescribes (needle, shade, intended depth, steadiness, session). */
void smp_training_tool_of_scene(const smp_scene *scene, smp_training_tool *tool);

/* 64-bit FNV-1a over the head's positions and triangles and, when given, the target density
 * per vertex: two scenes with a different head or exercise target get different prints. */
uint64_t smp_training_fingerprint(const smp_mesh *head, const float *target_density_per_cm2);

/* The expert version of an exercise: what the scatter core's blue noise lays for the target
 * with tool (an expert's steadiness, e.g. 0.95), as the total density it aims for. base (may
 * be NULL) holds the dots of earlier sessions, which the new dots fill between; out (empty,
 * {0}) receives base followed by the new dots and is allocated here. tissue is optional.
 * Cost: one blue-noise scatter (smp/scatter.h). */
smp_status smp_training_expert(const smp_mesh *head, const float *target_density_per_cm2,
                               const uint8_t *tissue, const smp_training_tool *tool, uint64_t seed,
                               const smp_dots *base, smp_dots *out, smp_error *err);

/* Copies src's dots [0, src->count) after dst's (dst must have room). */
void smp_dots_append(smp_dots *dst, const smp_dots *src);

/* --- sessions -------------------------------------------------------------------------- */

typedef struct smp_training_session smp_training_session;

/* An empty session for the scene called scene_name with the given fingerprint. */
smp_status smp_training_session_create(const char *scene_name, uint64_t fingerprint, uint64_t seed,
                                       smp_training_session **out, smp_error *err);
void smp_training_session_destroy(smp_training_session *s);

/* Adds one puncture at t_ms (ms since the session started, ≥ the previous one) with tool:
 * the dot as smp_training_puncture makes it with index = the puncture count. Grows storage
 * as needed (amortised O(1)). */
smp_status smp_training_add(smp_training_session *s, const smp_mesh *head, const uint8_t *tissue,
                            const smp_training_tool *tool, double t_ms, uint32_t triangle, float u,
                            float v, smp_error *err);

/* Adds dots made elsewhere (an expert version, an import) as punctures period_ms apart after
 * the last one, recorded with tool, keeping each dot as it is. */
smp_status smp_training_session_add_dots(smp_training_session *s, const smp_training_tool *tool,
                                         const smp_dots *dots, double period_ms, smp_error *err);

/* Drops the last puncture (undo); returns 0 when there is none. Redo is adding it again at
 * the same time: the same index gives the same dot. */
int smp_training_undo(smp_training_session *s);

/* The session's dots (punctures in order) and their data; valid until the next change. */
const smp_dots *smp_training_session_dots(const smp_training_session *s);
const double *smp_training_session_times_ms(const smp_training_session *s);
const uint8_t *smp_training_session_tool_index(const smp_training_session *s);
const smp_training_tool *smp_training_session_tool(const smp_training_session *s, int index);
int smp_training_session_tool_count(const smp_training_session *s);
const char *smp_training_session_scene(const smp_training_session *s);
uint64_t smp_training_session_fingerprint(const smp_training_session *s);
uint64_t smp_training_session_seed(const smp_training_session *s);

/* Who did the work and when, for a class: the trainee's name (UTF-8 text under
 * SMP_TRAINING_TRAINEE_MAX bytes, no control characters) and the date as ISO 8601 writes it
 * ("2026-12-04"). Both are "" until set; "" or NULL clears. The file holds them only when set,
 * and files without them load. The error names what was expected. */
smp_status smp_training_session_set_trainee(smp_training_session *s, const char *name,
                                            smp_error *err);
smp_status smp_training_session_set_date(smp_training_session *s, const char *date, smp_error *err);
const char *smp_training_session_trainee(const smp_training_session *s);
const char *smp_training_session_date(const smp_training_session *s);

/* Today's local date, "YYYY-MM-DD" ("" if the clock cannot be read): what a save stamps. */
void smp_training_date_today(char out[SMP_TRAINING_DATE_MAX]);

/* Replay: how many punctures had been placed by t_ms (those with time ≤ t_ms; draw dots
 * [0, that count)). O(log n). */
size_t smp_training_session_count_at(const smp_training_session *s, double t_ms);

/* Writes the session as JSON (docs/TRAINING.md), atomically: a failed write leaves any
 * previous file in place. Numbers are printed so loading gives back every bit. */
smp_status smp_training_save(const smp_training_session *s, const char *path, smp_error *err);

/* Reads a session for head. expect_scene / expect_fingerprint (NULL / 0 to skip) reject a file
 * made on another scene. Every dot must lie on head (smp_dots_check_on_mesh) and be valid for
 * the model; errors name the file and the entry ("s.json: punctures[17]: triangle 99999 out of
 * range (the head has 5000)") with SMP_ERR_FORMAT, or SMP_ERR_IO when unreadable. */
smp_status smp_training_load(const char *path, const smp_mesh *head, const char *expect_scene,
                             uint64_t expect_fingerprint, smp_training_session **out,
                             smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
