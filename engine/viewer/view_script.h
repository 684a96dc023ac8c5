/* Scripts for the viewer: a small line-based file run without user input, for tests and for
 * producing the same views again. One command per line; blank lines and lines starting with
 * '#' are skipped:
 *
 *   year Y                    go to year Y after the completion of treatment (0..20), or
 *                             'healed' (30 days after the last session)
 *   view NAME                 front, back, left, right, top, three-quarter, closeup
 *   compare off | split A B | side A B | untreated [F]
 *                             no comparison; year A left of a divider and B right of it; A and
 *                             B side by side (each as year Y); untreated left of the divider at
 *                             F (0..1) of the width, the current year right
 *   split F                   move the divider to F (0..1) of the width
 *   dots|hair|skin on|off     show or hide the dots, the client's hair, the skin colour
 *   lighting NAME             clinic, overhead, daylight or flash
 *   heat off|density          the planned dot density as a heat map on the scalp
 *   play | pause | speed S    the timeline; S years per second
 *   orbit D                   turn the camera D degrees (-90..90) about the head every frame,
 *                             as a drag does (0 stops)
 *   set PATH=VALUE            edit the scene, as --set (waits for any rebuild)
 *   open FILE | save FILE     load a scene (a failure shows its errors, the scene stays) / save
 *   sheet FILE                the scene's contact sheet, as `smpsim render --sheet`
 *   video FILE                a time-lapse from healed to year 20 after completion (MP4;
 *                             waits until written)
 *   frames N                  draw N frames
 *   screenshot FILE [WxH]     the window with its panels, or the head alone at W x H
 *   train on|off              training mode on the scene on screen (waits for its dots)
 *   puncture X Y              one puncture at drawable pixel (X, Y) through the camera
 *   stroke X0 Y0 X1 Y1 MS     a held stroke from one pixel to another over MS milliseconds
 *   undo | redo               the last puncture
 *   save-session FILE         the training session, atomically
 *   load-session FILE         a session for this scene (a bad file is shown; the work stays)
 *   score-json FILE           score the work now and write the scores as JSON
 *   projection on|off         the trainee's work and the expert's at years 5 and 10 after
 *                             completion
 *
 * The whole file is checked before the window opens: a bad line exits 2 naming the line.
 *
 * Does NOT: loop, branch or wait on time: a script runs the same way on any machine.
 */
#ifndef SMP_VIEW_SCRIPT_H
#define SMP_VIEW_SCRIPT_H

#include "view.h"

typedef struct view_command view_command;

typedef struct view_script {
    char path[VIEW_PATH_MAX];
    view_command *commands;
    int count, next;
    long frames_left;
    int shot; /* index of a screenshot command waiting for the end of this frame, or -1 */
} view_script;

/* Reads and checks a script; on a bad line prints "smpsim view: FILE:LINE: ..." and returns
 * CLI_EXIT_USAGE (CLI_EXIT_FAILURE when the file cannot be read); 0 on success. */
int view_script_load(const char *path, view_script *s);
void view_script_free(view_script *s);

/* Runs commands before a frame is drawn, until one needs frames (frames, screenshot) or a
 * rebuild to finish. Returns 1 while the script runs and 0 once it is done; a command that
 * fails prints why and sets *exit_code (2 for a rejected edit, 1 for a failed write). */
int view_script_before_frame(view_script *s, viewer *v, int *exit_code);

/* After the frame and its panels are drawn (before the swap): takes a waiting screenshot.
 * Returns 0, or CLI_EXIT_FAILURE after printing why. */
int view_script_after_frame(view_script *s, viewer *v);

#endif
