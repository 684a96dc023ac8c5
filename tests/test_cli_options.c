/* Option tables (smp/cli_options.h): what a row accepts, the errors it gives, and the help it
 * prints, on a table made for the test. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/cli_options.h"

typedef struct args {
    const char *scene, *out, *sets[3];
    int set_count, quiet, verbose;
    long frames;
    int fps;
    double scale;
    int colour;
    cli_size size;
} args;

static int g_actions;
static int action(void) { return ++g_actions, CLI_EXIT_OK; }

static const cli_word k_colours[] = {{"red", 1}, {"green", 2}, {"blue", 3}, {NULL, 0}};

static const cli_option k_options[] = {
    CLI_OPERAND("SCENE", args, scene),
    CLI_STRING("out", "DIR", "output directory", args, out),
    CLI_APPEND("set", "PATH=VALUE", "override a field (repeatable)", args, sets, set_count),
    CLI_FLAG('a', "all", "say all", args, quiet),
    CLI_FLAG('b', "brief", "say less", args, verbose),
    CLI_INT("frames", "N", "frames, {range}", args, frames, 1, 10000),
    CLI_INT("fps", "N", "frame rate, {range}", args, fps, 1, 120),
    CLI_NUMBER("scale", "F", "a fraction, {range}", args, scale, 0.25, 1),
    CLI_WORD("colour", "NAME", "{words}", args, colour, k_colours),
    CLI_PARSE("size", "WxH", "image size", args, size, cli_parse_size_value),
    CLI_ACTION("schema", "print the schema and exit", action),
    {0},
};

static const cli_command k_command = {.name = "test", .about = "A test command.\n"};

static int parse(args *a, const char *const *argv) {
    int argc = 0;
    while (argv[argc]) ++argc;
    memset(a, 0, sizeof *a);
    const cli_group groups[] = {{k_options, a}};
    return cli_parse(&k_command, groups, 1, argc, (char **)argv);
}

#define PARSE(a, ...) parse(a, (const char *const[]){"test", __VA_ARGS__, NULL})

Test(cli_options, every_kind_of_row_reads_its_value) {
    args a;
    cr_assert_eq(PARSE(&a, "scene.json", "--out", "dir", "--set", "a=1", "--set=b=2", "-ab",
                       "--frames", "30", "--fps=60", "--scale", "0.5", "--colour", "blue", "--size",
                       "64x48"),
                 CLI_PARSED);
    cr_assert_str_eq(a.scene, "scene.json");
    cr_assert_str_eq(a.out, "dir");
    cr_assert_eq(a.set_count, 2);
    cr_assert_str_eq(a.sets[1], "b=2");
    cr_assert(a.quiet && a.verbose);
    cr_assert_eq(a.frames, 30);
    cr_assert_eq(a.fps, 60);
    cr_assert_float_eq(a.scale, 0.5, 1e-12);
    cr_assert_eq(a.colour, 3);
    cr_assert_eq(a.size.width, 64);
    cr_assert_eq(a.size.height, 48);
}

Test(cli_options, options_may_follow_the_operand_and_double_dash_ends_them) {
    args a;
    cr_assert_eq(PARSE(&a, "--", "-scene.json"), CLI_PARSED);
    cr_assert_str_eq(a.scene, "-scene.json");
    cr_assert_eq(PARSE(&a, "scene.json", "-a"), CLI_PARSED);
    cr_assert(a.quiet);
    cr_assert_eq(PARSE(&a, "--out", "a", "--out", "b"), CLI_PARSED);
    cr_assert_str_eq(a.out, "b", "a repeated option replaces its value");
}

/* A table with a CLI_OPERANDS row takes every operand after the first, in order, between
 * options and after "--", up to its array's size. */
typedef struct many_args {
    const char *scene, *files[3], *out;
    int file_count;
} many_args;

