/* A progress bar on stderr for jobs longer than a second: shown only on a terminal, redrawn at
 * most ten times a second, erased when done. */
#ifndef SMP_PROGRESS_H
#define SMP_PROGRESS_H

typedef struct smp_progress {
    const char *what;
    int total, done;
    double start_ms, last_draw_ms;
    int enabled, drawn;
} smp_progress;

void smp_progress_begin(smp_progress *p, const char *what, int total, int quiet);
void smp_progress_step(smp_progress *p);
void smp_progress_end(smp_progress *p);

#endif
