/* smpsim: the command-line front end of the engine. */
#include <stdio.h>
#include <string.h>

#include "smp/build_info.h"
#include "smp/cli.h"
#include "smp_commit.h" /* written by the build: SMP_GIT_COMMIT */

static const struct {
    const char *name;
    cli_command_fn run;
    const char *summary;
} k_commands[] = {
    {"view", cmd_view, "interactive viewer: orbit the head, scrub the years"},
    {"render", cmd_render, "headless images, contact sheets, comparisons, time-lapse video"},
    {"report", cmd_report, "the consultation report a client takes home, as one PDF"},
    {"scatter", cmd_scatter, "run the dot-scattering core alone: counts, timing, checksum"},
    {"bench", cmd_bench, "benchmarks: render, scatter, age"},
    {"check", cmd_check, "validate a scene file and print it resolved"},
    {"score", cmd_score, "grade a training session's dots against a training scene"},
    {"measure", cmd_measure, "how the treated scalp blends with the fringe and bare skin"},
};
enum { COMMAND_COUNT = sizeof k_commands / sizeof k_commands[0] };

static void print_usage(FILE *out) {
    fprintf(out,
            "Usage: smpsim [--help] [--version] COMMAND [ARGS]\n"
            "\n"
            "Simulates scalp micropigmentation on a 3D head: where the dots go, how they look\n"
            "on a given skin, and how they change over the years.\n"
            "\n"
            "Commands:\n");
    for (int i = 0; i < COMMAND_COUNT; ++i)
        fprintf(out, "  %-9s %s\n", k_commands[i].name, k_commands[i].summary);
    fprintf(out,
            "\n"
            "Run 'smpsim COMMAND --help' for a command's options. Without a SCENE every command\n"
            "uses the built-in default scene. Every command takes -q/--quiet (only the written\n"
            "paths and errors), -v/--verbose (the build, the files read and timings on stderr)\n"
            "and -V/--version.\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage or input error.\n");
}

int main(int argc, char **argv) {
    smp_build_commit = SMP_GIT_COMMIT;
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
        (strcmp(first, "help") == 0 && argc == 2)) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        smp_build_info_print(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--list-commands") == 0) { /* hidden: for the shell's completion */
        for (int i = 0; i < COMMAND_COUNT; ++i) printf("%s\n", k_commands[i].name);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "help") == 0) { /* "smpsim help render" */
        for (int i = 0; i < COMMAND_COUNT; ++i)
            if (strcmp(argv[2], k_commands[i].name) == 0) {
                char *help_argv[] = {argv[2], "--help", NULL};
                return k_commands[i].run(2, help_argv);
            }
        fprintf(stderr, "smpsim help: unknown command '%s'\nTry 'smpsim --help'.\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    for (int i = 0; i < COMMAND_COUNT; ++i)
        if (strcmp(first, k_commands[i].name) == 0) return k_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "smpsim: unknown command '%s'\nTry 'smpsim --help'.\n", first);
    return CLI_EXIT_USAGE;
}
