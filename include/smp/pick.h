/*
 * smp/pick.h — what the mouse points at: rays cast against a mesh.
 *
 * Training mode turns a pointer position into a puncture: the ray through that pixel of the
 * camera, the nearest triangle it meets, and where in the triangle. A bounding volume
 * hierarchy over the triangles, built once per head, answers a ray in microseconds on the
 * 124k-triangle MakeHuman head, so a stroke sampled at the display rate costs nothing.
 *
 *   smp_pick *pk = NULL;
 *   smp_pick_create(&head, &pk, &err);            // once per head: O(T log T)
 *   float o[3], d[3];
 *   smp_pick_camera_ray(&cam, width, height, mouse_x, mouse_y, o, d);
 *   smp_pick_hit hit;
 *   smp_pick_ray(pk, o, d, &hit, &err);           // hit.triangle == SMP_PICK_MISS: nothing
 *   smp_training_add(..., hit.triangle, hit.u, hit.v, ...);
 *   smp_pick_destroy(pk);
 *
 * Both faces of a triangle count (imported scans do not always agree on winding). Triangles
 * of zero area are left out. Among hits at the same distance the lowest triangle index wins,
 * so the answer is exactly the loop of smp_pick_ray_triangle over every triangle. A ray along
 * a shared edge or through a shared corner still hits: each triangle accepts barycentrics
 * 1e-5 outside itself, and the answer is pulled back inside.
 *
 * Bytes: 36 per triangle (its corners, copied in tree order) + 4 (its index) + ≤ 64 of nodes.
 *
 * Does NOT: keep a pointer to the mesh (it copies what it needs), follow a mesh that changes
 * after creation, or know about windows beyond the pixel → ray conversion.
 */
#ifndef SMP_PICK_H
#define SMP_PICK_H

#include <stdint.h>

#include "smp/camera.h"
#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMP_PICK_MISS UINT32_MAX

typedef struct smp_pick_hit {
    uint32_t triangle; /* SMP_PICK_MISS when the ray meets nothing */
    float u, v;        /* barycentric weights of the triangle's 2nd and 3rd vertex */
    float distance;    /* along the ray, in units of |direction| (mm for a unit direction) */
    float point[3];    /* origin + distance · direction, mm */
} smp_pick_hit;

typedef struct smp_pick smp_pick;

/* Builds the hierarchy over mesh's triangles. Refuses a mesh with an index out of range or a
 * position that is not finite, naming the first. A mesh whose triangles all have zero area
 * gives a picker that always misses. */
smp_status smp_pick_create(const smp_mesh *mesh, smp_pick **out, smp_error *err);
void smp_pick_destroy(smp_pick *pick);

/* Triangles the hierarchy holds (those of non-zero area). */
uint32_t smp_pick_triangle_count(const smp_pick *pick);

/* The nearest hit at distance > 0 of the ray origin + s · direction. Refuses a direction of
 * zero length or any component that is not finite. A miss is SMP_OK with hit->triangle ==
 * SMP_PICK_MISS. O(log T) for a ray that meets the surface once or twice. */
smp_status smp_pick_ray(const smp_pick *pick, const float origin[3], const float direction[3],
                        smp_pick_hit *hit, smp_error *err);

/* One triangle (corners a, b, c) against the ray, as smp_pick_ray tests it (Möller–Trumbore,
 * both faces, 1e-5 slack at the edges): returns 1 and fills *distance, *u, *v (u, v ≥ 0,
 * u + v ≤ 1) when the ray meets it at distance > 0, 0 otherwise (also for a triangle of zero
 * area). */
int smp_pick_ray_triangle(const float origin[3], const float direction[3], const float a[3],
                          const float b[3], const float c[3], float *distance, float *u, float *v);

/* The ray from cam's eye through the window point (x, y) in pixels (origin top left, y down;
 * a pixel's centre is at +0.5) of a width × height view, matching smp_camera_matrices at
 * aspect width / height. direction is unit length. */
void smp_pick_camera_ray(const smp_camera *cam, int width, int height, float x, float y,
                         float origin[3], float direction[3]);

#ifdef __cplusplus
}
#endif
#endif
