/*
 * smp/mesh.h — indexed triangle meshes in millimetres.
 *
 * The head, imported scans and anything else the renderer draws is an smp_mesh: parallel
 * arrays of positions, normals and UVs, and a triangle index list. Positions are in mm in the
 * head frame: +Y up, +Z the direction the face looks, +X towards the client's left ear.
 *
 *   smp_mesh m = {0};
 *   smp_mesh_alloc(&m, vertex_count, triangle_count, &err);
 *   ... fill m.positions, m.uvs, m.indices ...
 *   smp_mesh_compute_normals(&m);
 *   smp_mesh_free(&m);
 *
 * Bytes per vertex: 32 (12 position + 12 normal + 8 UV); per triangle: 12.
 *
 * Does NOT: load files (mesh import does), weld vertices, or own GL buffers.
 */
#ifndef SMP_MESH_H
#define SMP_MESH_H

#include <stdint.h>

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smp_mesh {
    uint32_t vertex_count;
    uint32_t triangle_count;
    float *positions;  /* vertex_count * 3, mm */
    float *normals;    /* vertex_count * 3, unit length */
    float *uvs;        /* vertex_count * 2, in [0, 1] */
    uint32_t *indices; /* triangle_count * 3, counter-clockwise seen from outside */
} smp_mesh;

typedef struct smp_bounds {
    float min[3];
    float max[3];
} smp_bounds;

/* Allocates zero-filled arrays for the given counts (at least 3 vertices and 1 triangle). */
smp_status smp_mesh_alloc(smp_mesh *m, uint32_t vertex_count, uint32_t triangle_count,
                          smp_error *err);
void smp_mesh_free(smp_mesh *m);

/* Area-weighted vertex normals from the triangles. Vertices with bit-identical positions
 * (split only for UVs) get the same normal, so seams do not show. O(T + V log V); allocates
 * 16 bytes per vertex of scratch. */
void smp_mesh_compute_normals(smp_mesh *m);

/* Axis-aligned bounds of all vertices. */
smp_bounds smp_mesh_bounds(const smp_mesh *m);

/* Total surface area in mm². */
double smp_mesh_area_mm2(const smp_mesh *m);

/* Each vertex's share of the surface: a third of the area of every triangle it belongs to, in
 * mm² (area_mm2 holds vertex_count values, which sum to the mesh's area). What a per-vertex
 * density is measured against. O(V + T). */
void smp_mesh_vertex_areas_mm2(const smp_mesh *m, double *area_mm2);

/* Checks indices are in range and every position, normal and UV is finite; the message names
 * the first offending vertex or triangle. */
smp_status smp_mesh_validate(const smp_mesh *m, smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
