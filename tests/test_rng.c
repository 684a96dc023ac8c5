/* Counter-based draws: the binomial sampler against the exact distribution. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "smp/rng.h"
#include "support.h"

static double log_pmf(uint32_t n, double p, uint32_t k) {
    return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma((double)(n - k) + 1.0) + k * log(p) +
           (double)(n - k) * log1p(-p);
}

/* Draws `samples` values and compares their histogram with the exact probabilities: every k
 * whose expected count is ≥ 20 is its own bin, the rest of each tail one bin. */
static void check_binomial(uint32_t n, double p, uint32_t seed) {
    const int samples = 200000;
    uint32_t key = smp_rng_key(seed, 0x62696e);
    double mean = (double)n * p, sd = sqrt(mean * (1.0 - p));
    long lo = (long)floor(mean - 8.0 * sd - 2.0), hi = (long)ceil(mean + 8.0 * sd + 2.0);
    if (lo < 0) lo = 0;
    if (hi > (long)n) hi = (long)n;
    size_t span = (size_t)(hi - lo + 1);
    double *hist = calloc(span, sizeof(double));
    double sum = 0.0;
    for (int i = 0; i < samples; ++i) {
        uint32_t k = smp_rng_binomial(key, (uint32_t)i, n, p);
        cr_assert_leq(k, n, "Binomial(%u, %g) gave %u", n, p, k);
        cr_assert(k >= (uint32_t)lo && k <= (uint32_t)hi, "Binomial(%u, %g) gave %u, 8 sd out", n,
                  p, k);
        hist[k - (uint32_t)lo] += 1.0;
        sum += k;
    }
    double chi2 = 0.0, tail_obs = 0.0, tail_exp = 0.0;
    int bins = 0;
    for (size_t j = 0; j < span; ++j) {
        double e = samples * exp(log_pmf(n, p, (uint32_t)(lo + (long)j)));
        tail_obs += hist[j];
        tail_exp += e;
        if (tail_exp >= 20.0) { /* close a bin once it expects enough */
            chi2 += (tail_obs - tail_exp) * (tail_obs - tail_exp) / tail_exp;
            tail_obs = tail_exp = 0.0;
            ++bins;
        }
    }
    if (tail_exp > 0.0 || tail_obs > 0.0) { /* the upper tail: whatever probability is left */
        double e = tail_exp > 1e-9 ? tail_exp : 1e-9;
        chi2 += (tail_obs - e) * (tail_obs - e) / e;
        ++bins;
    }
    double crit = chi2_critical(bins - 1);
    cr_assert_lt(chi2, crit, "Binomial(%u, %g): chi-square %.1f over %d bins, 0.1 %% bound %.1f", n,
                 p, chi2, bins, crit);
    double z = (sum / samples - mean) / (sd / sqrt((double)samples));
    cr_assert_lt(fabs(z), 4.0, "Binomial(%u, %g): mean %g, expected %g (z = %.2f)", n, p,
                 sum / samples, mean, z);
    free(hist);
}

Test(rng, binomial_small_means_follow_the_exact_distribution) {
    check_binomial(7, 0.3, 1);            /* inversion */
    check_binomial(30, 0.25, 2);          /* inversion, mean 7.5 */
    check_binomial(50, 0.9, 3);           /* p > ½: n − Binomial(n, 0.1) */
    check_binomial(3000000000u, 2e-9, 4); /* huge n, tiny p */
}

Test(rng, binomial_large_means_follow_the_exact_distribution) {
    check_binomial(200, 0.06, 5); /* BTRD just above its threshold (mean 12) */
    check_binomial(1000, 0.5, 6);
    check_binomial(5000, 0.013, 7);     /* mean 65: the recursive test near the mode */
    check_binomial(123456789, 0.37, 8); /* the log squeeze and the Stirling test */
    check_binomial(1000000, 0.999, 9);
}

Test(rng, binomial_edges_and_determinism) {
    uint32_t key = smp_rng_key(11, 0);
    cr_assert_eq(smp_rng_binomial(key, 0, 0, 0.5), 0);
    cr_assert_eq(smp_rng_binomial(key, 0, 100, 0.0), 0);
    cr_assert_eq(smp_rng_binomial(key, 0, 100, -1.0), 0);
    cr_assert_eq(smp_rng_binomial(key, 0, 100, NAN), 0);
    cr_assert_eq(smp_rng_binomial(key, 0, 100, 1.0), 100);
    cr_assert_eq(smp_rng_binomial(key, 0, 4000000000u, 1.0), 4000000000u);
    /* a pure function of its arguments: counters and keys give other values */
    int same_counter = 0, same_key = 0;
    for (uint32_t i = 0; i < 1000; ++i) {
        uint32_t a = smp_rng_binomial(key, i, 100000, 0.5);
        cr_assert_eq(a, smp_rng_binomial(key, i, 100000, 0.5));
        same_counter += a == smp_rng_binomial(key, i + 1, 100000, 0.5);
        same_key += a == smp_rng_binomial(key + 1, i, 100000, 0.5);
    }
    /* P(two draws equal) ≈ 1 / (2√π·sd) = 0.0018 for sd = 158 */
    cr_assert_lt(same_counter, 12, "%d", same_counter);
    cr_assert_lt(same_key, 12, "%d", same_key);
}
