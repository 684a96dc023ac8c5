/*
 * smp/mesh_ops.h — repairs and refinements applied to a mesh after it is read.
 *
 * Scans and exported models arrive as triangle soups: every corner its own vertex, slivers of
 * zero area, large flat triangles on the cranium, a whole body where only the head is wanted.
 * These operations turn such a soup into a welded, clean, finely and smoothly tessellated head.
 * Each works in place on an smp_mesh and replaces its arrays (which stay sized to the counts);
 * normals are left stale unless the function says otherwise, so finish with
 * smp_mesh_compute_normals.
 *
 *   smp_mesh_weld(&m, 1e-4f, &merged, &err);              // share coincident corners
 *   smp_mesh_drop_degenerate(&m, 0.0, &dropped, &err);    // remove zero-area triangles
 *   smp_mesh_topology_stats(&m, &topo, &err);             // boundary / non-manifold edges
 *   smp_mesh_cut_plane(&m, up, neck_height, &cut, &err);  // keep the head, drop the body
 *   smp_mesh_subdivide(&m, 2.0f, 0, &passes, &err);       // smooth, edges <= 2 mm
 *   smp_mesh_compute_normals(&m);
 *
 * UV seams are kept: the two sides are separate vertices at one bit-identical position, and
 * every operation computes new points from positions in an order that does not depend on
 * vertex indices, so both sides of a seam get the same new points and it never opens.
 *
 * Does NOT: read files (mesh_import.h), decide orientation or units, repair holes, or fix
 * inconsistent winding.
 */
#ifndef SMP_MESH_OPS_H
#define SMP_MESH_OPS_H

#include <stdint.h>

#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Welds vertices whose positions lie within epsilon (same units as the mesh, > 0) of a vertex
 * seen earlier: the later one takes the earlier one's exact position, and is merged into it
 * when their UVs are equal too. A UV seam thus stays a pair of vertices at one bit-identical
 * position (which smp_mesh_compute_normals shades as one and every operation here keeps
 * closed). Vertices no triangle uses are dropped. *merged_out (may be NULL) receives how
 * many vertices went. O(V) expected time (a hash grid of epsilon cells, 27 looked at per
 * vertex); allocates about 24 bytes per vertex of scratch. Positions must be finite. */
smp_status smp_mesh_weld(smp_mesh *m, float epsilon, uint32_t *merged_out, smp_error *err);

/* Drops triangles that repeat a vertex or whose area is <= min_area (mesh units squared; 0 is
 * fine for exact degeneracy), then unused vertices. *dropped_out (may be NULL) receives the
 * number of triangles removed. Fails with SMP_ERR_FORMAT when no triangle is left. O(T + V). */
smp_status smp_mesh_drop_degenerate(smp_mesh *m, double min_area, uint32_t *dropped_out,
                                    smp_error *err);

typedef struct smp_mesh_topology {
    uint32_t edge_count;                 /* distinct undirected edges */
    uint32_t boundary_edge_count;        /* edges of one triangle: holes and the neck opening */
    uint32_t nonmanifold_edge_count;     /* edges shared by three or more triangles */
    float min_edge, max_edge, mean_edge; /* edge lengths, mesh units */
} smp_mesh_topology;

/* Counts edges by how many triangles share them; vertices at bit-identical positions count as
 * one, so UV seams are not boundaries. O(T + V log V); allocates about 12 bytes per half-edge
 * and 16 per vertex of scratch. */
smp_status smp_mesh_topology_stats(const smp_mesh *m, smp_mesh_topology *out, smp_error *err);

/* Keeps the part of the mesh where dot(normal, p) >= offset; triangles crossing the plane are
 * clipped exactly, with new vertices shared between neighbours so the cut edge stays welded.
 * normal need not be unit length (offset is then in the same scaled measure). *removed_out (may
 * be NULL) receives the number of input triangles that lost some area. Fails with
 * SMP_ERR_FORMAT when nothing is left. O(T + V). */
smp_status smp_mesh_cut_plane(smp_mesh *m, const float normal[3], float offset,
                              uint32_t *removed_out, smp_error *err);

/* Splits every edge longer than target_edge (mesh units, > 0) at a point on the smooth curved
 * patch the vertex normals describe (the edge midpoint of a PN triangle), pass after pass,
 * until no edge is longer. Original vertices stay put, so the shape is kept and the flat facets
 * of a coarse model become smooth. Triangles with one, two or three long edges become two,
 * three or four; short edges are never split, so already fine regions (the face of most
 * models) are left as they are. Each pass first counts what it would produce and fails with
 * SMP_ERR_INVALID_ARG, leaving the mesh as the earlier passes made it (valid), when that passes
 * max_triangles (0 = 4 million). *passes_out (may be NULL) receives the number of passes.
 * Recomputes normals. O(T_out) per pass, plus the normals' O(V log V). */
smp_status smp_mesh_subdivide(smp_mesh *m, float target_edge, uint32_t max_triangles,
                              uint32_t *passes_out, smp_error *err);

/* p' = scale * R p + t for every position (R row-major 3x3, a rotation); normals are rotated
 * by R. O(V). */
void smp_mesh_transform(smp_mesh *m, const float rotation[9], float scale,
                        const float translation[3]);

/* Spherical UVs about centre: u from the azimuth around +Y (0.5 straight ahead, +Z), v from
 * the polar angle (1 at the top). For meshes that came without UVs. O(V). */
void smp_mesh_spherical_uvs(smp_mesh *m, const float centre[3]);

#ifdef __cplusplus
}
#endif
#endif
