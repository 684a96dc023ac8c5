/* `smpsim view` in a build without the viewer (SMP_WITH_VIEWER=OFF): says so and exits 1. */
#include <stdio.h>

#include "smp/cli.h"

int cmd_view(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "smpsim view: this smpsim was built without the viewer "
                    "(configure with -DSMP_WITH_VIEWER=ON)\n");
    return CLI_EXIT_FAILURE;
}
