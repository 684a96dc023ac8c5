/* Loading the scene every command takes: SCENE (or the built-in default) plus --set overrides,
 * with every problem printed on stderr. */
#ifndef SMP_SCENE_ARGS_H
#define SMP_SCENE_ARGS_H

#include <stddef.h>

#include "smp/cli_options.h"
#include "smp/scene.h"

enum { SCENE_ARGS_MAX_SETS = 64 };

typedef struct smp_scene_args {
    const char *path; /* NULL = built-in default scene */
    const char *sets[SCENE_ARGS_MAX_SETS];
    int set_count;
} smp_scene_args;

/* The options every command that takes a scene shares: the operand SCENE (the scene file) and
 * --set PATH=VALUE, repeatable, into a smp_scene_args. */
extern const cli_option smp_scene_arg_options[];

/* Loads the scene; on failure prints each problem as "smpsim CMD: ..." and returns the exit
 * code (2 for bad input, 1 otherwise). Returns 0 on success. */
int smp_scene_args_load(const char *cmd, const smp_scene_args *a, smp_scene *out);

/* The name outputs are called by: the scene file's name without directory and extension
 * ("client" for "cases/client.json"), or "default" for the built-in scene. */
void smp_scene_args_stem(const smp_scene_args *a, char *out, size_t size);

#endif
