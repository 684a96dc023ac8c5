/* smpsim check: validates a scene and prints it resolved, every default filled in. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "smp/cli.h"
#include "smp/scene_args.h"

static void print_help(void) {
    printf("Usage: smpsim check [SCENE] [options]\n"
           "\n"
           "Validates a scene file (or, without SCENE, the built-in default scene) and prints\n"
           "it fully resolved, as JSON, with every default filled in. Every problem is\n"
           "reported at once, each with the file, line and field, the value found and what\n"
           "was expected. docs/SCENE.md lists every field.\n"
           "\n"
           "Options:\n"
           "  --set PATH=VALUE  override a field after the file is read, e.g.\n"
           "                    --set client.skin.mst=8 --set plan.sessions[1].depth_mm=0.5\n"
           "                    (repeatable; bare words are strings, anything else is JSON)\n"
           "  --resolved        print the resolved scene (the default)\n"
           "  --out FILE        also write the resolved scene to FILE, atomically\n"
           "  -q, --quiet       print nothing on success\n"
           "  --schema          print the reference of every field (Markdown) and exit\n"
           "  -h, --help        show this help\n"
           "\n"
           "Exit status: 0 valid, 2 invalid scene or arguments, 1 the output could not be "
           "written.\n");
}

int cmd_check(int argc, char **argv) {
    static const struct option options[] = {
        {"set", required_argument, NULL, 'S'},
        {"resolved", no_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"schema", no_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    smp_scene_args scene = {0};
    const char *out = NULL;
    int quiet = 0, rc;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1;) {
        switch (c) {
        case 'S':
            if ((rc = smp_scene_args_add_set("check", &scene, optarg))) return rc;
            break;
        case 'r': break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'M': {
            char *md = smp_scene_schema_markdown();
            if (!md) {
                fprintf(stderr, "smpsim check: out of memory\n");
                return CLI_EXIT_FAILURE;
            }
            fputs(md, stdout);
            free(md);
            return CLI_EXIT_OK;
        }
        case 'h': print_help(); return CLI_EXIT_OK;
        case ':': return cli_usage_error("check", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) scene.path = argv[optind++];
    if (optind < argc) return cli_usage_error("check", "unexpected argument '%s'", argv[optind]);

    smp_scene s;
    if ((rc = smp_scene_args_load("check", &scene, &s))) return rc;
    if (out) {
        smp_error err = {0};
        if (smp_scene_save(&s, out, &err) != SMP_OK) return cli_fail("check", &err);
    }
    if (!quiet) {
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
