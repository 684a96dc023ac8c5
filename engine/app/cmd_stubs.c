/* Commands whose engine parts are not built yet. Each still answers --help truthfully and
 * fails with exit status 1 and a plain statement, so scripts can tell. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int not_yet(const char *cmd, int argc, char **argv, const char *usage, const char *what) {
    for (int i = 1; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: smpsim %s %s\n\n%s\n\nNot available yet in this version: the command "
                   "exits with status 1.\n",
                   cmd, usage, what);
            return CLI_EXIT_OK;
        }
    fprintf(stderr, "smpsim %s: not available yet in this version\n", cmd);
    return CLI_EXIT_FAILURE;
}

int cmd_view(int argc, char **argv) {
    return not_yet("view", argc, argv, "[SCENE]",
                   "Interactive viewer: orbit the head, scrub the years, edit the client and the\n"
                   "plan. Until it exists, use 'smpsim render'.");
}

int cmd_scatter(int argc, char **argv) {
    return not_yet("scatter", argc, argv, "[SCENE] [options]",
                   "Runs the dot-scattering core alone and prints counts, timing and a checksum.");
}

int cmd_check(int argc, char **argv) {
    return not_yet("check", argc, argv, "SCENE",
                   "Validates a scene file and prints it with every default filled in.");
}
