/* Fuzz target for the checks made on a mesh file before the importer reads it (libFuzzer
 * entry point; engine/head/mesh_precheck.c, this project's own parsing of PLY, OFF and STL
 * headers, glTF and GLB JSON and COLLADA text; the importer itself runs in its own process
 * with limits, tests/test_import.c).
 *
 * Input: a first byte choosing the format (PLY, OFF, STL, glTF, GLB, DAE), then the file's
 * bytes. Property checked beyond "no crash, no leak, no undefined behaviour": a refusal names
 * the file. Each input goes through a temporary file with that format's extension. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mesh_precheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const ext[] = {"ply", "off", "stl", "gltf", "glb", "dae"};
    if (size == 0) return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz-mesh-%ld.%s", (long)getpid(), ext[data[0] % 6]);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) abort();
    fclose(f);
    smp_error err = {0};
    if (mesh_precheck(path, &err) != SMP_OK && !strstr(err.message, path)) abort();
    unlink(path);
    return 0;
}
