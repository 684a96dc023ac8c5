#include "scan_mesh.h"

#include <math.h>
#include <stdio.h>

const float scan_mesh_rows[9] = {0, 0, -1, 0, 1, 0, 1, 0, 0};

void scan_mesh_to_file(const float head[3], float file[3]) {
    for (int k = 0; k < 3; ++k)
        file[k] = SCAN_MESH_CM_PER_MM *
                  (scan_mesh_rows[3 * k] * head[0] + scan_mesh_rows[3 * k + 1] * head[1] +
                   scan_mesh_rows[3 * k + 2] * head[2]);
}

/* Whether a triangle with this centroid (head frame) is one the scanner missed. */
static int lost(const float c[3], const smp_landmarks *truth) {
    const float *nasion = truth->p[SMP_LM_NASION];
    int neck = c[1] < nasion[1] - 120.0f;
    int nose = fabsf(c[0]) < 22.0f && c[1] < nasion[1] - 4.0f && c[2] > 40.0f;
    int eye = 0;
    for (int s = 0; s < 2; ++s) {
        const float *e = truth->p[s ? SMP_LM_CANTHUS_RIGHT : SMP_LM_CANTHUS_LEFT];
        eye |= fabsf(c[0] - 0.75f * e[0]) < 14.0f && fabsf(c[1] - e[1]) < 8.0f && c[2] > 40.0f;
    }
    return neck || nose || eye;
}

int scan_mesh_write(const char *path, const smp_mesh *head) {
    smp_landmarks truth;
    smp_landmarks_procedural(&truth);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    for (uint32_t v = 0; v < head->vertex_count; ++v) {
        float p[3];
        scan_mesh_to_file(head->positions + 3 * (size_t)v, p);
        fprintf(f, "v %.9g %.9g %.9g\n", p[0], p[1], p[2]);
    }
    for (uint32_t t = 0; t < head->triangle_count; ++t) {
        const uint32_t *i = head->indices + 3 * t;
        float c[3] = {0, 0, 0};
        for (int k = 0; k < 3; ++k)
            for (int j = 0; j < 3; ++j) c[j] += head->positions[3 * (size_t)i[k] + j] / 3.0f;
        if (!lost(c, &truth)) fprintf(f, "f %u %u %u\n", i[0] + 1, i[1] + 1, i[2] + 1);
    }
    return fclose(f) == 0 ? 0 : -1;
}
