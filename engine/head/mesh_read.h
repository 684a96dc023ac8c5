/* Private to engine/head: reading a mesh file into triangles, before any of the import's own
 * steps. One implementation is built: Assimp's (mesh_read_assimp.c) or, in a build without
 * Assimp (SMP_WITH_ASSIMP=OFF), one that refuses every file (mesh_read_none.c). */
#ifndef SMP_HEAD_MESH_READ_H
#define SMP_HEAD_MESH_READ_H

#include "smp/mesh.h"
#include "smp/mesh_import.h"

typedef struct mesh_read_result {
    smp_mesh mesh;
    int has_uvs;
    smp_axis meta_up, meta_facing; /* SMP_AXIS_AUTO where the file does not say */
} mesh_read_result;

/* How much the reader may take: address space in bytes and wall-clock seconds. */
typedef struct mesh_read_limits {
    double memory_bytes;
    int seconds;
} mesh_read_limits;

/* Reads every mesh of the file at path into rr->mesh (normals zeroed), in the file's units and
 * axes. Errors name the file; a reader that crashes, runs out of its memory or time is an
 * input error saying which. */
smp_status mesh_read_file(const char *path, const mesh_read_limits *lim, mesh_read_result *rr,
                          smp_error *err);

#endif
