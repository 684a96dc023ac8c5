/*
 * smp/mesh_import.h — a head from a file: any common mesh format, in the head frame, in mm.
 *
 * Reads OBJ, PLY (ASCII and binary), STL (ASCII and binary), glTF 2.0 / GLB, COLLADA (DAE and
 * zipped ZAE) and OFF through Assimp, then turns what was read into a head the rest of the
 * engine can use: one welded triangle mesh, degenerate triangles dropped, a whole body cut at
 * the neck, the up and facing directions found, scaled to millimetres, refined until no edge is
 * longer than the target (so the cranium is smooth in close-ups), normals and UVs present, and
 * moved so that the origin is the midpoint between the estimated ear canals (smp/landmarks.h).
 *
 *   smp_mesh_import_desc d = {0};       // auto units, auto orientation, edges <= 3 mm
 *   d.path = "scan.ply";
 *   smp_mesh head = {0};
 *   smp_mesh_import_report rep;
 *   if (smp_mesh_import(&d, &head, &rep, &err) != SMP_OK) ... err.message names the file
 *   ... rep.landmarks, rep.degenerate_dropped, rep.mm_per_unit ...
 *   smp_mesh_free(&head);
 *
 * Orientation when not given: Assimp's file metadata first (UpAxis / FrontAxis where the format
 * has them; COLLADA's up_axis is already applied by Assimp), then the geometry. Up: a long
 * shape (a body) stands on its longest axis, head end (the smaller end) up; a head alone is
 * matched against the built-in head's shape in each of the 24 axis-aligned orientations. Facing,
 * judged on the upright head once any body is cut off: of the two horizontal axes the one the
 * head is mirror-symmetric across runs left to right, and along the other the face is the end
 * whose most forward few millimetres are a small tip (the nose) rather than a broad cap (the
 * back of the skull). Only axis-aligned orientations are considered: a scan tilted by a few
 * degrees stays tilted by those degrees.
 *
 * Units when not given: the head's largest horizontal extent read as mm, cm, m and inches; the
 * reading closest to a typical 190 mm head within 110-450 mm wins. None in range is an error
 * that names the size and asks for the units.
 *
 * Cost: dominated by the refinement, O(output triangles), and by Assimp's parsing; the
 * MakeHuman body (29k triangles in) becomes a 125k-triangle head in about 0.8 s on one core.
 * Not thread-safe: Assimp keeps its last error message in a global.
 *
 * UV seams are kept (two vertices at one position, see smp/mesh_ops.h); a file without UVs gets
 * spherical ones about the origin. Normals are always recomputed from the final surface.
 *
 * Does NOT: keep materials, textures, skins or animation; repair holes or cap the neck
 * opening; correct a tilt that is not a multiple of 90 degrees.
 */
#ifndef SMP_MESH_IMPORT_H
#define SMP_MESH_IMPORT_H

#include <stdint.h>

#include "smp/landmarks.h"
#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A mesh file's length unit; AUTO: detected from the head's size. */
typedef enum { SMP_UNITS_AUTO, SMP_UNITS_MM, SMP_UNITS_CM, SMP_UNITS_M, SMP_UNITS_INCH } smp_units;
typedef smp_units smp_mesh_units;

/* A direction in the file's own coordinates; AUTO: detected from the shape or the metadata. */
typedef enum {
    SMP_AXIS_AUTO,
    SMP_AXIS_POS_X,
    SMP_AXIS_NEG_X,
    SMP_AXIS_POS_Y,
    SMP_AXIS_NEG_Y,
    SMP_AXIS_POS_Z,
    SMP_AXIS_NEG_Z
} smp_axis;

typedef enum smp_neck_cut {
    SMP_NECK_CUT_AUTO = 0, /* cut where the shape widens into shoulders below a narrow neck */
    SMP_NECK_CUT_OFF,      /* keep everything the file has */
} smp_neck_cut;

