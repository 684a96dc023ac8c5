#include "smp/cli_options.h"

#include <stdlib.h>
#include <string.h>

#include "smp/build_info.h"
#include "smp/cli.h"
#include "smp/clock.h"

/* ---- What every command takes ------------------------------------------------------------ */

cli_common_args cli_common;

static int print_version(void) {
    smp_build_info_print(stdout);
    return CLI_EXIT_OK;
}

const cli_option cli_common_options[] = {
    CLI_FLAG('q', "quiet", "print only the written paths and errors: no progress, no summaries",
             cli_common_args, quiet),
    CLI_FLAG('v', "verbose",
             "also print on stderr the build, the files read and how long each step took",
             cli_common_args, verbose),
    {.kind = CLI_ACTION,
     .name = "version",
     .short_name = 'V',
     .help = "print the version, commit, build and what is built in, and exit",
     .action = print_version},
    {0},
};

/* -v: the command's name, for the line printed when it ends. */
static const char *g_verbose_cmd;
static double g_verbose_start_ms;

static void verbose_end(void) {
    fprintf(stderr, "smpsim %s: done in %.0f ms\n", g_verbose_cmd,
            smp_clock_ms() - g_verbose_start_ms);
}

static void verbose_begin(const char *cmd) {
    char line[256];
    smp_build_info_line(line, sizeof line);
    fprintf(stderr, "smpsim %s: %s\n", cmd, line);
    if (!g_verbose_cmd) atexit(verbose_end);
    g_verbose_cmd = cmd;
    g_verbose_start_ms = smp_clock_ms();
}

/* The command's groups, then the common one. */
enum { MAX_GROUPS = 16 };
static int with_common(const cli_group *groups, int n, cli_group *all) {
    if (n < 0 || n >= MAX_GROUPS) return -1;
    for (int i = 0; i < n; ++i) all[i] = groups[i];
    all[n] = (cli_group){cli_common_options, &cli_common};
    return n + 1;
}

/* ---- Finding rows ------------------------------------------------------------------------ */

typedef struct found {
    const cli_option *o;
    void *base;
} found;

static int is_operand(const cli_option *o) {
    return o->kind == CLI_OPERAND || o->kind == CLI_OPERANDS;
}

static int is_option(const cli_option *o) { return o->kind != CLI_END && !is_operand(o); }

static found find_long(const cli_group *g, int n, const char *name, size_t len) {
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = g[i].options; o->kind != CLI_END; ++o)
            if (is_option(o) && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return (found){o, g[i].base};
    return (found){NULL, NULL};
}

static found find_short(const cli_group *g, int n, char c) {
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = g[i].options; o->kind != CLI_END; ++o)
            if (is_option(o) && o->short_name == c) return (found){o, g[i].base};
    return (found){NULL, NULL};
}

/* The row of the first operand (CLI_OPERAND) or of those after it (CLI_OPERANDS). */
static found find_operand_row(const cli_group *g, int n, cli_kind kind) {
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = g[i].options; o->kind != CLI_END; ++o)
            if (o->kind == kind) return (found){o, g[i].base};
    return (found){NULL, NULL};
}

static found find_operand(const cli_group *g, int n) { return find_operand_row(g, n, CLI_OPERAND); }

/* Whether a row has what its kind needs, and a member that holds its value. */
static int row_complete(const cli_option *o) {
    int takes_value = o->kind != CLI_FLAG && o->kind != CLI_ACTION && !is_operand(o);
    if (!o->name || !*o->name || (o->arg != NULL) != takes_value) return 0;
    switch (o->kind) {
    case CLI_FLAG: return o->size == sizeof(int);
    case CLI_STRING: return o->size == sizeof(const char *);
    case CLI_OPERAND: return o->size == sizeof(const char *) && !o->short_name;
    case CLI_OPERANDS: return o->size >= sizeof(const char *) && !o->short_name;
    case CLI_INT: return o->size == sizeof(int) || o->size == sizeof(long);
    case CLI_NUMBER: return o->size == sizeof(double);
    case CLI_WORD: return o->size == sizeof(int) && o->words;
    case CLI_APPEND: return o->size >= sizeof(const char *);
    case CLI_PARSE: return o->parse != NULL;
    case CLI_ACTION: return o->action != NULL;
    case CLI_END: break;
    }
    return 0;
}

/* Whether a row's names are its own: no other row has them, and neither is help's. */
static int row_unique(const cli_group *g, int n, const cli_option *o) {
    if (is_operand(o)) return find_operand_row(g, n, o->kind).o == o;
    if (strcmp(o->name, "help") == 0 || o->short_name == 'h') return 0;
    if (find_long(g, n, o->name, strlen(o->name)).o != o) return 0;
    return !o->short_name || find_short(g, n, o->short_name).o == o;
}

