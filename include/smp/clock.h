/* A monotonic clock for timings and the viewer's animation: milliseconds since an arbitrary
 * start, never going back. Not a wall clock (no dates) and not a benchmark harness. */
#ifndef SMP_CLOCK_H
#define SMP_CLOCK_H

/* CLOCK_MONOTONIC in milliseconds. */
double smp_clock_ms(void);

#endif
