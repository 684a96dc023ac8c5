/* Command-line options from tables. Each row names an option, its value and its help, and says
 * how the value is read and checked; the parser, the --help text and every usage error come
 * from the rows, so they cannot disagree.
 *
 *   typedef struct job { smp_scene_args scene; long frames; int quiet; } job;
 *   static const cli_option k_options[] = {
 *       CLI_INT("frames", "N", "timed frames, {range} (default: 30)", job, frames, 1, 10000),
 *       CLI_FLAG('q', "quiet", "print only the written paths", job, quiet),
 *       {0},
 *   };
 *   static const cli_command k_cmd = {.name = "bench render", .about = "Times frames.\n"};
 *   job j = {.frames = 30};
 *   const cli_group groups[] = {{smp_scene_arg_options, &j.scene}, {k_options, &j}};
 *   int rc = cli_parse(&k_cmd, groups, 2, argc, argv);
 *   if (rc != CLI_PARSED) return rc; // 0 after --help, 2 after a usage error
 *
 * The command line: "--name VALUE" or "--name=VALUE"; a one-letter name as "-q" (several
 * may share one dash: "-qh"); "--" ends the options; anything else is the operand (a table's
 * CLI_OPERAND row; those after it go to a CLI_OPERANDS row, else each is an error). An option
 * given again replaces its value, except CLI_APPEND.
 * Names match whole: "--vi" is an unknown option, with a hint naming the options it could have
 * meant ("did you mean --view?"). -h and --help print the help and end the command.
 *
 * Every command also takes the rows of cli_common_options, which cli_parse appends to its
 * groups (a command's own table must not reuse their names): -q/--quiet and -v/--verbose into
 * cli_common, and -V/--version, which prints smp_build_info_print's text and ends the command.
 * With -v, cli_parse prints the build on stderr and, when the program exits, how long the
 * command took. The hidden --list-options prints the rows for the shell's completion
 * (cli_list_options) and ends the command.
 *
 * Errors, on stderr as "smpsim CMD: ..." with a hint to --help, exit 2: "unknown option '--x'",
 * "--out needs a value", "--quiet takes no value", "unexpected argument 'b'", or the value's
 * own error, which names the option and what it expected ("--msaa: 0 is out of range 1..16",
 * "--gl: expected auto, egl or sdl-offscreen, got 'vulkan'").
 *
 * In the help, "{range}" in a row's text reads as its range ("1..16") and "{words}" as its
 * words ("auto, egl or sdl-offscreen"); the text is wrapped to the terminal's 80 columns.
 *
 * Does NOT: know what the options mean together (exclusions, defaults taken from the scene):
 * the command checks that after cli_parse.
 */
#ifndef SMP_CLI_OPTIONS_H
#define SMP_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "smp/gl_context.h"
#include "smp/status.h"

/* What cli_parse returns when the command should go on. */
enum { CLI_PARSED = -1 };

typedef enum cli_kind {
    CLI_END = 0,  /* ends a table: {0} */
    CLI_FLAG,     /* no value: the int member becomes 1 */
    CLI_STRING,   /* the value as given (it points into argv): a const char * member */
    CLI_INT,      /* a whole number within [min, max]: an int or long member */
    CLI_NUMBER,   /* a finite number within [min, max]: a double member */
    CLI_WORD,     /* one of words[]: an int or enum member takes the word's value */
    CLI_APPEND,   /* repeatable: each value is appended to a const char * array member, whose
                     count is the int at count_offset (an error when the array is full) */
    CLI_PARSE,    /* parse(option, value, member, err) reads and checks the value */
    CLI_ACTION,   /* no value: action() runs at once, and its exit code ends the command */
    CLI_OPERAND,  /* the operand: a const char * member; name is what the usage calls it */
    CLI_OPERANDS, /* the operands after the first: appended to a const char * array member,
                     whose count is the int at count_offset (an error when the array is full);
                     name is what the usage calls one */
} cli_kind;

typedef struct cli_word {
    const char *word; /* NULL ends a list */
    int value;
} cli_word;

/* Reads text, the value of option ("--size"), into dst; the error names the option. */
typedef smp_status (*cli_parse_fn)(const char *option, const char *text, void *dst, smp_error *err);

typedef struct cli_option {
    cli_kind kind;
    const char *name;      /* without "--"; CLI_OPERAND: its name in the usage ("SCENE") */
    char short_name;       /* 'q' for -q, or 0 */
    const char *arg;       /* the value's name in the help ("N", "FILE"); NULL: takes none */
    const char *help;      /* one paragraph; "{range}" and "{words}" expand */
    size_t offset, size;   /* the member within the group's struct */
    double min, max;       /* CLI_INT, CLI_NUMBER */
    const cli_word *words; /* CLI_WORD */
    size_t count_offset;   /* CLI_APPEND, CLI_OPERANDS */
    cli_parse_fn parse;    /* CLI_PARSE */
    int (*action)(void);   /* CLI_ACTION */
} cli_option;

#define CLI_MEMBER(type, member)                                                                   \
    .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

#define CLI_FLAG(short_, name_, help_, type, member)                                               \
    {                                                                                              \
        .kind = CLI_FLAG, .name = name_, .short_name = short_, .help = help_,                      \
        CLI_MEMBER(type, member)                                                                   \
    }
