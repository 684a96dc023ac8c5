/* Fuzz target for the training session loader (libFuzzer entry point).
 *
 * Input: the bytes of a session file, loaded against a one-triangle head. Properties checked
 * beyond "no crash, no leak, no undefined behaviour": a refused file comes with a message that
 * names it; a loaded session saves, and the saved file loads back to the same dots. The loader
 * reads paths, so each input goes through a temporary file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smp/training.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static smp_mesh g_head;

static void make_head(void) {
    if (g_head.vertex_count) return;
    if (smp_mesh_alloc(&g_head, 3, 1, NULL) != SMP_OK) abort();
    const float p[9] = {0, 0, 0, 100, 0, 0, 0, 100, 0};
    memcpy(g_head.positions, p, sizeof p);
    g_head.indices[0] = 0, g_head.indices[1] = 1, g_head.indices[2] = 2;
    smp_mesh_compute_normals(&g_head);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    make_head();
    char path[64], again[64];
    snprintf(path, sizeof path, "/tmp/fuzz-session-%ld.json", (long)getpid());
    snprintf(again, sizeof again, "/tmp/fuzz-session-%ld-again.json", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    smp_training_session *s = NULL, *r = NULL;
    smp_error err = {0};
    smp_status st = smp_training_load(path, &g_head, NULL, 0, &s, &err);
    if (st != SMP_OK) {
        if (s || !strstr(err.message, path)) abort(); /* refused, and says which file */
    } else {
        if (smp_training_save(s, again, &err) != SMP_OK) abort();
        if (smp_training_load(again, &g_head, NULL, 0, &r, &err) != SMP_OK) abort();
        const smp_dots *a = smp_training_session_dots(s), *b = smp_training_session_dots(r);
        if (a->count != b->count || (a->count && memcmp(a->x, b->x, sizeof *a->x * a->count) != 0))
            abort();
        smp_training_session_destroy(r);
        smp_training_session_destroy(s);
        unlink(again);
    }
    unlink(path);
    return 0;
}
