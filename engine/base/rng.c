#include "smp/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t smp_rng_key(uint64_t seed, uint64_t stream) {
    /* Two chained finalisers: seeds and streams that differ in one bit give unrelated keys. */
    uint64_t z = splitmix64(splitmix64(seed) ^ stream);
    return (uint32_t)(z ^ (z >> 32));
}

/* ---- binomial draws --------------------------------------------------------------------- */

double smp_rng_unit53(uint32_t key, uint32_t counter, uint32_t j) {
    uint64_t z =
        splitmix64(((uint64_t)key << 32 | counter) ^ ((uint64_t)j * 0xd1b54a32d192ed03ull));
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

/* Natural logarithm from +, −, ×, ÷ and frexp only, so it gives the same bits on every
 * machine (libm's may differ in the last place between architectures). x > 0, finite.
 * log(m) = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172; the series to s²³ leaves < 1e-18. */
static double portable_log(double x) {
    int e;
    double m = frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double f = m - 1.0;
    double s = f / (2.0 + f), z = s * s;
    double poly = 1.0 / 23.0;
    for (int k = 10; k >= 0; --k) poly = poly * z + 1.0 / (double)(2 * k + 1);
    return (double)e * 0.69314718055994530942 + 2.0 * s * poly;
}

/* ln k! − [(k + ½) ln(k + 1) − (k + 1) + ½ ln 2π]: Stirling's correction. */
static double stirling_tail(double k) {
    static const double table[10] = {
        0.08106146679532733, 0.04134069595540946,  0.027677925684997717, 0.02079067210376584,
        0.01664469118982126, 0.013876128823072875, 0.011896709945893313, 0.010411265261973668,
        0.00925546218270945, 0.008330563433359472};
    if (k < 10.0) return table[(int)k];
    double r = 1.0 / (k + 1.0), r2 = r * r;
    return (1.0 / 12.0 - (1.0 / 360.0 - r2 / 1260.0) * r2) * r;
}

/* p ≤ ½. Inversion when n·p < 10, else Hörmann's BTRD (transformed rejection with decomposition,
 * "The generation of binomial random variates", 1993): exact in distribution either way. */
static uint32_t binomial_low(uint32_t key, uint32_t counter, uint32_t n, double p) {
    double q = 1.0 - p, np = (double)n * p;
    uint32_t j = 0;
    if (np < 10.0) {
        double p0 = 1.0, b = q;
        for (uint32_t e = n; e; e >>= 1, b *= b)
            if (e & 1u) p0 *= b;
        double ratio = p / q;
        for (;;) {
            double u = smp_rng_unit53(key, counter, j++), f = p0;
            uint32_t k = 0;
            while (u > f && k < n) {
                u -= f;
                ++k;
                f *= ratio * (double)(n - k + 1) / (double)k;
            }
            if (u <= f) return k;
        }
    }
    double spq = sqrt(np * q), npq = np * q;
    double m = floor(((double)n + 1.0) * p);
    double r = p / q, nr = ((double)n + 1.0) * r;
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = np + 0.5;
    double alpha = (2.83 + 5.1 / b) * spq, vr = 0.92 - 4.2 / b, urvr = 0.86 * vr;
    double dn = (double)n;
    for (;;) {
        double v = smp_rng_unit53(key, counter, j++), u;
        if (v <= urvr) {
            u = v / vr - 0.43;
            double k = floor((2.0 * a / (0.5 - fabs(u)) + b) * u + c);
            if (k >= 0.0 && k <= dn) return (uint32_t)k; /* always, in exact arithmetic */
            continue;
        }
        if (v >= vr) {
            u = smp_rng_unit53(key, counter, j++) - 0.5;
        } else {
            u = v / vr - 0.93;
            u = (u < 0.0 ? -0.5 : 0.5) - u;
            v = smp_rng_unit53(key, counter, j++) * vr;
        }
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > dn) continue;
        v = v * alpha / (a / (us * us) + b);
        double km = fabs(k - m);
        if (km <= 15.0) {
            double f = 1.0;
            if (m < k)
                for (double i = m + 1.0; i <= k; i += 1.0) f *= nr / i - r;
            else
                for (double i = k + 1.0; i <= m; i += 1.0) v *= nr / i - r;
            if (v <= f) return (uint32_t)k;
            continue;
        }
        v = portable_log(v);
        double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
        double t = -km * km / (2.0 * npq);
        if (v < t - rho) return (uint32_t)k;
        if (v > t + rho) continue;
        double nm = dn - m + 1.0;
        double h = (m + 0.5) * portable_log((m + 1.0) / (r * nm)) + stirling_tail(m) +
                   stirling_tail(dn - m);
        double nk = dn - k + 1.0;
        if (v <= h + (dn + 1.0) * portable_log(nm / nk) +
                     (k + 0.5) * portable_log(nk * r / (k + 1.0)) - stirling_tail(k) -
                     stirling_tail(dn - k))
            return (uint32_t)k;
    }
}

uint32_t smp_rng_binomial(uint32_t key, uint32_t counter, uint32_t n, double p) {
    if (n == 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    return p > 0.5 ? n - binomial_low(key, counter, n, 1.0 - p) : binomial_low(key, counter, n, p);
}
