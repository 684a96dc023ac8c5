/*
 * smp/landmarks.h — the head frame and its anatomical landmarks.
 *
 * Every clinical rule (hairline height, Norwood zones, where a strip scar runs) is written in
 * the head frame, so one scene works on any head. The frame: origin at the midpoint between the
 * two ear canals (tragion), +Y up, +Z the direction the face looks, +X towards the client's
 * left ear; millimetres. Meshes are brought into this frame when they are built or imported.
 *
 * Landmarks are points on the surface of the head in that frame:
 *
 *   smp_landmarks lm;
 *   smp_landmarks_procedural(&lm);                     // built-in head: exact
 *   smp_landmarks_estimate(&mesh, &lm, &err);          // imported head: estimated
 *   smp_landmarks_check_on_surface(&mesh, &lm, 2.0f, &err);
 *
 * Does NOT: move or scale meshes (mesh import does), or evaluate scalp fields (fields.h).
 */
#ifndef SMP_LANDMARKS_H
#define SMP_LANDMARKS_H

#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_landmark_id {
    SMP_LM_GLABELLA,      /* most forward point of the brow ridge between the eyebrows */
    SMP_LM_NASION,        /* deepest point of the bridge of the nose, below the glabella */
    SMP_LM_VERTEX,        /* highest point of the cranium */
    SMP_LM_INION,         /* external occipital protuberance, at the back */
    SMP_LM_TRAGION_LEFT,  /* ear canal, client's left (+X) */
    SMP_LM_TRAGION_RIGHT, /* ear canal, client's right (-X) */
    SMP_LM_CANTHUS_LEFT,  /* lateral eye corner, client's left (+X) */
    SMP_LM_CANTHUS_RIGHT, /* lateral eye corner, client's right (-X) */
    SMP_LM_COUNT
} smp_landmark_id;

typedef struct smp_landmarks {
    float p[SMP_LM_COUNT][3]; /* mm, head frame */
} smp_landmarks;

/* "glabella", "nasion", "vertex", "inion", "tragion_left", "tragion_right", "canthus_left",
 * "canthus_right": the names scenes use. NULL for an id out of range. */
const char *smp_landmark_name(smp_landmark_id id);

/* The id for a name above, or SMP_LM_COUNT if there is none. */
smp_landmark_id smp_landmark_from_name(const char *name);

/* The landmarks of the built-in procedural head (smp/head.h), exact to its surface. */
void smp_landmarks_procedural(smp_landmarks *out);

/* Estimates the landmarks of a mesh already in the head frame (mm, +Y up, +Z facing). Fails with
 * SMP_ERR_FORMAT and a message naming the landmark when the shape gives no usable estimate. */
smp_status smp_landmarks_estimate(const smp_mesh *mesh, smp_landmarks *out, smp_error *err);

/* smp_landmarks_estimate with some landmarks known (the user gave them): bit i of given_mask
 * says given->p[i] is known, in the mesh's frame. Known landmarks are taken as they are and
 * the rest are estimated around them: the midline profile is cut through a given nasion, the
 * glabella is searched above it, and the ear-canal height follows the nasion and vertex, given
 * or found. With guess = 0 a landmark the shape gives no estimate of is an error naming it.
 * With guess = 1 it is placed by rough head proportions instead (a starting point for someone
 * to correct by hand, never a measurement), its bit is set in *guessed (may be NULL), and
 * err keeps the message the first such landmark would have failed with while SMP_OK is
 * returned. */
smp_status smp_landmarks_estimate_given(const smp_mesh *mesh, const smp_landmarks *given,
                                        unsigned given_mask, int guess, smp_landmarks *out,
                                        unsigned *guessed, smp_error *err);

/* Checks each landmark lies within tolerance_mm of the mesh surface; the error names the first
 * landmark that does not and its distance. O(T) per landmark. */
smp_status smp_landmarks_check_on_surface(const smp_mesh *mesh, const smp_landmarks *lm,
                                          float tolerance_mm, smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
