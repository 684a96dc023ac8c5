#include "mc_skin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

/* Launch mixture: this share of photons is uniform over the square, the rest comes from
 * kernels spaced along the absorbers' projected axes. A kernel's launch distance r is
 * exponential, a density ∝ e^(−r/λ)/r in the plane: the diffuse fluence reaching an absorber
 * from a source r away. Half the kernels use the near scale (the absorber's own shadow), half
 * the dermis's penetration depth δ (how far red light carries). The uniform share bounds
 * every importance weight by 1/UNIFORM_SHARE, so no launch point is left unsampled. */
#define UNIFORM_SHARE  0.2
#define NEAR_LAMBDA_MM 0.15
#define KERNEL_MAX_PTS 32

/* Russian roulette. A photon lighter than WEIGHT_RR times the epidermis's transmission in and
 * out plays for its life, surviving in proportion to its weight (every photon that reaches an
 * absorber under a dark epidermis is light, and all of them matter). A photon crossing a new
 * depth level plays at even odds. Levels begin below the deepest absorber by half the dermis's
 * penetration depth δ, clamped to the range given (a photon's chance of coming back falls
 * slower in a weakly absorbing dermis, where early roulette costs more in variance than it
 * saves in time), and are spaced by the depth over which the dermis halves light, capped at
 * doubling the depth (a non-absorbing dermis has no such depth). */
#define WEIGHT_RR       0.1
#define DEPTH_RR_MIN_MM 1.0
#define DEPTH_RR_MAX_MM 3.0

/* Splitting: a photon that has not yet crossed an absorber is split in two each time it
 * halves its distance D to the nearest one (levels ⌊log2(SPLIT_FAR_MM / D)⌋, clamped) and
 * plays at even odds each time it doubles it; a diffusing photon's chance of reaching a small
 * target falls about as 1/D, so copies' weights follow their importance. */
#define SPLIT_FAR_MM    2.0
#define SPLIT_LEVEL_MAX 5
#define SPLIT_LEVEL_MIN (-3)
#define SPLIT_STACK     64

/* Photons per block of partial sums; blocks are summed in order so thread count does not
 * change the result. */
#define MAX_BLOCKS 256
#define MIN_BLOCK  1024

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* xoshiro256+ seeded per photon, so each photon's stream depends on (seed, index) only. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream) {
    uint64_t x = mix64(seed + 0x9e3779b97f4a7c15u) ^ mix64(stream * 0x9e3779b97f4a7c15u + 1);
    for (int i = 0; i < 4; ++i) {
        x += 0x9e3779b97f4a7c15u;
        r->s[i] = mix64(x);
    }
}

static uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t out = s[0] + s[3];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}

static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1p-53; }       /* [0,1) */
static double rng_open(rng *r) { return (double)((rng_next(r) >> 11) + 1) * 0x1p-53; } /* (0,1] */

typedef struct cyl {
    double a[3], v[3], h, r, r2; /* base point, unit axis, length, radius, radius² */
    double lo[3], hi[3];         /* bounding box */
    double mua;                  /* ≤ 0: black */
    double cx, cy;               /* profile centre: the axis end nearer the surface */
} cyl;

typedef struct kpt {
    double x, y, lambda, mass; /* kernel centre, scale, mixture weight */
} kpt;

typedef struct run {
    mc_layers lay;
    double inv_mus, w0, dz_level, z_rr0, w_rr;
    double lo[3], hi[3]; /* bounding box of all absorbers */
    double side, uniform_density;
    int n_abs, n_pts;
    const cyl *c;
    const kpt *pts;
    int stride; /* doubles per block of partial sums */
    uint64_t seed;
} run;

/* Partial sums per block: [0] Σy, [1] Σy², [2] steps; then per absorber Σx, Σx², Σxy, the
 * same three for the removed weight over the peak disc, and the profile's removed weight per
 * bin. y: a photon's remitted weight; x: its removed weight over the launch density. */
enum { ACC_HEAD = 3, ACC_PROF = 6, ACC_ABS = ACC_PROF + MC_PROFILE_BINS };

/* fmin/fmax are library calls at -O2 (they must handle NaN); these inline. */
static inline double min2(double a, double b) { return a < b ? a : b; }
static inline double max2(double a, double b) { return a > b ? a : b; }

