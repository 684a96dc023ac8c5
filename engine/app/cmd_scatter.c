/* smpsim scatter: runs the dot-scattering core alone. */
#include "cli.h"

int cmd_scatter(int argc, char **argv) {
    return cli_not_yet("scatter", argc, argv, "[SCENE] [options]",
                       "Runs the dot-scattering core alone and prints counts, timing and a "
                       "checksum.");
}
