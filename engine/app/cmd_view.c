/* smpsim view: the interactive viewer. */
#include "cli.h"

int cmd_view(int argc, char **argv) {
    return cli_not_yet("view", argc, argv, "[SCENE]",
                       "Interactive viewer: orbit the head, scrub the years, edit the client and "
                       "the\nplan. Until it exists, use 'smpsim render'.");
}