/* A malformed table is a bug: returns the first bad row's name, or NULL. */
static const char *bad_row(const cli_group *g, int n) {
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = g[i].options; o->kind != CLI_END; ++o)
            if (!row_complete(o)) return o->name ? o->name : "(unnamed)";
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = g[i].options; o->kind != CLI_END; ++o)
            if (!row_unique(g, n, o)) return o->name;
    return NULL;
}

/* ---- Values ------------------------------------------------------------------------------ */

static void words_text(const cli_word *w, char *out, size_t size) {
    size_t n = 0, count = 0;
    while (w[count].word) ++count;
    out[0] = '\0';
    for (size_t i = 0; i < count && n < size; ++i)
        n += (size_t)snprintf(out + n, size - n, "%s%s",
                              i == 0           ? ""
                              : i + 1 == count ? " or "
                                               : ", ",
                              w[i].word);
}

static smp_status store_word(const char *option, const cli_option *o, const char *text, int *dst,
                             smp_error *err) {
    for (const cli_word *w = o->words; w->word; ++w)
        if (strcmp(w->word, text) == 0) {
            *dst = w->value;
            return SMP_OK;
        }
    char words[256];
    words_text(o->words, words, sizeof words);
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected %s, got '%s'", option, words,
                         text);
}

static smp_status store_int(const char *option, const cli_option *o, const char *text, void *dst,
                            smp_error *err) {
    long v;
    smp_status st = cli_parse_int(option, text, (long)o->min, (long)o->max, &v, err);
    if (st != SMP_OK) return st;
    if (o->size == sizeof(long))
        *(long *)dst = v;
    else
        *(int *)dst = (int)v;
    return SMP_OK;
}

static smp_status append(const char *option, const cli_option *o, void *base, const char *text,
                         smp_error *err) {
    int *count = (int *)((char *)base + o->count_offset);
    size_t max = o->size / sizeof(const char *);
    if ((size_t)*count >= max)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "too many %s %s (at most %zu)", option,
                             o->kind == CLI_OPERANDS ? "operands" : "options", max);
    ((const char **)((char *)base + o->offset))[(*count)++] = text;
    return SMP_OK;
}

/* Stores one option's value (NULL for options that take none). */
static smp_status store(const found *f, const char *option, const char *text, smp_error *err) {
    const cli_option *o = f->o;
    void *dst = (char *)f->base + o->offset;
    switch (o->kind) {
    case CLI_FLAG: *(int *)dst = 1; return SMP_OK;
    case CLI_STRING:
    case CLI_OPERAND: *(const char **)dst = text; return SMP_OK;
    case CLI_INT: return store_int(option, o, text, dst, err);
    case CLI_NUMBER: return cli_parse_number(option, text, o->min, o->max, (double *)dst, err);
    case CLI_WORD: return store_word(option, o, text, (int *)dst, err);
    case CLI_APPEND:
    case CLI_OPERANDS: return append(option, o, f->base, text, err);
    case CLI_PARSE: return o->parse(option, text, dst, err);
    case CLI_ACTION:
    case CLI_END: break;
    }
    return SMP_OK;
}

/* ---- The command line -------------------------------------------------------------------- */

typedef struct parser {
    const cli_command *cmd;
    const cli_group *groups;
    int group_count, argc, next;
    char **argv;
} parser;

/* "unknown option '-v' (did you mean --view or --video?)": every long name that starts with
 * what was typed, dashes and any "=value" left out. */
static int unknown(const parser *p, const char *arg) {
    const char *typed = arg + strspn(arg, "-");
    size_t len = strcspn(typed, "=");
    char hint[512] = "";
    size_t n = 0;
    int count = 0;
    for (int i = 0; len && i < p->group_count; ++i)
        for (const cli_option *o = p->groups[i].options; o->kind != CLI_END; ++o)
            if (is_option(o) && strncmp(o->name, typed, len) == 0 && n < sizeof hint)
                n += (size_t)snprintf(hint + n, sizeof hint - n, "%s--%s", count++ ? " or " : "",
                                      o->name);
    if (len && strncmp("help", typed, len) == 0 && n < sizeof hint)
        n += (size_t)snprintf(hint + n, sizeof hint - n, "%s--help", count++ ? " or " : "");
    if (count)
        return cli_usage_error(p->cmd->name, "unknown option '%s' (did you mean %s?)", arg, hint);
    return cli_usage_error(p->cmd->name, "unknown option '%s'", arg);
}

/* Applies option f, given as `shown` ("--out", "-q"); inline is its "=value" or the rest of a
 * dash group, else NULL. Returns CLI_PARSED or an exit code. */
