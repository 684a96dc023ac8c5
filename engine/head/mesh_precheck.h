/* Private to engine/head: cheap checks of a mesh file before any importer reads it. */
#ifndef SMP_HEAD_MESH_PRECHECK_H
#define SMP_HEAD_MESH_PRECHECK_H

#include "smp/status.h"

/* Refuses, naming path and what is wrong: a missing file, a folder, FIFO, device or socket
 * (never opened: a FIFO would block), an empty file or one over 2 GiB; a PLY, OFF or binary
 * STL whose header promises more elements than the file's bytes can hold (or a negative or
 * absurd count); a glTF or GLB whose JSON is not RFC 8259, nests deeper than 64, or whose nodes
 * loop, name a child that is no node or nest deeper than 256, a GLB whose lengths run past the
 * file; a COLLADA file with an impossible count or a node that instances itself or an
 * ancestor. SMP_OK otherwise: the importer reads it in its own process. Reads at most the
 * header (64 KiB) of PLY, OFF and STL, and the whole of a glTF or COLLADA text up to 256 MiB. */
smp_status mesh_precheck(const char *path, smp_error *err);

#endif