static double dot3(const double a[3], const double b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Length of the segment p + t·u, t ∈ [0, s], inside the finite cylinder. */
static double cyl_len(const cyl *c, const double p[3], const double u[3], double s) {
    double d[3] = {p[0] - c->a[0], p[1] - c->a[1], p[2] - c->a[2]};
    double z0 = dot3(d, c->v), uv = dot3(u, c->v);
    double w[3], du[3];
    for (int i = 0; i < 3; ++i) {
        w[i] = d[i] - z0 * c->v[i];
        du[i] = u[i] - uv * c->v[i];
    }
    double qa = dot3(du, du), qb = dot3(w, du), qc = dot3(w, w) - c->r2;
    double t0 = 0.0, t1 = s;
    if (qa < 1e-15) {
        if (qc > 0.0) return 0.0;
    } else {
        double disc = qb * qb - qa * qc;
        if (disc <= 0.0) return 0.0;
        double sq = sqrt(disc);
        t0 = max2(t0, (-qb - sq) / qa);
        t1 = min2(t1, (-qb + sq) / qa);
        if (t0 >= t1) return 0.0;
    }
    if (fabs(uv) < 1e-15) {
        if (z0 < 0.0 || z0 > c->h) return 0.0;
    } else {
        double ta = -z0 / uv, tb = (c->h - z0) / uv;
        if (ta > tb) {
            double tmp = ta;
            ta = tb;
            tb = tmp;
        }
        t0 = max2(t0, ta);
        t1 = min2(t1, tb);
    }
    return t1 > t0 ? t1 - t0 : 0.0;
}

/* Moves the photon by s along u: tissue absorption onto its optical depth, path inside each
 * absorber. Returns whether it crossed one. */
static int advance(const run *R, double p[3], const double u[3], double s, double *tau,
                   double *len) {
    double z0 = p[2], z1 = p[2] + s * u[2];
    double t = R->lay.t_epi_mm, l_epi;
    double zmin = min2(z0, z1), zmax = max2(z0, z1);
    if (zmax <= t)
        l_epi = s;
    else if (zmin >= t)
        l_epi = 0.0;
    else
        l_epi = s * (t - zmin) / (zmax - zmin);
    *tau += R->lay.mua_epi * l_epi + R->lay.mua_derm * (s - l_epi);
    double q[3] = {p[0] + s * u[0], p[1] + s * u[1], z1};
    int hit = 0;
    if (max2(p[0], q[0]) < R->lo[0] || min2(p[0], q[0]) > R->hi[0] || max2(p[1], q[1]) < R->lo[1] ||
        min2(p[1], q[1]) > R->hi[1] || zmax < R->lo[2] || zmin > R->hi[2])
        goto moved;
    for (int j = 0; j < R->n_abs; ++j) {
        const cyl *c = &R->c[j];
        if (max2(p[0], q[0]) < c->lo[0] || min2(p[0], q[0]) > c->hi[0] ||
            max2(p[1], q[1]) < c->lo[1] || min2(p[1], q[1]) > c->hi[1] || zmax < c->lo[2] ||
            zmin > c->hi[2])
            continue;
        double l = cyl_len(c, p, u, s);
        len[j] += l;
        hit |= l > 0.0;
    }
moved:
    p[0] = q[0];
    p[1] = q[1];
    p[2] = z1;
    return hit;
}

/* Unpolarised Fresnel reflectance leaving a medium of index n at incidence cosine ci. */
static double fresnel_out(double n, double ci) {
    if (n == 1.0) return 0.0;
    double st2 = n * n * (1.0 - ci * ci);
    if (st2 >= 1.0) return 1.0;
    double ct = sqrt(1.0 - st2);
    double rs = (n * ci - ct) / (n * ci + ct);
    double rp = (ci - n * ct) / (ci + n * ct);
    return 0.5 * (rs * rs + rp * rp);
}

static void scatter(double g, rng *r, double u[3]) {
    double ct;
    if (g != 0.0) {
        double k = (1.0 - g * g) / (1.0 - g + 2.0 * g * rng_unit(r));
        ct = (1.0 + g * g - k * k) / (2.0 * g);
        ct = min2(1.0, max2(-1.0, ct));
    } else {
        ct = 2.0 * rng_unit(r) - 1.0;
    }
    double st = sqrt(1.0 - ct * ct);
    double a, b, rr;
    do { /* an azimuth without trigonometry: a uniform point in the unit disc */
        a = 2.0 * rng_unit(r) - 1.0;
        b = 2.0 * rng_unit(r) - 1.0;
        rr = a * a + b * b;
    } while (rr > 1.0 || rr == 0.0);
    double cp = (a * a - b * b) / rr, sp = 2.0 * a * b / rr;
    if (fabs(u[2]) > 0.99999) {
        u[0] = st * cp;
        u[1] = st * sp;
        u[2] = u[2] > 0.0 ? ct : -ct;
        return;
    }
    double tmp = sqrt(1.0 - u[2] * u[2]);
    double ux = u[0], uy = u[1], uz = u[2];
    u[0] = st * (ux * uz * cp - uy * sp) / tmp + ux * ct;
    u[1] = st * (uy * uz * cp + ux * sp) / tmp + uy * ct;
    u[2] = -st * cp * tmp + uz * ct;
}

/* Launch point and 1/q (q: the mixture's density per mm²), 0 outside the beam's square. */
static void launch(const run *R, rng *r, double *x, double *y, double *inv_q) {
    double h = 0.5 * R->side;
    if (R->n_pts == 0 || rng_unit(r) < UNIFORM_SHARE) {
        *x = (rng_unit(r) - 0.5) * R->side;
        *y = (rng_unit(r) - 0.5) * R->side;
    } else {
        double m = rng_unit(r), acc = 0.0;
        int k = 0;
        while (k < R->n_pts - 1 && (acc += R->pts[k].mass) <= m) ++k;
        double rad = -R->pts[k].lambda * log(rng_open(r));
        double phi = 2.0 * PI * rng_unit(r);
        *x = R->pts[k].x + rad * cos(phi);
        *y = R->pts[k].y + rad * sin(phi);
    }
    if (fabs(*x) > h || fabs(*y) > h) {
        *inv_q = 0.0;
        return;
    }
    double q = R->n_pts ? UNIFORM_SHARE * R->uniform_density : R->uniform_density;
    for (int k = 0; k < R->n_pts; ++k) {
        double d = max2(hypot(*x - R->pts[k].x, *y - R->pts[k].y), 1e-12);
        double lambda = R->pts[k].lambda;
        q += R->pts[k].mass * (1.0 - UNIFORM_SHARE) * exp(-d / lambda) / (2.0 * PI * lambda * d);
    }
    *inv_q = 1.0 / q;
}

static void escape(const run *R, const double p[3], double e, const double *len, double *xs,
                   double *xpk, double inv_q, double *acc) {
    for (int j = 0; j < R->n_abs; ++j) {
        if (len[j] <= 0.0) continue;
        const cyl *c = &R->c[j];
        double f = c->mua > 0.0 ? 1.0 - exp(-c->mua * len[j]) : 1.0;
        double removed = e * f;
        xs[j] += removed;
        if (inv_q <= 0.0) continue;
        double r = hypot(p[0] - c->cx, p[1] - c->cy);
        int bin = (int)(r / MC_PROFILE_BIN_MM);
        if (bin < MC_PROFILE_BINS) acc[ACC_HEAD + j * ACC_ABS + ACC_PROF + bin] += removed * inv_q;
        if (r < MC_PEAK_RADIUS_MM) xpk[j] += removed;
    }
}

/* Splitting level of a point, ⌊log2(SPLIT_FAR_MM / D)⌋ clamped, for D its distance to the
 * nearest absorber; found by stepping from the photon's previous level, which rarely moves.
 * *safe: how far the photon may travel before the level can change (D moves no faster). */
static int split_level(const run *R, const double p[3], int level, double *safe) {
    double dmin = INFINITY;
    for (int j = 0; j < R->n_abs; ++j) {
        const cyl *c = &R->c[j];
        double d[3] = {p[0] - c->a[0], p[1] - c->a[1], p[2] - c->a[2]};
        double t = min2(c->h, max2(0.0, dot3(d, c->v)));
        for (int i = 0; i < 3; ++i) d[i] -= t * c->v[i];
        dmin = min2(dmin, sqrt(dot3(d, d)) - c->r);
    }
    while (level < SPLIT_LEVEL_MAX && dmin <= ldexp(SPLIT_FAR_MM, -(level + 1))) ++level;
    while (level > SPLIT_LEVEL_MIN && dmin > ldexp(SPLIT_FAR_MM, -level)) --level;
    double up = level < SPLIT_LEVEL_MAX ? dmin - ldexp(SPLIT_FAR_MM, -(level + 1)) : INFINITY;
    double down = level > SPLIT_LEVEL_MIN ? ldexp(SPLIT_FAR_MM, -level) - dmin : INFINITY;
    *safe = min2(up, down);
    return level;
}

/* A photon's weight is w·e^(−tau): tissue absorption accumulates in tau, folded into w only
 * when the weight is needed (an escape, or tau past tau_rr, where the weight may have fallen
 * below the roulette threshold), which saves an exponential per step. */
typedef struct photon {
    double p[3], u[3], w, tau, tau_rr, z_level;
    double imp;  /* 2^level: the weight window scales with it */
    double safe; /* path left before the level must be checked again */
    int level, hit;
} photon;

/* One launched photon and the copies it is split into. scratch holds n_abs path lengths for
 * the live copy and each stacked one, then the photon's removed weight per absorber. */
static void trace(const run *R, uint64_t index, double *acc, double *scratch) {
    rng g;
    rng_seed(&g, R->seed, index);
    const int na = R->n_abs;
    double *len = scratch, *xs = scratch + (size_t)(SPLIT_STACK + 1) * na, *xpk = xs + na, inv_q;
    photon stack[SPLIT_STACK], ph = {.u = {0.0, 0.0, 1.0}, .w = R->w0, .z_level = R->z_rr0};
    launch(R, &g, &ph.p[0], &ph.p[1], &inv_q);
    ph.level = na ? split_level(R, ph.p, 0, &ph.safe) : 0;
    ph.imp = ldexp(1.0, ph.level);
    ph.tau_rr = log(ph.w * ph.imp / R->w_rr);
    int top = 0, fresh = 1;
    double y = 0.0, steps = 0.0;
    for (int j = 0; j < na; ++j) len[j] = xs[j] = xpk[j] = 0.0;
    for (;;) {
        double *p = ph.p, *u = ph.u;
        if (!fresh) scatter(R->lay.g, &g, u);
        fresh = 0;
        double s = -log(rng_open(&g)) * R->inv_mus;
        steps += 1.0;
        ph.safe -= s;
        while (u[2] < 0.0 && p[2] + s * u[2] <= 0.0) {
            double d = -p[2] / u[2];
            ph.hit |= advance(R, p, u, d, &ph.tau, len);
            p[2] = 0.0;
            double fr = fresnel_out(R->lay.n, -u[2]);
            if (fr < 1.0) {
                ph.w *= exp(-ph.tau);
                ph.tau = 0.0;
                double e = ph.w * (1.0 - fr);
                escape(R, p, e, len, xs, xpk, inv_q, acc);
                y += e;
                ph.w *= fr;
                ph.tau_rr = log(ph.w * ph.imp / R->w_rr);
            }
            u[2] = -u[2];
            s -= d;
        }
        ph.hit |= advance(R, p, u, s, &ph.tau, len);
        int alive = 1;
        while (alive && p[2] > ph.z_level) {
            alive = rng_unit(&g) < 0.5;
            ph.w *= 2.0;
            ph.z_level += min2(ph.z_level, R->dz_level);
        }
        if (alive && na && !ph.hit && ph.safe < 0.0) {
            int lv = split_level(R, p, ph.level, &ph.safe);
            if (lv < ph.level) {
                double keep = ldexp(1.0, lv - ph.level);
                alive = rng_unit(&g) < keep;
                ph.w /= keep;
                ph.level = lv;
                ph.imp = ldexp(1.0, lv);
            } else if (lv > ph.level) {
                int m = 1 << (lv - ph.level);
                if (m > SPLIT_STACK + 1 - top) m = SPLIT_STACK + 1 - top;
                ph.w /= m;
                ph.level = lv;
                ph.imp = ldexp(1.0, lv);
                for (int k = 1; k < m; ++k, ++top) {
                    stack[top] = ph;
                    memcpy(len + (size_t)(top + 1) * na, len, (size_t)na * sizeof *len);
                }
            }
        }
        if (alive && ph.tau > ph.tau_rr) {
            ph.w *= exp(-ph.tau);
            ph.tau = 0.0;
            double ww = ph.w * ph.imp;
            if (ww < R->w_rr) {
                alive = rng_unit(&g) * R->w_rr < ww;
                ph.w = R->w_rr / ph.imp;
            }
            ph.tau_rr = log(ph.w * ph.imp / R->w_rr);
        }
        if (alive) continue;
        if (top == 0) break;
        --top;
        ph = stack[top];
        memcpy(len, len + (size_t)(top + 1) * na, (size_t)na * sizeof *len);
    }
    acc[0] += y;
    acc[1] += y * y;
    acc[2] += steps;
    for (int j = 0; j < na; ++j) {
        double x = xs[j] * inv_q, xp = xpk[j] * inv_q, *a = acc + ACC_HEAD + j * ACC_ABS;
        a[0] += x;
        a[1] += x * x;
        a[2] += x * y;
        a[3] += xp;
        a[4] += xp * xp;
        a[5] += xp * y;
    }
}

/* Σx/Σy from the sums {Σx, Σx², Σxy} and {Σy, Σy²} of n photons, with its standard error (delta
 * method on the ratio). */
static double ratio_se(const double *x, const double *y, double n, double *se) {
    double s = x[0] / y[0], ybar = y[0] / n;
    double dev2 = (x[1] - 2.0 * s * x[2] + s * s * y[1]) / n;
    *se = sqrt(max2(0.0, dev2) / n) / ybar;
    return s;
}

/* Where the profile, smoothed over three bins against noise, first falls below half the peak;
 * interpolated between bin centres. */
static double half_max_radius(const double *profile, double peak) {
    double half = 0.5 * peak, prev = profile[0];
    for (int k = 1; k < MC_PROFILE_BINS; ++k) {
        double v = k + 1 < MC_PROFILE_BINS ? (profile[k - 1] + profile[k] + profile[k + 1]) / 3.0
                                           : profile[k];
        if (v < half) {
            double f = prev > v ? (prev - half) / (prev - v) : 0.0;
            return (k - 0.5 + min2(1.0, max2(0.0, f))) * MC_PROFILE_BIN_MM;
        }
        prev = v;
    }
    return MC_PROFILE_BINS * MC_PROFILE_BIN_MM;
}

static int setup_absorbers(const mc_absorber *abs, int n_abs, double far_mm, cyl *c, kpt *pts) {
    int n_pts = 0;
    for (int j = 0; j < n_abs; ++j) {
        const mc_absorber *b = &abs[j];
        double d[3], h2 = 0.0;
        for (int i = 0; i < 3; ++i) {
            d[i] = b->p1[i] - b->p0[i];
            h2 += d[i] * d[i];
            if (!isfinite(b->p0[i]) || !isfinite(b->p1[i])) return -1;
        }
        if (!(h2 > 0.0) || !(b->radius_mm > 0.0) || !isfinite(b->radius_mm) || isnan(b->mua_ink))
            return -1;
        double h = sqrt(h2);
        cyl *cj = &c[j];
        for (int i = 0; i < 3; ++i) {
            cj->a[i] = b->p0[i];
            cj->v[i] = d[i] / h;
            cj->lo[i] = min2(b->p0[i], b->p1[i]) - b->radius_mm;
            cj->hi[i] = max2(b->p0[i], b->p1[i]) + b->radius_mm;
        }
        cj->h = h;
        cj->r = b->radius_mm;
        cj->r2 = b->radius_mm * b->radius_mm;
        cj->mua = b->mua_ink;
        const double *top = b->p1[2] < b->p0[2] ? b->p1 : b->p0;
        const double *bot = top == b->p0 ? b->p1 : b->p0;
        cj->cx = top[0];
        cj->cy = top[1];
        double near = b->radius_mm + NEAR_LAMBDA_MM, far = b->radius_mm + far_mm;
        double span = hypot(bot[0] - top[0], bot[1] - top[1]);
        int m = 1 + (int)min2(KERNEL_MAX_PTS / 2 - 1, ceil(span / near));
        for (int k = 0; k < m; ++k) {
            double f = m > 1 ? (double)k / (m - 1) : 0.0;
            double x = top[0] + f * (bot[0] - top[0]), y = top[1] + f * (bot[1] - top[1]);
            double mass = 0.5 / ((double)n_abs * m);
            pts[n_pts++] = (kpt){x, y, near, mass};
            pts[n_pts++] = (kpt){x, y, far, mass};
        }
    }
    return n_pts;
}

int mc_skin_run(const mc_layers *layers, const mc_absorber *abs, int n_abs, long photons,
                uint64_t seed, double launch_side_mm, mc_result *out, mc_bare *bare) {
    if (!layers || n_abs < 0 || photons <= 0 || (n_abs > 0 && (!abs || !out))) return -1;
    const mc_layers *L = layers;
    if (!(L->t_epi_mm >= 0.0) || !(L->mua_epi >= 0.0) || !(L->mua_derm >= 0.0) ||
        !(L->musp > 0.0) || !(L->g > -1.0 && L->g < 1.0) || !(L->n >= 1.0) ||
        !isfinite(L->t_epi_mm + L->mua_epi + L->mua_derm + L->musp + L->n))
        return -1;
    double side = launch_side_mm > 0.0 ? launch_side_mm : 12.0;

    cyl *c = calloc((size_t)n_abs + 1, sizeof *c);
    kpt *pts = calloc((size_t)n_abs * KERNEL_MAX_PTS + 1, sizeof *pts);
    long n_blocks = (photons + MIN_BLOCK - 1) / MIN_BLOCK;
    if (n_blocks > MAX_BLOCKS) n_blocks = MAX_BLOCKS;
    int stride = ACC_HEAD + n_abs * ACC_ABS;
    double *acc = calloc((size_t)n_blocks * (size_t)stride, sizeof *acc);
    if (!c || !pts || !acc) {
        free(c), free(pts), free(acc);
        return -2;
    }
    double delta =
        L->mua_derm > 0.0 ? 1.0 / sqrt(3.0 * L->mua_derm * (L->mua_derm + L->musp)) : INFINITY;
    int n_pts = setup_absorbers(abs, n_abs, min2(delta, 0.25 * side), c, pts);
    if (n_pts < 0) {
        free(c), free(pts), free(acc);
        return -1;
    }

    double zmax = 0.0, lo[3] = {INFINITY, INFINITY, INFINITY},
           hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int j = 0; j < n_abs; ++j) {
        zmax = max2(zmax, c[j].hi[2]);
        for (int i = 0; i < 3; ++i) {
            lo[i] = min2(lo[i], c[j].lo[i]);
            hi[i] = max2(hi[i], c[j].hi[i]);
        }
    }
    double rsp = (L->n - 1.0) / (L->n + 1.0);
    rsp *= rsp;
    double mus = L->musp / (1.0 - L->g);
    run R = {.lay = *L,
             .inv_mus = 1.0 / mus,
             .w0 = 1.0 - rsp,
             .dz_level = log(2.0) * delta,
             .w_rr = WEIGHT_RR * exp(-2.0 * L->mua_epi * L->t_epi_mm),
             .z_rr0 = zmax + min2(DEPTH_RR_MAX_MM, max2(DEPTH_RR_MIN_MM, 0.5 * delta)),
             .side = side,
             .uniform_density = 1.0 / (side * side),
             .n_abs = n_abs,
             .n_pts = n_pts,
             .c = c,
             .pts = pts,
             .stride = stride,
             .seed = seed,
             .lo = {lo[0], lo[1], lo[2]},
             .hi = {hi[0], hi[1], hi[2]}};

    int failed = 0;
#pragma omp parallel
    {
        double *scratch = malloc(((size_t)SPLIT_STACK + 3) * ((size_t)n_abs + 1) * sizeof *scratch);
        if (!scratch) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (long b = 0; b < n_blocks; ++b) {
            if (!scratch) continue;
            long first = photons / n_blocks * b + (b < photons % n_blocks ? b : photons % n_blocks);
            long count = photons / n_blocks + (b < photons % n_blocks);
            for (long i = first; i < first + count; ++i)
                trace(&R, (uint64_t)i, acc + b * stride, scratch);
        }
        free(scratch);
    }
    if (failed) {
        free(c), free(pts), free(acc);
        return -2;
    }
    for (long b = 1; b < n_blocks; ++b)
        for (int k = 0; k < stride; ++k) acc[k] += acc[b * stride + k];

    double n = (double)photons, ybar = acc[0] / n;
    double r0_se = sqrt(max2(0.0, acc[1] / n - ybar * ybar) / n);
    if (bare) *bare = (mc_bare){ybar, r0_se, rsp, acc[2] / n};
    for (int j = 0; j < n_abs; ++j) {
        const double *a = acc + ACC_HEAD + j * ACC_ABS;
        mc_result *o = &out[j];
        memset(o, 0, sizeof *o);
        o->r0 = ybar;
        if (!(ybar > 0.0)) continue;
        o->sigma_eff_mm2 = ratio_se(a, acc, n, &o->sigma_eff_se);
        double peak_area = PI * MC_PEAK_RADIUS_MM * MC_PEAK_RADIUS_MM;
        o->peak_darkening = ratio_se(a + 3, acc, n, &o->peak_se) / peak_area;
        o->peak_se /= peak_area;
        for (int k = 0; k < MC_PROFILE_BINS; ++k) {
            double r_in = k * MC_PROFILE_BIN_MM, r_out = r_in + MC_PROFILE_BIN_MM;
            double area = PI * (r_out * r_out - r_in * r_in);
            o->profile[k] = a[ACC_PROF + k] / (area * acc[0]);
        }
        o->half_max_radius_mm = half_max_radius(o->profile, o->peak_darkening);
    }
    free(c), free(pts), free(acc);
    return 0;
}