static int apply(parser *p, const found *f, const char *shown, const char *inline_value) {
    const cli_option *o = f->o;
    char option[80];
    snprintf(option, sizeof option, "--%s", o->name);
    if (!o->arg && inline_value) return cli_usage_error(p->cmd->name, "%s takes no value", option);
    if (o->kind == CLI_ACTION) return o->action();
    const char *value = inline_value;
    if (o->arg && !value) {
        if (p->next >= p->argc) return cli_usage_error(p->cmd->name, "%s needs a value", shown);
        value = p->argv[p->next++];
    }
    smp_error err = {0};
    if (store(f, option, value, &err) != SMP_OK)
        return cli_usage_error(p->cmd->name, "%s", err.message);
    return CLI_PARSED;
}

/* What a row's value is, for the shell's completion: a word from a list, a file, a directory
 * or anything. */
static const char *value_kind(const cli_option *o) {
    if (!o->arg) return "flag";
    if (o->words) return "word";
    if (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "F") == 0) return "file";
    if (strcmp(o->arg, "DIR") == 0) return "dir";
    return "value";
}

void cli_list_options(const cli_group *groups, int group_count, FILE *out) {
    cli_group all[MAX_GROUPS];
    int n = with_common(groups, group_count, all);
    for (int i = 0; i < n; ++i)
        for (const cli_option *o = all[i].options; o->kind != CLI_END; ++o) {
            if (is_operand(o)) {
                fprintf(out, "@operand%s %s\n", o->kind == CLI_OPERANDS ? "s" : "",
                        strcmp(o->name, "SCENE") == 0 ? "scene" : "file");
                continue;
            }
            for (int form = 0; form < 2; ++form) {
                if (form == 1 && !o->short_name) continue;
                if (form == 0)
                    fprintf(out, "--%s %s", o->name, value_kind(o));
                else
                    fprintf(out, "-%c %s", o->short_name, value_kind(o));
                for (const cli_word *w = o->words; o->arg && w && w->word; ++w)
                    fprintf(out, " %s", w->word);
                fputc('\n', out);
            }
        }
    fputs("--help flag\n-h flag\n", out);
}

static int long_option(parser *p, const char *arg) {
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    if (len == 12 && strncmp(name, "list-options", 12) == 0 && !eq) {
        /* hidden: the rows for the shell's completion (scripts/smpsim-completion.bash) */
        cli_list_options(p->groups, p->group_count - 1, stdout);
        return CLI_EXIT_OK;
    }
    if (len == 4 && strncmp(name, "help", 4) == 0) {
        if (eq) return cli_usage_error(p->cmd->name, "--help takes no value");
        cli_print_help(p->cmd, p->groups, p->group_count - 1, stdout);
        return CLI_EXIT_OK;
    }
    found f = find_long(p->groups, p->group_count, name, len);
    if (!f.o) return unknown(p, arg);
    char shown[80];
    snprintf(shown, sizeof shown, "--%.*s", (int)len, name);
    return apply(p, &f, shown, eq ? eq + 1 : NULL);
}

/* "-q", "-qh": one-letter options; one that takes a value takes the rest of the group, or the
 * next argument. */
static int short_options(parser *p, const char *arg) {
    for (const char *c = arg + 1; *c; ++c) {
        if (*c == 'h') {
            cli_print_help(p->cmd, p->groups, p->group_count - 1, stdout);
            return CLI_EXIT_OK;
        }
        found f = find_short(p->groups, p->group_count, *c);
        if (!f.o) {
            char typed[3] = {'-', *c, '\0'};
            return unknown(p, c == arg + 1 ? arg : typed);
        }
        char shown[3] = {'-', *c, '\0'};
        int rc = apply(p, &f, shown, f.o->arg && c[1] ? c + 1 : NULL);
        if (rc != CLI_PARSED || f.o->arg) return rc;
    }
    return CLI_PARSED;
}

