/* The mesh reader of a build without Assimp: every file is refused, saying why. */
#include <string.h>

#include "mesh_read.h"

smp_status mesh_read_file(const char *path, const mesh_read_limits *lim, mesh_read_result *rr,
                          smp_error *err) {
    (void)lim;
    memset(rr, 0, sizeof *rr);
    return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                         "%s: this smpsim was built without Assimp (SMP_WITH_ASSIMP=OFF) and "
                         "cannot read mesh files; use the built-in head",
                         path);
}

int smp_mesh_import_available(void) { return 0; }
