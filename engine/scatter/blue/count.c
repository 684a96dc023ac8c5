/* The exact-count search: the spacing scale s is searched until a maximal packing, thinned,
 * holds the count asked for to a little more; the surplus is then trimmed from the dots that
 * joined last. Also the packing's size bound that blue noise's working memory goes by. */
#include <math.h>
#include <stdlib.h>

#include "blue_internal.h"

/* Dots counted by pass for an exact count's trim; passes past the last slot share it. */
enum { BN_PASS_SLOTS = 64 };

static int bn_pass_slot(const bn_point *p) {
    return p->prio < BN_PASS_SLOTS ? (int)p->prio : BN_PASS_SLOTS - 1;
}

/* The new dots an exact count aims for among n_old existing: 0.5 % high, the surplus trimmed. */
static double bn_want(const smp_scatter_desc *d, size_t n_old) {
    return (double)d->count * 1.005 + (double)n_old;
}

double scatter_blue_points_estimate(const smp_scatter_desc *d, size_t n_old) {
    double packed, kept;
    bn_totals(d, &packed, &kept);
    /* an exact count sets the scale s so that the kept dots number count: s² = kept / want */
    if (d->count && kept > 0.0) packed *= bn_want(d, n_old) / kept;
    return bn_points_bound(packed, n_old);
}

/* The scale of the run after one that gave `got` new dots (n_old existing) at scale s, the
 * runs-th: halved after none, by the square root of the miss for the first five, then in
 * small steps. */
static double next_scale(const smp_scatter_desc *d, size_t n_old, size_t got, int runs,
                         double scale) {
    double have = (double)got + (double)n_old, want = bn_want(d, n_old);
    if (got == 0)
        scale *= 0.5;
    else if (runs < 6)
        scale *= sqrt(have / want);
    else
        scale *= got < d->count ? 0.97 : 1.002;
    return scale;
}

smp_status bn_search(const smp_scatter_desc *d, const bn_field *f, const smp_dots *dots,
                     int threads, const scatter_blue_tuning *tuning, bn_run *run, double *scale,
                     int *runs, smp_error *err) {
    const size_t n_old = dots->count;
    /* Dots kept at scale 1: what remains after thinning follows the density itself. */
    double packed, at_unit;
    bn_totals(d, &packed, &at_unit);
    double s = 1.0;
    int n = 0;
    if (d->count) s = sqrt(at_unit / bn_want(d, n_old));
    /* An exact count: aim 0.5 % high, accept 0..1 % surplus, trim it. A packing's count
     * varies by itself by about its square root, which at a thousand dots is wider than that
     * window: each run after a miss accepts half a per cent more surplus, so small counts
     * take two or three packings, not eight. */
    smp_status st = SMP_OK;
    for (;;) {
        if (run->acc) free(run->acc);
        if ((st = bn_pack(d, f, (float)s, dots, threads, tuning, run, err)) != SMP_OK) break;
        bn_thin(d, f, run);
        ++n;
        size_t got = run->n_acc - n_old;
        if (!d->count) break;
        size_t slack = d->count / 100 + 2 + (size_t)(n - 1) * (d->count / 200 + 2);
        if (got >= d->count && (got <= d->count + slack || n >= 8)) break;
        if (n >= 12) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: could not fit %zu dots (got %zu at spacing scale "
                               "%.3g); the area is too small or already full",
                               d->count, got, s);
            break;
        }
        s = next_scale(d, n_old, got, n, s);
    }
    *scale = s;
    *runs = n;
    return st;
}

/* Remove the surplus from the dots that joined last. A late pass's dot filled a gap just wide
 * enough for it, so taking it out reopens only that small gap; a first pass's dot holds a
 * dot's whole room. Whole passes go from the last back, and the pass where the surplus runs
 * out loses the rest evenly along its order, which follows the triangles, so the holes spread
 * over the whole surface. */
size_t bn_trim(const smp_scatter_desc *d, bn_run *run) {
    const size_t n_old = run->n_existing, got = run->n_acc - n_old;
    if (!d->count || got <= d->count) return 0;
    size_t surplus = got - d->count, w = n_old;
    size_t in_pass[BN_PASS_SLOTS] = {0};
    for (size_t j = n_old; j < run->n_acc; ++j) ++in_pass[bn_pass_slot(&run->acc[j])];
    int last = BN_PASS_SLOTS - 1;
    size_t later = 0; /* dots of passes after `last` */
    while (later + in_pass[last] <= surplus) later += in_pass[last--];
    size_t share = surplus - later, seen = 0; /* share < in_pass[last] */
    for (size_t j = n_old; j < run->n_acc; ++j) {
        int slot = bn_pass_slot(&run->acc[j]);
        if (slot > last) continue;
        if (slot == last) {
            size_t a = (seen * share) / in_pass[last], b = ((seen + 1) * share) / in_pass[last];
            ++seen;
            if (b > a) continue;
        }
        run->acc[w++] = run->acc[j];
    }
    run->n_acc = w;
    return got - (w - n_old);
}
