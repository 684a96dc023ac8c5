#include "verbose.h"

#include <stdio.h>

#include "smp/cli_options.h"

void app_verbose_pipeline(const char *cmd, const smp_pipeline *p) {
    if (!cli_common.verbose) return;
    fprintf(stderr, "smpsim %s: head %s, %u vertices, %u triangles%s\n", cmd, p->head_source,
            p->head.vertex_count, p->head.triangle_count, p->imported ? " (imported)" : "");
    fprintf(stderr,
            "smpsim %s: %zu dots, %zu hairs; head %.0f ms, fields %.0f ms, scatter %.0f ms, "
            "model %.0f ms, hair %.0f ms\n",
            cmd, p->dots.count, p->hair.count, p->head_ms, p->fields_ms, p->scatter_ms, p->model_ms,
            p->hair_ms);
}

void app_verbose_gl(const char *cmd, const smp_gl_context *gl) {
    if (!cli_common.verbose) return;
    fprintf(stderr, "smpsim %s: GL %s, %s, via %s\n", cmd, smp_gl_context_renderer(gl),
            smp_gl_context_version(gl), smp_gl_backend_name(smp_gl_context_backend(gl)));
}
