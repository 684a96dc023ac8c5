/* smpsim bench age: dots per second of the skin, ink and ageing model. */
#include "bench.h"
#include "cli.h"

int bench_age(int argc, char **argv) {
    return cli_not_yet("bench age", argc, argv, "[options]",
                       "Dots per second of the skin, ink and ageing model at one year.");
}