#define CLI_STRING(name_, arg_, help_, type, member)                                               \
    { .kind = CLI_STRING, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member) }
#define CLI_INT(name_, arg_, help_, type, member, min_, max_)                                      \
    {                                                                                              \
        .kind = CLI_INT, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member),      \
        .min = min_, .max = max_                                                                   \
    }
#define CLI_NUMBER(name_, arg_, help_, type, member, min_, max_)                                   \
    {                                                                                              \
        .kind = CLI_NUMBER, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member),   \
        .min = min_, .max = max_                                                                   \
    }
#define CLI_WORD(name_, arg_, help_, type, member, words_)                                         \
    {                                                                                              \
        .kind = CLI_WORD, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member),     \
        .words = words_                                                                            \
    }
#define CLI_APPEND(name_, arg_, help_, type, member, count_member)                                 \
    {                                                                                              \
        .kind = CLI_APPEND, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member),   \
        .count_offset = offsetof(type, count_member)                                               \
    }
#define CLI_PARSE(name_, arg_, help_, type, member, fn)                                            \
    {                                                                                              \
        .kind = CLI_PARSE, .name = name_, .arg = arg_, .help = help_, CLI_MEMBER(type, member),    \
        .parse = fn                                                                                \
    }
#define CLI_ACTION(name_, help_, fn)                                                               \
    { .kind = CLI_ACTION, .name = name_, .help = help_, .action = fn }
#define CLI_OPERAND(name_, type, member)                                                           \
    { .kind = CLI_OPERAND, .name = name_, CLI_MEMBER(type, member) }
#define CLI_OPERANDS(name_, type, member, count_member)                                            \
    {                                                                                              \
        .kind = CLI_OPERANDS, .name = name_, CLI_MEMBER(type, member),                             \
        .count_offset = offsetof(type, count_member)                                               \
    }

/* A table and the struct its rows' members belong to. */
typedef struct cli_group {
    const cli_option *options;
    void *base;
} cli_group;

typedef struct cli_command {
    const char *name;   /* "render", "bench scatter": the usage line and every message say it */
    const char *usage;  /* what follows the name in the usage line; NULL: "[OPERAND] [options]" */
    const char *about;  /* the paragraphs before the options, each line ending in '\n' */
    const char *footer; /* after the options (the exit status), or NULL */
    void (*more_help)(FILE *out); /* prints a section after the options, or NULL */
} cli_command;

/* Parses argv (argv[0] is the command's name) into the groups' structs, in order. Returns
 * CLI_PARSED, or the exit code the command ends with: 0 after --help or an action, 2 after a
 * usage error (printed). A malformed table is a bug: said so, exit 1. */
int cli_parse(const cli_command *cmd, const cli_group *groups, int group_count, int argc,
              char **argv);

/* ---- What every command takes ------------------------------------------------------------ */

typedef struct cli_common_args {
    int quiet;   /* print only the written paths and errors: no progress bar, no summaries */
    int verbose; /* also, on stderr: the build, the files read, timings per step */
} cli_common_args;

/* Set by the last cli_parse (zeroed at its start). */
extern cli_common_args cli_common;
extern const cli_option cli_common_options[];

/* The rows of a command (its groups and the common ones), one line each, for the shell's
 * completion: "--name KIND [WORDS...]" and "-x KIND [WORDS...]", KIND being flag, word (the
 * words follow), file, dir or value; "@operand scene" (a scene file) or "@operand file"; last
 * "--help flag" and "-h flag". */
void cli_list_options(const cli_group *groups, int group_count, FILE *out);

/* The help cli_parse prints for -h and --help. */
void cli_print_help(const cli_command *cmd, const cli_group *groups, int group_count, FILE *out);

/* One row of a help list: "  label", then text from column on, wrapped at 80 columns; a label
 * too wide for the column puts the text on the next line. */
void cli_print_row(FILE *out, const char *label, const char *text, int column);

/* ---- Values and groups shared by the commands (cli.c) ------------------------------------ */

/* An image or window size, "1280x720", each side 16..8192 (cli_parse_size). */
typedef struct cli_size {
    int width, height;
} cli_size;
smp_status cli_parse_size_value(const char *option, const char *text, void *dst, smp_error *err);

/* Times shown (smp/scene.h: untreated, healed, years after completion) in increasing order,
 * comma-separated: "healed,1,3". */
enum { CLI_MAX_TIMES = 32 };
typedef struct cli_times {
    double t[CLI_MAX_TIMES];
    int count; /* 0: none given */
} cli_times;
smp_status cli_parse_times(const char *option, const char *text, int max, double *out, int *count,
                           smp_error *err);
/* cli_parse_times into a cli_times, at most CLI_MAX_TIMES. */
smp_status cli_parse_times_value(const char *option, const char *text, void *dst, smp_error *err);

/* The GL options of the offscreen commands: --msaa N (cli_msaa_options) and --gl BACKEND
 * (cli_gl_options), both into a cli_gl_args. */
typedef struct cli_gl_args {
    smp_gl_backend backend;
    int msaa;
} cli_gl_args;
#define CLI_GL_ARGS_DEFAULT                                                                        \
    { .backend = SMP_GL_AUTO, .msaa = 4 }
extern const cli_option cli_msaa_options[];
extern const cli_option cli_gl_options[];

#endif