static const cli_option k_many[] = {
    CLI_OPERAND("SCENE", many_args, scene),
    CLI_OPERANDS("FILE", many_args, files, file_count),
    CLI_STRING("out", "DIR", "output directory", many_args, out),
    {0},
};

static int parse_many(many_args *a, int argc, const char *const *argv) {
    memset(a, 0, sizeof *a);
    const cli_group groups[] = {{k_many, a}};
    return cli_parse(&k_command, groups, 1, argc, (char **)argv);
}

Test(cli_options, operands_after_the_first_go_to_their_row, .init = cr_redirect_stderr) {
    many_args a;
    const char *argv[] = {"test", "s.json", "a", "--out", "d", "b", "--", "-c"};
    cr_assert_eq(parse_many(&a, 8, argv), CLI_PARSED);
    cr_assert_str_eq(a.scene, "s.json");
    cr_assert_str_eq(a.out, "d", "an option's value is not an operand");
    cr_assert_eq(a.file_count, 3);
    cr_assert_str_eq(a.files[0], "a");
    cr_assert_str_eq(a.files[1], "b");
    cr_assert_str_eq(a.files[2], "-c");
    const char *full[] = {"test", "s.json", "a", "b", "c", "d"};
    cr_assert_eq(parse_many(&a, 6, full), CLI_EXIT_USAGE, "a fourth FILE fits no array");
}

Test(cli_options, an_action_runs_at_once_and_ends_the_command) {
    args a;
    g_actions = 0;
    cr_assert_eq(PARSE(&a, "--schema", "extra", "operands"), CLI_EXIT_OK);
    cr_assert_eq(g_actions, 1);
}

Test(cli_options, usage_errors_exit_2, .init = cr_redirect_stderr) {
    args a;
    const char *const bad[][3] = {
        {"--outp", "x", NULL}, {"--ou", "x", NULL},        {"-o", "x", NULL},
        {"--out", NULL, NULL}, {"--all=1", NULL, NULL},    {"--frames", "0", NULL},
        {"--fps", "x", NULL},  {"--scale", "2", NULL},     {"--colour", "pink", NULL},
        {"--size", "1", NULL}, {"a.json", "b.json", NULL}, {"--help=1", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i)
        cr_assert_eq(parse(&a, (const char *const[]){"test", bad[i][0], bad[i][1], NULL}),
                     CLI_EXIT_USAGE, "case %zu", i);
    a.set_count = 0;
    cr_assert_eq(PARSE(&a, "--set", "1", "--set", "2", "--set", "3", "--set", "4"), CLI_EXIT_USAGE,
                 "a full repeatable option");
}

Test(cli_options, an_abbreviation_is_unknown_with_a_hint, .init = cr_redirect_stderr) {
    args a;
    cr_assert_eq(PARSE(&a, "--fr", "3"), CLI_EXIT_USAGE);
    fflush(stderr);
    cr_assert_stderr_eq_str("smpsim test: unknown option '--fr' (did you mean --frames?)\n"
                            "Try 'smpsim test --help'.\n");
}

Test(cli_options, a_value_error_names_the_option_and_what_it_expected, .init = cr_redirect_stderr) {
    args a;
    cr_assert_eq(PARSE(&a, "--colour", "pink"), CLI_EXIT_USAGE);
    fflush(stderr);
    cr_assert_stderr_eq_str("smpsim test: --colour: expected red, green or blue, got 'pink'\n"
                            "Try 'smpsim test --help'.\n");
}

Test(cli_options, a_malformed_table_is_refused, .init = cr_redirect_stderr) {
    args a = {0};
    const cli_option twice[] = {
        CLI_FLAG('q', "quiet", "x", args, quiet), CLI_FLAG('q', "quick", "x", args, verbose), {0}};
    const cli_option help[] = {CLI_FLAG(0, "help", "x", args, quiet), {0}};
    const cli_option no_arg[] = {{.kind = CLI_INT, .name = "n", CLI_MEMBER(args, frames)}, {0}};
    const cli_option wrong_size[] = {CLI_NUMBER("n", "N", "x", args, fps, 0, 1), {0}};
    const cli_option *tables[] = {twice, help, no_arg, wrong_size};
    char *argv[] = {"test", NULL};
    for (int i = 0; i < 4; ++i) {
        const cli_group g[] = {{tables[i], &a}};
        cr_assert_eq(cli_parse(&k_command, g, 1, 1, argv), CLI_EXIT_FAILURE, "table %d", i);
    }
}

Test(cli_options, help_lists_every_row_with_its_range_and_words) {
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    const cli_group g[] = {{k_options, NULL}};
    cli_print_help(&k_command, g, 1, out);
    fclose(out);
    cr_assert_not_null(strstr(text, "Usage: smpsim test [SCENE] [options]\n\nA test command.\n"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "  -a, --all         say all\n"), "%s", text);
    cr_assert_not_null(strstr(text, "  --frames N        frames, 1..10000\n"), "%s", text);
    cr_assert_not_null(strstr(text, "  --scale F         a fraction, 0.25..1\n"), "%s", text);
    cr_assert_not_null(strstr(text, "  --colour NAME     red, green or blue\n"), "%s", text);
    cr_assert_not_null(strstr(text, "  -h, --help        show this help\n"), "%s", text);
    cr_assert_null(strstr(text, "SCENE  "), "the operand is not an option: %s", text);
    free(text);
}

Test(cli_options, help_wraps_at_80_columns) {
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    cli_print_row(out, "--long X",
                  "a description long enough to need more than one line at eighty columns, "
                  "so that the wrapping shows, indented under the first",
                  20);
    fclose(out);
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), ++lines) {
        cr_assert_leq(strlen(line), 80, "%s", line);
        if (lines > 0) cr_assert_eq(strspn(line, " "), 20, "%s", line);
    }
    cr_assert_gt(lines, 1);
    free(text);
}

