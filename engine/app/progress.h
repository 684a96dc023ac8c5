/* A progress bar on stderr for jobs longer than a second: shown only on a terminal, redrawn at
 * most ten times a second, erased when done. */
#ifndef SMP_APP_PROGRESS_H
#define SMP_APP_PROGRESS_H

typedef struct progress {
    const char *what;
    int total, done;
    double start_ms, last_draw_ms;
    int enabled, drawn;
} progress;

void progress_begin(progress *p, const char *what, int total, int quiet);
void progress_step(progress *p);
void progress_end(progress *p);

#endif
