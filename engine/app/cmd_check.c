/* smpsim check: validates a scene and prints it resolved, every default filled in. */
#include <stdio.h>
#include <stdlib.h>

#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/pipeline.h"
#include "smp/scene_args.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "check",
    .about = "Validates a scene file (or, without SCENE, the built-in default scene) and prints\n"
             "it fully resolved, as JSON, with every default filled in. Every problem is\n"
             "reported at once, each with the file, line and field, the value found and what\n"
             "was expected. docs/SCENE.md lists every field. --set edits a field after the file\n"
             "is read: --set client.skin.mst=8 --set plan.sessions[1].depth_mm=0.5\n"
             "\n"
             "The scene's head is read too (its mesh file, through the importer's own process,\n"
             "and its landmarks), so a mesh that cannot be used fails here, not in a render;\n"
             "--no-mesh checks the scene file alone.\n",
    .footer = "Exit status: 0 valid, 2 invalid scene or arguments, 1 the output could not be "
              "written.\n",
};

static int print_schema(void) {
    char *md = smp_scene_schema_markdown();
    if (!md) {
        fprintf(stderr, "smpsim check: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    fputs(md, stdout);
    free(md);
    return CLI_EXIT_OK;
}

typedef struct check_args {
    const char *out;
    int quiet, resolved, no_mesh;
} check_args;

static const cli_option k_options[] = {
    CLI_FLAG(0, "resolved", "print the resolved scene (the default)", check_args, resolved),
    CLI_STRING("out", "FILE", "also write the resolved scene to FILE, atomically", check_args, out),
    CLI_FLAG(0, "no-mesh", "check the scene file alone, without reading its head mesh", check_args,
             no_mesh),
    CLI_ACTION("schema", "print the reference of every field (Markdown) and exit", print_schema),
    {0},
};

int cmd_check(int argc, char **argv) {
    smp_scene_args scene = {0};
    check_args a = {0};
    const cli_group groups[] = {{smp_scene_arg_options, &scene}, {k_options, &a}};
    int rc = cli_parse(&k_command, groups, 2, argc, argv);
    if (rc != CLI_PARSED) return rc;
    a.quiet = cli_common.quiet; /* -q: nothing on success */

    static smp_scene s;
    if ((rc = smp_scene_args_load("check", &scene, &s))) return rc;
    if (!a.no_mesh) { /* the head as every other command reads it: mesh, units, landmarks */
        smp_pipeline p;
        smp_error err = {0};
        smp_status st = smp_pipeline_build(&s, SMP_PIPELINE_HEAD, &p, &err);
        if (st != SMP_OK) return cli_fail("check", &err);
        app_verbose_pipeline("check", &p);
        smp_pipeline_free(&p);
    }
    if (a.out) {
        smp_error err = {0};
        if (smp_scene_save(&s, a.out, &err) != SMP_OK) return cli_fail("check", &err);
    }
    if (!a.quiet) {
        char *json = smp_scene_to_json(&s);
        if (!json) {
            fprintf(stderr, "smpsim check: out of memory\n");
            return CLI_EXIT_FAILURE;
        }
        puts(json);
        free(json);
    }
    return CLI_EXIT_OK;
}