int cli_parse(const cli_command *cmd, const cli_group *command_groups, int command_group_count,
              int argc, char **argv) {
    cli_common = (cli_common_args){0};
    cli_group groups[MAX_GROUPS];
    int group_count = with_common(command_groups, command_group_count, groups);
    const char *bad = group_count < 0 ? "(too many groups)" : bad_row(groups, group_count);
    if (bad) {
        fprintf(stderr, "smpsim %s: the option table is malformed at '%s'\n", cmd->name, bad);
        return CLI_EXIT_FAILURE;
    }
    parser p = {cmd, groups, group_count, argc, 1, argv};
    found operand = find_operand(groups, group_count);
    found rest = find_operand_row(groups, group_count, CLI_OPERANDS);
    const char *extra = NULL;
    int operands = 0, options_end = 0;
    while (p.next < argc) {
        const char *arg = argv[p.next++];
        int rc = CLI_PARSED;
        if (!options_end && strcmp(arg, "--") == 0) {
            options_end = 1;
        } else if (options_end || arg[0] != '-' || arg[1] == '\0') {
            /* as with getopt, an extra operand is reported once every option is read */
            if (operand.o && operands == 0) {
                *(const char **)((char *)operand.base + operand.o->offset) = arg;
            } else if (rest.o) {
                smp_error err = {0};
                if (store(&rest, rest.o->name, arg, &err) != SMP_OK)
                    return cli_usage_error(cmd->name, "%s", err.message);
            } else if (!extra) {
                extra = arg;
            }
            ++operands;
        } else if (arg[1] == '-') {
            rc = long_option(&p, arg);
        } else {
            rc = short_options(&p, arg);
        }
        if (rc != CLI_PARSED) return rc;
    }
    if (extra) return cli_usage_error(cmd->name, "unexpected argument '%s'", extra);
    if (cli_common.quiet && cli_common.verbose)
        return cli_usage_error(cmd->name, "--quiet and --verbose exclude each other");
    if (cli_common.verbose) verbose_begin(cmd->name);
    return CLI_PARSED;
}

/* ---- Help -------------------------------------------------------------------------------- */

enum { HELP_WIDTH = 80 };

static size_t label(const cli_option *o, char *out, size_t size) {
    char short_name[8] = "";
    if (o->short_name) snprintf(short_name, sizeof short_name, "-%c, ", o->short_name);
    int n = snprintf(out, size, "%s--%s%s%s", short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    return n < 0 ? 0 : (size_t)n;
}

/* The row's help with {range} and {words} filled in. */
static void expand(const cli_option *o, char *out, size_t size) {
    size_t n = 0;
    for (const char *s = o->help ? o->help : ""; *s && n + 1 < size;) {
        char range[128] = "";
        const char *key = NULL;
        if (strncmp(s, "{range}", 7) == 0) {
            key = "{range}";
            if (o->kind == CLI_INT)
                snprintf(range, sizeof range, "%ld..%ld", (long)o->min, (long)o->max);
            else
                snprintf(range, sizeof range, "%g..%g", o->min, o->max);
        } else if (strncmp(s, "{words}", 7) == 0 && o->words) {
            key = "{words}";
            words_text(o->words, range, sizeof range);
        }
        if (key) {
            n += (size_t)snprintf(out + n, size - n, "%s", range);
            s += strlen(key);
        } else {
            out[n++] = *s++;
        }
    }
    out[n < size ? n : size - 1] = '\0';
}

void cli_print_row(FILE *out, const char *name, const char *text, int column) {
    size_t at = (size_t)fprintf(out, "  %s", name);
    if (at + 2 > (size_t)column) {
        fputc('\n', out);
        at = 0;
    }
    for (const char *w = text; *w;) {
        size_t len = strcspn(w, " ");
        if (at > (size_t)column && at + 1 + len > HELP_WIDTH) {
            fputc('\n', out);
            at = 0;
        }
        for (; at < (size_t)column; ++at) fputc(' ', out);
        if (at > (size_t)column) at += (size_t)fprintf(out, " ");
        at += fwrite(w, 1, len, out);
        w += len;
        w += strspn(w, " ");
    }
    fputc('\n', out);
}

void cli_print_help(const cli_command *cmd, const cli_group *command_groups,
                    int command_group_count, FILE *out) {
    cli_group groups[MAX_GROUPS];
    int group_count = with_common(command_groups, command_group_count, groups);
    if (group_count < 0) return;
    found operand = find_operand(groups, group_count);
    char usage[128];
    snprintf(usage, sizeof usage, "%s%s%s[options]", operand.o ? "[" : "",
             operand.o ? operand.o->name : "", operand.o ? "] " : "");
    fprintf(out, "Usage: smpsim %s %s\n\n", cmd->name, cmd->usage ? cmd->usage : usage);
    if (cmd->about) fprintf(out, "%s\n", cmd->about);
    size_t width = strlen("-h, --help");
    char name[128], text[2048];
    for (int i = 0; i < group_count; ++i)
        for (const cli_option *o = groups[i].options; o->kind != CLI_END; ++o)
            if (is_option(o) && label(o, name, sizeof name) > width) width = strlen(name);
    fputs("Options:\n", out);
    for (int i = 0; i < group_count; ++i)
        for (const cli_option *o = groups[i].options; o->kind != CLI_END; ++o) {
            if (!is_option(o)) continue;
            label(o, name, sizeof name);
            expand(o, text, sizeof text);
            cli_print_row(out, name, text, (int)width + 4);
        }
    cli_print_row(out, "-h, --help", "show this help", (int)width + 4);
    if (cmd->more_help) {
        fputc('\n', out);
        cmd->more_help(out);
    }
    if (cmd->footer) fprintf(out, "\n%s", cmd->footer);
}
