/* A headless GL session with the default head uploaded: what `render` and `bench render`
 * share. */
#ifndef SMP_APP_HEADLESS_H
#define SMP_APP_HEADLESS_H

#include "smp/camera.h"
#include "smp/gl_context.h"
#include "smp/mesh.h"
#include "smp/renderer.h"

typedef struct headless {
    smp_gl_context *gl;
    smp_renderer *renderer;
    smp_bounds head_bounds;
    double head_build_ms;
} headless;

/* Brings up GL (backend SMP_GL_AUTO unless told), builds and uploads the built-in head. */
smp_status headless_open(headless *h, smp_gl_backend backend, int msaa_samples, smp_error *err);
/* The same with a full context description (the viewer's window). */
smp_status headless_open_desc(headless *h, const smp_gl_context_desc *gd, int msaa_samples,
                              smp_error *err);
void headless_close(headless *h);

/* Monotonic time in milliseconds. */
double headless_now_ms(void);

/* Parses the --gl and --msaa option values shared by the GL commands. */
int headless_parse_gl_option(const char *cmd, const char *text, smp_gl_backend *out);
int headless_parse_msaa_option(const char *cmd, const char *text, int *out);

#endif
