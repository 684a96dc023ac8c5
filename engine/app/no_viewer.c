/* `smpsim view` in a build without the viewer (SMP_WITH_VIEWER=OFF): takes the options every
 * command takes (--help, --version, -q, -v), then says so and exits 1. */
#include <stdio.h>

#include "smp/cli.h"
#include "smp/cli_options.h"

static const cli_command k_command = {
    .name = "view",
    .usage = "[options]",
    .about = "The interactive viewer. This smpsim was built without it: configure with\n"
             "-DSMP_WITH_VIEWER=ON.\n",
};

int cmd_view(int argc, char **argv) {
    static const cli_option none[] = {{0}};
    const cli_group groups[] = {{none, NULL}};
    int rc = cli_parse(&k_command, groups, 1, argc, argv);
    if (rc != CLI_PARSED) return rc;
    fprintf(stderr, "smpsim view: this smpsim was built without the viewer "
                    "(configure with -DSMP_WITH_VIEWER=ON)\n");
    return CLI_EXIT_FAILURE;
}
