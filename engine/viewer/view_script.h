/* Scripts for the viewer: a small line-based file run without user input, for tests and for
 * producing the same views again. One command per line ("year 5", "compare split healed 10",
 * "screenshot out/a.png 1920x1080"); blank lines and lines starting with '#' are skipped.
 *
 * The commands are one table in view_script.c: each row gives a command's name, what its
 * arguments look like, its help line, how its arguments are read and checked, and what it does.
 * `smpsim view --help` lists them (view_script_print_help), and docs/VIEWER.md describes them.
 *
 * The whole file is checked before the window opens: a bad line exits 2 naming the line.
 *
 * Does NOT: loop, branch or wait on time: a script runs the same way on any machine. The one
 * wait is for a file another program creates (wait-for), so that a test can drive the window
 * with real keys and mouse in between.
 */
#ifndef SMP_VIEW_SCRIPT_H
#define SMP_VIEW_SCRIPT_H

#include <stdio.h>

#include "view.h"

typedef struct view_command view_command;

typedef struct view_script {
    char path[VIEW_PATH_MAX];
    view_command *commands;
    int count, next;
    long frames_left;
    int shot; /* index of a screenshot command waiting for the end of this frame, or -1 */
    double wait_since_ms;   /* wait-for: when the wait began; 0 when none */
    double stroke_until_ms; /* stroke: when the one under way ends; 0 when none */
} view_script;

/* Reads and checks a script; on a bad line prints "smpsim view: FILE:LINE: ..." and returns
 * CLI_EXIT_USAGE (CLI_EXIT_FAILURE when the file cannot be read); 0 on success. */
int view_script_load(const char *path, view_script *s);
void view_script_free(view_script *s);

/* The commands, their arguments and what they do, for `smpsim view --help`. */
void view_script_print_help(FILE *out);

/* Runs commands before a frame is drawn, until one needs frames (frames, screenshot) or a
 * rebuild to finish. Returns 1 while the script runs and 0 once it is done; a command that
 * fails prints why and sets *exit_code (2 for a rejected edit, 1 for a failed write). */
int view_script_before_frame(view_script *s, viewer *v, int *exit_code);

/* After the frame and its panels are drawn (before the swap): takes a waiting screenshot.
 * Returns 0, or CLI_EXIT_FAILURE after printing why. */
int view_script_after_frame(view_script *s, viewer *v);

#endif
