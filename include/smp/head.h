/*
 * smp/head.h — the built-in procedural head.
 *
 * An adult head in millimetres that needs no files: cranium, face with brow, nose, cheeks and
 * chin, ears and a neck cut below the jaw. It is generated as a closed star-shaped surface
 * around the midpoint between the ear canals (the head frame's origin): a cube-sphere grid whose
 * radius along each direction is a smooth union of anatomical primitives. Measured on the
 * default mesh: length 194 mm (glabella to opisthocranion), breadth 156 mm, circumference
 * 574 mm, area ~1610 cm² with the neck stump. Vertices shared by two cube faces coincide
 * exactly and get identical normals, so the cranium shows no facets or seams.
 *
 *   smp_head_desc d = {0};          // defaults: 96 cells per cube-face edge
 *   smp_mesh head = {0};
 *   smp_head_build(&d, &head, &err);
 *
 * Cost: O(resolution²) time and 6·(resolution+1)² vertices (≈ 56k at the default, built in
 * ~0.1-0.2 s; rows are spread over OpenMP threads, with the same bits on any thread count).
 *
 * Its landmarks (smp/landmarks.h) come from smp_landmarks_procedural, found on this shape.
 *
 * Does NOT: evaluate scalp fields (fields.h) or import meshes.
 */
#ifndef SMP_HEAD_H
#define SMP_HEAD_H

#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smp_head_desc {
    int resolution; /* cells along each cube-face edge; 0 = 96; valid 4..1024 */
} smp_head_desc;

/* Builds the head into out (which must be empty, {0}). */
smp_status smp_head_build(const smp_head_desc *desc, smp_mesh *out, smp_error *err);

/* Distance in mm from the head-frame origin to the head surface along the unit direction dir.
 * The shape the mesh samples; exposed for tests and for placing things on the surface. */
float smp_head_radius_mm(const float dir[3]);

/* Unit directions from the origin towards the features of the shape that no extremum of the
 * surface marks: the top of the external occipital protuberance (inion, on the midline) and the
 * left lateral eye corner (+X; the right one is its mirror). Scaled by smp_head_radius_mm they
 * are the landmarks; smp_landmarks_procedural does that. */
void smp_head_feature_dirs(float inion_dir[3], float canthus_left_dir[3]);

#ifdef __cplusplus
}
#endif
#endif
