#include "smp/scene_args.h"

#include <stdio.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/clock.h"

const cli_option smp_scene_arg_options[] = {
    CLI_OPERAND("SCENE", smp_scene_args, path),
    CLI_APPEND("set", "PATH=VALUE",
               "override a scene field, e.g. client.skin.mst=8 (repeatable; bare words are "
               "strings, anything else is JSON; 'smpsim check --schema' lists the fields)",
               smp_scene_args, sets, set_count),
    {0},
};

int smp_scene_args_load(const char *cmd, const smp_scene_args *a, smp_scene *out) {
    smp_scene_source src = {.path = a->path, .sets = a->sets, .set_count = a->set_count};
    smp_scene_report rep;
    double t0 = smp_clock_ms();
    smp_status st = smp_scene_load(&src, out, &rep);
    if (st == SMP_OK && cli_common.verbose)
        fprintf(stderr, "smpsim %s: scene %s, %d --set, read in %.1f ms\n", cmd,
                a->path ? a->path : "(the built-in default)", a->set_count, smp_clock_ms() - t0);
    if (st == SMP_OK) return 0;
    for (int i = 0; i < rep.count; ++i) fprintf(stderr, "smpsim %s: %s\n", cmd, rep.messages[i]);
    if (rep.dropped) fprintf(stderr, "smpsim %s: ... and %d more\n", cmd, rep.dropped);
    if (rep.count > 1)
        fprintf(stderr, "smpsim %s: %d problems found\n", cmd, rep.count + rep.dropped);
    return smp_status_is_input_error(st) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

void smp_scene_args_stem(const smp_scene_args *a, char *out, size_t size) {
    const char *name = a->path ? a->path : "default";
    const char *slash = strrchr(name, '/');
    if (slash) name = slash + 1;
    size_t n = strcspn(name, ".");
    if (n == 0) n = strlen(name); /* ".hidden.json" keeps its name */
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), name);
}
