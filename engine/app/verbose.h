/* -v (cli_common.verbose): what a command built, on stderr, each line "smpsim CMD: ...". Each
 * function prints nothing without -v. */
#ifndef SMP_APP_VERBOSE_H
#define SMP_APP_VERBOSE_H

#include "smp/gl_context.h"
#include "smp/pipeline.h"

/* The head (where it came from, its size), the dots, and how long each stage took. */
void app_verbose_pipeline(const char *cmd, const smp_pipeline *p);

/* The GL context: renderer, version, backend. */
void app_verbose_gl(const char *cmd, const smp_gl_context *gl);

#endif
