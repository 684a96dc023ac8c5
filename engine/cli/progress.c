#include "smp/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "smp/clock.h"
#include "smp/gl_session.h"

void smp_progress_begin(smp_progress *p, const char *what, int total, int quiet) {
    *p = (smp_progress){.what = what, .total = total > 0 ? total : 1};
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start_ms = p->last_draw_ms = smp_clock_ms();
}

static void draw(smp_progress *p, double now) {
    enum { WIDTH = 30 };
    int filled = p->done * WIDTH / p->total;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; ++i) bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    double elapsed = (now - p->start_ms) / 1000.0;
    double eta = p->done > 0 ? elapsed * (p->total - p->done) / p->done : 0;
    fprintf(stderr, "\r%s [%s] %3d%% %d/%d  %.0f s left ", p->what, bar, 100 * p->done / p->total,
            p->done, p->total, eta);
    fflush(stderr);
    p->drawn = 1;
    p->last_draw_ms = now;
}

void smp_progress_step(smp_progress *p) {
    ++p->done;
    if (!p->enabled) return;
    double now = smp_clock_ms();
    if (now - p->start_ms > 1000.0 && now - p->last_draw_ms > 100.0) draw(p, now);
}

void smp_progress_end(smp_progress *p) {
    if (p->drawn) fprintf(stderr, "\r%*s\r", 80, "");
    p->drawn = 0;
}