typedef struct smp_mesh_import_desc {
    const char *path;       /* required */
    smp_mesh_units units;   /* 0 = detect from the head's size */
    smp_axis up;            /* file direction that is the head's up; 0 = detect */
    smp_axis facing;        /* file direction the face looks; 0 = detect */
    float target_edge_mm;   /* refine until no edge is longer; 0 = 3 mm; < 0 = keep as read */
    smp_neck_cut neck_cut;  /* 0 = auto */
    uint32_t max_triangles; /* refusal limit for the refined mesh; 0 = 4 million */
    /* The file is read in a child process (a crafted file that crashes, hangs or exhausts the
     * reader ends the child, not the caller): this executable run again from /proc/self/exe,
     * which takes its orders before main and never reaches it. It is given at most: */
    uint32_t read_seconds;    /* wall clock; 0 = 60 */
    uint32_t read_memory_mib; /* address space; 0 = 4096 (not enforced under AddressSanitizer) */
    int no_precheck; /* 1: straight to the reader's process, without the cheap checks of the
                        file before it (for testing that the process's limits alone hold) */
    /* Landmarks known before estimation, in the file's own coordinates and units (its world
     * coordinates, as a mesh editor shows them): bit i of landmarks_given_mask says
     * landmarks_given->p[i] is known. They are carried through the orientation and scaling,
     * taken as they are, and the rest are estimated around them (smp_landmarks_estimate_given),
     * so a scan whose nasion cannot be found is rescued by giving the nasion. */
    const smp_landmarks *landmarks_given;
    unsigned landmarks_given_mask;
    /* 1: a landmark that can be neither estimated nor was given is guessed from rough head
     * proportions instead of failing the import, and reported (landmarks_guessed, and the
     * reason in landmarks_problem): for a viewer that lets someone click the real one. */
    int guess_landmarks;
} smp_mesh_import_desc;

typedef enum smp_found_by {
    SMP_FOUND_BY_OVERRIDE, /* the desc said so */
    SMP_FOUND_BY_METADATA, /* the file said so */
    SMP_FOUND_BY_GEOMETRY, /* the shape said so */
} smp_found_by;

typedef struct smp_mesh_import_report {
    uint32_t file_vertex_count, file_triangle_count; /* as Assimp delivered them, all meshes */
    uint32_t welded_vertex_count;                    /* after welding; UV seams keep 2 */
    uint32_t degenerate_dropped; /* zero-area triangles removed (a warning when > 0) */
    uint32_t nonmanifold_edges;  /* edges of 3+ triangles (a warning when > 0) */
    uint32_t boundary_edges;     /* open edges in the final mesh: the neck opening, holes */
    smp_mesh_units units;        /* units used (never AUTO) */
    double mm_per_unit;          /* scale applied */
    smp_found_by units_by, up_by, facing_by;
    smp_axis up, facing; /* the file directions found */
    int neck_cut;        /* 1 when the mesh was cut at the neck */
    float neck_cut_y_mm; /* height of the cut in the head frame when neck_cut */
    uint32_t subdivision_passes;
    int uvs_generated; /* 1 when the file had no UVs and spherical ones were made */
    float length_mm, breadth_mm, height_mm; /* extents along Z, X and Y of the result */
    float max_edge_mm, mean_edge_mm;        /* of the result */
    smp_landmarks landmarks;     /* estimated, head frame (the origin is their mid-tragion) */
    unsigned landmarks_given;    /* bit i: landmark i was given (desc->landmarks_given) */
    unsigned landmarks_guessed;  /* bit i: landmark i was guessed (desc->guess_landmarks) */
    char landmarks_problem[512]; /* why the first guessed landmark could not be estimated */
    /* The file-to-head transform: head = mm_per_unit · R(up, facing) · file − origin_mm. */
    float origin_mm[3];
} smp_mesh_import_report;

/* A point in the file's own coordinates to the head frame of an import's result, and back
 * (exact inverses up to rounding). */
void smp_mesh_import_file_to_head(const smp_mesh_import_report *rep, const double file[3],
                                  float head[3]);
void smp_mesh_import_head_to_file(const smp_mesh_import_report *rep, const float head[3],
                                  double file[3]);

/* 1 when this build reads mesh files (built with Assimp), 0 when every import is refused. */
int smp_mesh_import_available(void);

/* Reads desc->path into out (which must be empty, {0}); report may be NULL. Errors: a missing
 * or unreadable file, a file that is not a mesh, no triangles, a non-finite vertex (named by
 * its index), more than a tenth of the edges non-manifold, a size that fits no unit, or a shape
 * the landmarks cannot be found on; the message starts with the path. Input errors are
 * SMP_ERR_FORMAT or SMP_ERR_INVALID_ARG (exit code 2). On failure out stays empty. */
smp_status smp_mesh_import(const smp_mesh_import_desc *desc, smp_mesh *out,
                           smp_mesh_import_report *report, smp_error *err);

/* "mm", "cm", "m", "inch" (also "in"), "auto" -> units; returns 0 for an unknown name. */
int smp_mesh_units_from_name(const char *name, smp_mesh_units *out);
const char *smp_mesh_units_name(smp_mesh_units units);

/* "+x", "-x", ..., "-z" (also "x" for "+x"), "auto" -> axis; returns 0 for an unknown name. */
int smp_axis_from_name(const char *name, smp_axis *out);
const char *smp_axis_name(smp_axis axis);

#ifdef __cplusplus
}
#endif
#endif