int mc_layers_from_skin(const smp_skin *skin, int band, mc_layers *out) {
    if (!skin || !out || band < 0 || band >= SMP_BANDS) return -1;
    double nm = smp_band_nm[band];
    double base = smp_baseline_mua(nm);
    double eu = skin->eumelanin_share, mel_frac = skin->melanin_fraction;
    double mel = eu * smp_eumelanin_mua(nm) + (1.0 - eu) * smp_pheomelanin_mua(nm);
    double blood = skin->blood_fraction;
    /* The formulas give cm⁻¹; the Monte Carlo works in mm. The index is skin.c's. */
    *out = (mc_layers){.t_epi_mm = skin->epidermis_mm,
                       .mua_epi = 0.1 * (mel_frac * mel + (1.0 - mel_frac) * base),
                       .mua_derm = 0.1 * (blood * smp_blood_mua(nm) + (1.0 - blood) * base),
                       .musp = 0.1 * smp_dermis_musp(nm),
                       .g = 0.8,
                       .n = 1.4};
    return 0;
}

mc_absorber mc_vertical_cylinder(double diameter_mm, double z_top, double z_bot, double mua) {
    return (mc_absorber){{0.0, 0.0, z_top}, {0.0, 0.0, z_bot}, 0.5 * diameter_mm, mua};
}

mc_absorber mc_tilted_shaft(double diameter_mm, double length_mm, double elev_deg, double mua) {
    double e = elev_deg * (PI / 180.0);
    return (mc_absorber){
        {0.0, 0.0, 0.0}, {length_mm * cos(e), 0.0, length_mm * sin(e)}, 0.5 * diameter_mm, mua};
}

double mc_dipole_reflectance(double mua, double musp, double n) {
    double fdr = -1.440 / (n * n) + 0.710 / n + 0.668 + 0.0636 * n;
    double a_boundary = (1.0 + fdr) / (1.0 - fdr);
    double albedo = musp / (mua + musp);
    double s = sqrt(3.0 * (1.0 - albedo));
    return 0.5 * albedo * (1.0 + exp(-4.0 / 3.0 * a_boundary * s)) * exp(-s);
}
