/* Thinning: where the density falls below the weight that sets the spacing, new dots are
 * kept at random in proportion, so soft edges fade in number at a bounded spacing. */
#include "blue_internal.h"

void bn_thin(const smp_scatter_desc *d, const bn_field *f, bn_run *run) {
    uint32_t key = smp_rng_key(d->seed, sc_stream(SC_STREAM_THIN, d->session.index, 0));
    size_t w = run->n_existing;
    for (size_t i = run->n_existing; i < run->n_acc; ++i) {
        bn_point *p = &run->acc[i];
        float dens = bn_density_at(f, p->t, p->b), wt = bn_weight_at(f, p->t, p->b);
        int keep = 1;
        if (dens < wt) {
            float u = smp_rng_unit16(smp_rng_hash(key, (uint32_t)(i - run->n_existing)) >> 16);
            keep = u * wt < dens;
        }
        if (keep) run->acc[w++] = *p;
    }
    run->n_acc = w;
}
