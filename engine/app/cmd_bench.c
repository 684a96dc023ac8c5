/* smpsim bench: picks a benchmark and hands it the rest of the arguments. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "smp/cli.h"

static const struct {
    const char *name;
    cli_command_fn run;
    const char *summary;
} k_benches[] = {
    {"render", bench_render, "frame times of the renderer, offscreen (the default)"},
    {"scatter", bench_scatter, "dots per second of the scatter core"},
    {"age", bench_age, "dots per second of the skin, ink and ageing model"},
};
enum { BENCH_COUNT = sizeof k_benches / sizeof k_benches[0] };

static void print_help(void) {
    printf("Usage: smpsim bench [BENCHMARK] [options]\n"
           "\n"
           "Benchmarks, each printed with its context (machine, build, date, load) as a table,\n"
           "as one JSON object {bench, context, results, warnings} (--json) or as CSV (--csv\n"
           "FILE). Each row gives its runs, mean, median, min, max and spread; a warning says\n"
           "when the figures are not to be trusted (bench/README.md).\n"
           "\n"
           "Benchmarks:\n");
    for (int i = 0; i < BENCH_COUNT; ++i)
        printf("  %-8s %s\n", k_benches[i].name, k_benches[i].summary);
    printf("\nRun 'smpsim bench BENCHMARK --help' for its options.\n");
}

int cmd_bench(int argc, char **argv) {
    /* "bench --json" means "bench render --json": a leading option selects the default. */
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            print_help();
            return CLI_EXIT_OK;
        }
        if (argc >= 2 && strcmp(argv[1], "--list-commands") == 0) { /* for the completion */
            for (int i = 0; i < BENCH_COUNT; ++i) printf("%s\n", k_benches[i].name);
            return CLI_EXIT_OK;
        }
        argv[0] = "render";
        return bench_render(argc, argv);
    }
    for (int i = 0; i < BENCH_COUNT; ++i)
        if (strcmp(argv[1], k_benches[i].name) == 0) return k_benches[i].run(argc - 1, argv + 1);
    return cli_usage_error("bench", "unknown benchmark '%s' (expected render, scatter or age)",
                           argv[1]);
}
