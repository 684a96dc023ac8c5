/* Large work arrays: allocated so that first touches cost few page faults. */
#ifndef SMP_BIGALLOC_H
#define SMP_BIGALLOC_H

#include <stddef.h>

/* Memory for bytes, 64-byte aligned; 2 MiB aligned and marked for transparent huge pages when
 * it is 512 KiB or more. Free with free(). NULL when out of memory. */
void *smp_big_alloc(size_t bytes);

/* Grows *p (from smp_big_alloc, or NULL) to hold n elements of size elem, keeping its
 * contents; never shrinks, grows by at least half. 0 when out of memory (*p unchanged). */
int smp_big_reserve(void **p, size_t *cap, size_t n, size_t elem);

/* 1 when an allocation of mib MiB fails now (it is freed at once). A library that fails
 * without saying why (an OpenGL driver that cannot map itself, a framebuffer the driver could
 * not allocate) fails this way under a memory limit such as ulimit -v: callers use it to say
 * "out of memory" rather than blame the library. Says nothing under overcommit without a
 * limit, where allocations succeed until pages are touched. */
int smp_memory_short(size_t mib);

#endif
