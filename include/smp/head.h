/*
 * smp/head.h — the built-in procedural head.
 *
 * An adult head in millimetres that needs no files: cranium, face with brow, nose, cheeks and
 * chin, ears and a neck cut below the jaw. It is generated as a closed star-shaped surface
 * around the midpoint between the ear canals (the head frame's origin): a cube-sphere grid whose
 * radius along each direction is a smooth union of anatomical primitives. Normals come from the
 * analytic surface, so vertices shared by two cube faces have identical normals and the cranium
 * shows no facets or seams.
 *
 *   smp_head_desc d = {0};          // defaults: 96 cells per cube-face edge
 *   smp_mesh head = {0};
 *   smp_head_build(&d, &head, &err);
 *
 * Cost: O(resolution²) time and 6·(resolution+1)² vertices (≈ 56k at the default).
 *
 * Does NOT: locate landmarks or evaluate scalp fields (those belong to the head frame), or
 * import meshes.
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

#ifdef __cplusplus
}
#endif
#endif
