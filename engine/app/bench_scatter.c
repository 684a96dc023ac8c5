/* smpsim bench scatter: dots per second of the scatter core. */
#include "bench.h"
#include "cli.h"

int bench_scatter(int argc, char **argv) {
    return cli_not_yet("bench scatter", argc, argv, "[options]",
                       "Dots per second of the scatter core for each rule, thread count and SIMD "
                       "path.");
}
