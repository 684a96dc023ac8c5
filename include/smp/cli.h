/* Shared helpers of the smpsim commands: exit codes, error reporting, option values. The
 * options themselves are read from tables (smp/cli_options.h). */
#ifndef SMP_CLI_H
#define SMP_CLI_H

#include "smp/status.h"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1, /* the machine failed: no GL, disk full, ... */
    CLI_EXIT_USAGE = 2,   /* the user's arguments or input files are wrong */
};

/* A subcommand: argv[0] is the command's name. Returns the process exit code. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* Prints "smpsim CMD: message" and a hint to --help on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "smpsim CMD: <err->message>" on stderr; returns 2 for input errors, 1 otherwise. */
int cli_fail(const char *cmd, const smp_error *err);

/* "1280x720" -> 1280, 720, each side within 16..8192. */
smp_status cli_parse_size(const char *text, int *width, int *height, smp_error *err);

/* A whole decimal integer within [lo, hi]; the error names the option. */
smp_status cli_parse_int(const char *option, const char *text, long lo, long hi, long *out,
                         smp_error *err);

/* A finite decimal number within [lo, hi]; the error names the option. */
smp_status cli_parse_number(const char *option, const char *text, double lo, double hi, double *out,
                            smp_error *err);

/* Splits a comma-separated list in place; returns the number of items (at most max), or -1 if
 * there are more than max or an item is empty. */
int cli_split_list(char *text, char **items, int max);

/* The commands. */
int cmd_render(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_scatter(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_measure(int argc, char **argv);

#endif
