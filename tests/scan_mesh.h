/* A scan as they come, for tests: the built-in head facing -X, in centimetres, with the neck
 * open, holes where the eyes are and the nose lost (a scanner sees little under it), so there
 * is no hollow above a nose tip and the nasion cannot be estimated. The built-in head's true
 * landmarks are still on what is left. */
#ifndef SMP_TESTS_SCAN_MESH_H
#define SMP_TESTS_SCAN_MESH_H

#include "smp/landmarks.h"
#include "smp/mesh.h"

/* file = SCAN_MESH_CM_PER_MM * rows . head */
#define SCAN_MESH_CM_PER_MM 0.1f
extern const float scan_mesh_rows[9];

/* A head-frame point in the scan file's coordinates. */
void scan_mesh_to_file(const float head[3], float file[3]);

/* Writes head (the built-in head, any resolution) as the scan, an OBJ; 0 on success. */
int scan_mesh_write(const char *path, const smp_mesh *head);

#endif