/* -q, -v and -V are every command's: appended to its rows, listed in its help, read into
 * cli_common; a table of its own may not take their names. */
Test(cli_options, every_command_takes_quiet_verbose_and_version, .init = cr_redirect_stderr) {
    args a;
    cr_assert_eq(PARSE(&a, "-q"), CLI_PARSED);
    cr_assert_eq(cli_common.quiet, 1);
    cr_assert_eq(cli_common.verbose, 0);
    cr_assert_eq(PARSE(&a, "--frames", "2"), CLI_PARSED);
    cr_assert_eq(cli_common.quiet, 0, "each parse starts afresh");
    cr_assert_eq(PARSE(&a, "-qv"), CLI_EXIT_USAGE, "quiet and verbose exclude each other");
    const cli_option mine[] = {CLI_FLAG('v', "view", "x", args, quiet), {0}};
    const cli_group g[] = {{mine, &a}};
    char *argv[] = {"test", NULL};
    cr_assert_eq(cli_parse(&k_command, g, 1, 1, argv), CLI_EXIT_FAILURE, "-v is taken");

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    const cli_group all[] = {{k_options, NULL}};
    cli_print_help(&k_command, all, 1, out);
    fclose(out);
    cr_assert_not_null(strstr(text, "  -q, --quiet "), "%s", text);
    cr_assert_not_null(strstr(text, "  -v, --verbose "), "%s", text);
    cr_assert_not_null(strstr(text, "  -V, --version "), "%s", text);
    free(text);

    out = open_memstream(&text, &size);
    cli_list_options(all, 1, out);
    fclose(out);
    const char *rows[] = {"@operand scene\n", "--out dir\n", "--colour word red green blue\n",
                          "--all flag\n",     "-a flag\n",   "--frames value\n",
                          "--quiet flag\n",   "-v flag\n",   "--version flag\n",
                          "-h flag\n"};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; ++i)
        cr_assert_not_null(strstr(text, rows[i]), "%s in %s", rows[i], text);
    free(text);
}
