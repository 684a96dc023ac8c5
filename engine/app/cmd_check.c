/* smpsim check: validates a scene and prints it resolved. */
#include "cli.h"

int cmd_check(int argc, char **argv) {
    return cli_not_yet("check", argc, argv, "SCENE",
                       "Validates a scene file and prints it with every default filled in.");
}
