/* Scoring a dot set against an exercise's target. Everything runs on one thread in a fixed
 * order (hash-grid buckets are filled in index order), so a dot set always scores the same. */
#include "smp/score.h"

#include <assert.h>
#include <cjson/cJSON.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/blend.h"

/* Luminance weights of linear sRGB (Rec. 709). */
static const double k_luma[3] = {0.2126, 0.7152, 0.0722};

/* The blue-noise spacing the scatter core aims for at density ρ dots/cm² (smp/scatter.h: the
 * jamming density of random sequential disk packing), in mm. */
static double blue_spacing_mm(double density_per_cm2) {
    return 10.0 * sqrt(0.6965 / density_per_cm2);
}

/* A Gaussian footprint falls to half its maximum at 1.1774 σ; two dots whose half-maximum
 * disks touch read as one blurred mark. */
static const double k_half_max_sigmas = 1.1774100225154747;

static const char *const k_item_names[SMP_SCORE_ITEM_COUNT] = {
    "density", "spacing", "hairline", "consistency", "merge", "contrast", "touch_up"};
static const char *const k_zone_names[SMP_SCORE_ZONE_COUNT] = {
    "top",          "crown",     "back",       "front",     "left temple",
    "right temple", "left side", "right side", "lower head"};

const char *smp_score_item_name(smp_score_item item) {
    return (unsigned)item < SMP_SCORE_ITEM_COUNT ? k_item_names[item] : NULL;
}

const char *smp_score_zone_name(int zone) {
    return (unsigned)zone < SMP_SCORE_ZONE_COUNT ? k_zone_names[zone] : NULL;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Weights of the items in the overall score (docs/TRAINING.md): where the dots go carries it;
 * what the tool and the shade decide more than the hand carries little. */
static const double k_weight[SMP_SCORE_ITEM_COUNT] = {30, 25, 20, 5, 10, 5, 5};

double smp_score_item_weight(smp_score_item item) {
    return (unsigned)item < SMP_SCORE_ITEM_COUNT ? k_weight[item] : 0.0;
}

char smp_score_grade_of(double overall) {
    return overall >= 90   ? 'A'
           : overall >= 80 ? 'B'
           : overall >= 70 ? 'C'
           : overall >= 60 ? 'D'
                           : 'F';
}

/* Zones by direction from the head-frame origin: alpha from +Y, phi the azimuth (0 towards the
 * face, +90° the client's left), as the scalp fields chart the head. */
int smp_score_zone_of(const float p[3]) {
    double r = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
    if (r <= 0) return 0;
    double alpha = acos(fmax(-1.0, fmin(1.0, p[1] / r))) * (180.0 / 3.14159265358979323846);
    double phi = atan2(p[0], p[2]) * (180.0 / 3.14159265358979323846);
    double aphi = fabs(phi);
    if (alpha < 30) return 0;
    if (alpha > 120) return 8;
    if (aphi >= 110) return alpha < 60 ? 1 : 2;
    if (aphi < 30) return 3;
    if (aphi < 75) return phi > 0 ? 4 : 5;
    return phi > 0 ? 6 : 7;
}

static int zone_of(const float p[3]) { return smp_score_zone_of(p); }

/* --- a hash grid over points ------------------------------------------------------------ */

/* Buckets by hashed cell; a bucket may hold points of other cells that share its hash, so a
 * query checks each point's own cell and visits each point once. */
typedef struct pgrid {
    const float *p; /* xyz per point */
    float inv_cell;
    uint32_t per_cell_max; /* a query takes at most this many points of one cell (0: all) */
    uint32_t mask;
    uint32_t *start; /* mask + 2 offsets into item */
    uint32_t *item;
} pgrid;

typedef struct nbuf {
    uint32_t *i;
    float *d2;
    size_t n, cap;
} nbuf;

static uint32_t cell_hash(int a, int b, int c) {
    return ((uint32_t)a * 73856093u) ^ ((uint32_t)b * 19349663u) ^ ((uint32_t)c * 83492791u);
}

static int cell_coord(const pgrid *g, float v) { return (int)floorf(v * g->inv_cell); }

static void pgrid_free(pgrid *g) {
    free(g->start);
    free(g->item);
    memset(g, 0, sizeof *g);
}

static smp_status pgrid_build(pgrid *g, const float *p, size_t n, float cell, uint32_t per_cell_max,
                              smp_error *err) {
    memset(g, 0, sizeof *g);
    g->per_cell_max = per_cell_max;
    size_t size = 64;
    while (size < 2 * n) size *= 2;
    g->p = p;
    g->inv_cell = 1.0f / cell;
    g->mask = (uint32_t)(size - 1);
    g->start = calloc(size + 2, sizeof *g->start);
    g->item = malloc(sizeof *g->item * (n ? n : 1));
    if (!g->start || !g->item) {
        pgrid_free(g);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a grid of %zu points", n);
    }
    uint32_t *bucket = malloc(sizeof *bucket * (n ? n : 1));
    if (!bucket) {
        pgrid_free(g);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a grid of %zu points", n);
    }
    for (size_t i = 0; i < n; ++i) {
        const float *q = p + 3 * i;
        bucket[i] =
            cell_hash(cell_coord(g, q[0]), cell_coord(g, q[1]), cell_coord(g, q[2])) & g->mask;
        g->start[bucket[i] + 2]++;
    }
    for (size_t b = 2; b < size + 2; ++b) g->start[b] += g->start[b - 1];
    for (size_t i = 0; i < n; ++i) g->item[g->start[bucket[i] + 1]++] = (uint32_t)i;
    free(bucket);
    return SMP_OK;
}

static int nbuf_push(nbuf *b, uint32_t i, float d2) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        uint32_t *ni = realloc(b->i, sizeof *ni * cap);
        if (!ni) return 0;
        b->i = ni;
        float *nd = realloc(b->d2, sizeof *nd * cap);
        if (!nd) return 0;
        b->d2 = nd;
        b->cap = cap;
    }
    b->i[b->n] = i;
    b->d2[b->n++] = d2;
    return 1;
}

static void nbuf_free(nbuf *b) {
    free(b->i);
    free(b->d2);
    memset(b, 0, sizeof *b);
}

/* Every point within r of q (strictly closer), in bucket order; of a cell holding more than
 * per_cell_max points, the first per_cell_max in it. Returns 0 out of memory. */
static int pgrid_query(const pgrid *g, const float q[3], float r, nbuf *out) {
    out->n = 0;
    int lo[3], hi[3];
    for (int k = 0; k < 3; ++k) lo[k] = cell_coord(g, q[k] - r), hi[k] = cell_coord(g, q[k] + r);
    float r2 = r * r;
    for (int a = lo[0]; a <= hi[0]; ++a)
        for (int b = lo[1]; b <= hi[1]; ++b)
            for (int c = lo[2]; c <= hi[2]; ++c) {
                uint32_t h = cell_hash(a, b, c) & g->mask, taken = 0;
                for (uint32_t k = g->start[h]; k < g->start[h + 1]; ++k) {
                    uint32_t j = g->item[k];
                    const float *p = g->p + 3 * (size_t)j;
                    if (cell_coord(g, p[0]) != a || cell_coord(g, p[1]) != b ||
                        cell_coord(g, p[2]) != c)
                        continue;
                    if (g->per_cell_max && taken++ == g->per_cell_max) break;
                    float dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2];
                    float d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 < r2 && !nbuf_push(out, j, d2)) return 0;
                }
            }
    return 1;
}

/* --- context ---------------------------------------------------------------------------- */

/* The frontal hairline is measured in columns 5 mm wide across the front of the fields' chart
 * (smp/fields.h): cz runs along the skin towards the face, cx across. */
enum { HL_COLUMNS = 12 };
static const double k_hl_col_mm = 5.0, k_hl_band_mm = 12.0, k_hl_lead_mm = 10.0;

/* The hairline's profile across the front: density as a share of the column's full target, in
 * 0.5 mm bins from 10 mm in front of the design's front edge to 14 mm behind it, along the skin,
 * the mean over the columns read (hl_profile_add, hl_profile_finish). */
enum { HL_BINS = 48 };
static const double k_hl_bin_mm = 0.5, k_hl_u0_mm = -10.0;
typedef struct hl_profile {
    double r[HL_BINS];
    double column[HL_COLUMNS][HL_BINS];
} hl_profile;

/* Chart position of p and its column (-1 outside the columns or behind the vertex). */
static int hl_chart(const float *p, double *cz, double *alpha) {
    double r = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
    double a = r > 0 ? acos(fmax(-1.0, fmin(1.0, p[1] / r))) : 0;
    double phi = atan2(p[0], p[2]);
    double x = r * a * sin(phi);
    *cz = r * a * cos(phi);
    if (alpha) *alpha = a;
    int k = (int)floor(x / k_hl_col_mm + HL_COLUMNS / 2.0);
    return *cz > 0 && k >= 0 && k < HL_COLUMNS ? k : -1;
}

struct smp_score_ctx {
    smp_score_desc d;
    uint32_t vertex_count;
    float *target;      /* per vertex, dots/cm² */
    float *vertex_area; /* mm², a third of each incident triangle */
    float *disk_area;   /* mm² of vertex area within kernel_mm */
    float *disk_target; /* area-weighted mean target over the disk */
    uint8_t *interior;  /* the target is ≥ 75 % of its peak within 1.5 kernel_mm */
    double zone_target[SMP_SCORE_ZONE_COUNT];
    double target_max, target_dots;
    pgrid vgrid;
    /* the designed hairline per column across the front (see score_hairline) */
    double hl_edge[HL_COLUMNS];    /* chart cz of the target's front; -INFINITY: none */
    double hl_full[HL_COLUMNS];    /* the column's full target density, dots/cm² */
    double hl_width[HL_COLUMNS];   /* the column's width on the skin, mm */
    double hl_dir[HL_COLUMNS][3];  /* unit direction back along the skin from the front */
    float hl_front[HL_COLUMNS][3]; /* the design's most frontal point in the column */
    double hl_blur2;               /* mm²: the design's measured softness² less its own */
    double hl_middle;              /* mm: the middle of the design's fade, behind its front */
};

/* p's column of the design (-1: none) and, in *u, its distance behind the column's front, along
 * the skin. */
static int hl_behind_front(const smp_score_ctx *c, const float *p, double *u) {
    double cz;
    int k = hl_chart(p, &cz, NULL);
    if (k < 0 || c->hl_edge[k] == -INFINITY) return -1;
    const float *f = c->hl_front[k];
    const double *g = c->hl_dir[k];
    *u = (p[0] - f[0]) * g[0] + (p[1] - f[1]) * g[1] + (p[2] - f[2]) * g[2];
    return k;
}

/* Adds `dots` at position p to the profile. */
static void hl_profile_add(const smp_score_ctx *c, hl_profile *pr, const float *p, double dots) {
    double u;
    int k = hl_behind_front(c, p, &u);
    if (k < 0 || c->hl_full[k] < 10.0) return;
    int b = (int)floor((u - k_hl_u0_mm) / k_hl_bin_mm);
    if (b >= 0 && b < HL_BINS) pr->column[k][b] += dots;
}

/* Each column's bins as a share of what its full target puts in a bin, averaged over the columns
 * `use` marks; returns how many that is. */
static int hl_profile_finish(const smp_score_ctx *c, hl_profile *pr, const int use[HL_COLUMNS]) {
    int n = 0;
    for (int b = 0; b < HL_BINS; ++b) pr->r[b] = 0;
    for (int k = 0; k < HL_COLUMNS; ++k) {
        if (!use[k]) continue;
        double full = c->hl_full[k] / 100.0 * c->hl_width[k] * k_hl_bin_mm; /* dots per bin */
        for (int b = 0; b < HL_BINS; ++b) pr->r[b] += pr->column[k][b] / full;
        ++n;
    }
    for (int b = 0; b < HL_BINS && n; ++b) pr->r[b] /= n;
    return n;
}

/* ∫₀ᵗ smoothstep: t³ − t⁴/2 on [0, 1]. */
static double smoothstep_integral(double t) {
    return t <= 0 ? 0 : t >= 1 ? t - 0.5 : t * t * t - 0.5 * t * t * t * t;
}

/* The mean over [a, b] of a fade-in that rises as smoothstep((u − mid)/w + ½), the fields'
 * hairline ramp (engine/fields/fields.c). */
static double fade_mean(double a, double b, double mid, double w) {
    if (w < 1e-3) return clamp01((b - mid) / (b - a));
    double ta = (a - mid) / w + 0.5, tb = (b - mid) / w + 0.5;
    return w * (smoothstep_integral(tb) - smoothstep_integral(ta)) / (b - a);
}

/* The fade-in width W (mm, 0..20) and middle (mm behind the design's front, −8..12: a fade
 * about that middle keeps 2 mm of the profile's span on either side, enough to see where it
 * starts and its level) whose ramp, at its best level, fits the profile by least squares;
 * searched on a 0.1 mm grid (the level is solved exactly at each point). A middle at either end
 * is a line that far off or further: at_limit. */
typedef struct hl_fit {
    double width_mm, middle_mm;
    int at_limit, behind; /* behind: the fade has not begun within the span */
} hl_fit;

static hl_fit hl_fit_profile(const double r[HL_BINS]) {
    enum { MID_LO = -80, MID_HI = 120 }; /* tenths of a mm */
    /* under a quarter of the full density over the span's last 4 mm: the line lies further back
     * than the span reaches, and there is no fade to fit */
    double tail = 0;
    for (int b = HL_BINS - 8; b < HL_BINS; ++b) tail += r[b] / 8;
    if (tail < 0.25) return (hl_fit){NAN, 0.1 * MID_HI, 1, 1};
    double best = INFINITY, best_w = 0;
    int best_im = 0;
    for (int iw = 0; iw <= 200; ++iw) {
        double w = 0.1 * iw;
        for (int im = MID_LO; im <= MID_HI; ++im) {
            double mid = 0.1 * im, sy = 0, ss = 0, yy = 0;
            for (int b = 0; b < HL_BINS; ++b) {
                double a = k_hl_u0_mm + b * k_hl_bin_mm;
                double shape = fade_mean(a, a + k_hl_bin_mm, mid, w);
                sy += shape * r[b], ss += shape * shape, yy += r[b] * r[b];
            }
            double e = ss > 0 ? yy - sy * sy / ss : yy; /* residual at the best level */
            if (e < best) best = e, best_w = w, best_im = im;
        }
    }
    return (hl_fit){best_w, 0.1 * best_im, best_im == MID_LO || best_im == MID_HI, 0};
}

static double dot3(const double a[3], const double b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Whether p lies in a column read, within `slack` mm of the profile's span along it. */
static int hl_near_profile(const smp_score_ctx *c, const float *p, double slack) {
    double u;
    return hl_behind_front(c, p, &u) >= 0 && u > k_hl_u0_mm - slack &&
           u < k_hl_u0_mm + HL_BINS * k_hl_bin_mm + slack;
}

/* The target as dots on the skin: every triangle it covers, cut into n² equal parts under
 * part_mm across (n at most 64), the target linear over the triangle; visit gets each part's
 * centre and the dots the target puts on it. A triangle none of whose corners `near` accepts
 * (given the triangle's longest edge as slack) is skipped; near may be NULL. */
typedef struct target_parts {
    double part_mm;
    int (*near)(const smp_score_ctx *c, const float *p, double slack);
    void (*visit)(const smp_score_ctx *c, const float *p, double dots, void *user);
    void *user;
} target_parts;

static void walk_target_parts(const smp_score_ctx *c, const target_parts *tp) {
    const smp_mesh *m = c->d.head;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        const float t0 = c->target[ix[0]], t1 = c->target[ix[1]], t2 = c->target[ix[2]];
        if (t0 <= 0 && t1 <= 0 && t2 <= 0) continue;
        const float *a = m->positions + 3 * (size_t)ix[0], *b = m->positions + 3 * (size_t)ix[1],
                    *q = m->positions + 3 * (size_t)ix[2];
        double e1[3], e2[3], e3[3], cr[3];
        for (int k = 0; k < 3; ++k) e1[k] = b[k] - a[k], e2[k] = q[k] - a[k], e3[k] = q[k] - b[k];
        double edge = sqrt(fmax(dot3(e1, e1), fmax(dot3(e2, e2), dot3(e3, e3))));
        if (tp->near && !tp->near(c, a, edge) && !tp->near(c, b, edge) && !tp->near(c, q, edge))
            continue;
        cr[0] = e1[1] * e2[2] - e1[2] * e2[1], cr[1] = e1[2] * e2[0] - e1[0] * e2[2],
        cr[2] = e1[0] * e2[1] - e1[1] * e2[0];
        double area = 0.5 * sqrt(dot3(cr, cr));
        int n = (int)ceil(edge / tp->part_mm);
        n = n < 1 ? 1 : n > 64 ? 64 : n;
        double part_cm2 = area / ((double)n * n) / 100.0;
        /* the n² parts: upright ones centred at ((i+⅓)/n, (j+⅓)/n), inverted at (i+⅔, j+⅔)/n */
        for (int i = 0; i < n; ++i)
            for (int j = 0; i + j < n; ++j)
                for (int flip = 0; flip < 2 && (flip == 0 || i + j + 1 < n); ++flip) {
                    double u = (i + (flip ? 2.0 : 1.0) / 3.0) / n,
                           v = (j + (flip ? 2.0 : 1.0) / 3.0) / n;
                    double dens = t0 + u * (t1 - t0) + v * (t2 - t0);
                    if (dens <= 0) continue;
                    float p[3];
                    for (int k = 0; k < 3; ++k) p[k] = (float)(a[k] + u * e1[k] + v * e2[k]);
                    tp->visit(c, p, dens * part_cm2, tp->user);
                }
    }
}

static void visit_profile(const smp_score_ctx *c, const float *p, double dots, void *user) {
    hl_profile_add(c, user, p, dots);
}

static void visit_zone(const smp_score_ctx *c, const float *p, double dots, void *zone_target) {
    (void)c;
    ((double *)zone_target)[zone_of(p)] += dots;
}

/* The design's own profile, read as a trainee's dots are read (score_hairline), its ramp fitted:
 * how much wider it measures than the softness it was designed with is what the measure adds
 * (the edge's wander within a column, a mesh's coarse triangles), kept as hl_blur2. */
static void hairline_design_blur(smp_score_ctx *c) {
    hl_profile *pr = calloc(1, sizeof *pr);
    if (!pr) return; /* no correction: the measure then reads the design's blur as softness */
    walk_target_parts(c, &(target_parts){.part_mm = 0.5 * k_hl_bin_mm,
                                         .near = hl_near_profile,
                                         .visit = visit_profile,
                                         .user = pr});
    int use[HL_COLUMNS];
    for (int k = 0; k < HL_COLUMNS; ++k) use[k] = c->hl_edge[k] != -INFINITY && c->hl_full[k] >= 10;
    hl_fit f = {NAN, NAN, 0, 1};
    if (hl_profile_finish(c, pr, use) > 0) f = hl_fit_profile(pr->r);
    if (!f.behind) { /* else a design whose full density lies past the span: nothing to take off */
        double want = c->d.hairline_softness_mm;
        c->hl_blur2 = f.width_mm * f.width_mm - want * want;
        c->hl_middle = f.middle_mm;
    }
    free(pr);
}

/* The design per column, from the target alone: its front (the most frontal vertex the target
 * covers), its full density (the largest target in the column), the direction back along the
 * skin (from the front vertex towards the column's target vertices 12–25 mm behind it on the chart,
 * which the chart shortens where the skin runs oblique to it) and the column's width on the
 * skin (the chart's x = r·α·sin φ stretches widths by α / sin α). */
static void hairline_design(smp_score_ctx *c) {
    const smp_mesh *m = c->d.head;
    int front[HL_COLUMNS];
    double alpha_front[HL_COLUMNS];
    for (int k = 0; k < HL_COLUMNS; ++k) {
        c->hl_edge[k] = -INFINITY, c->hl_full[k] = 0, front[k] = -1, alpha_front[k] = 0;
        c->hl_width[k] = k_hl_col_mm;
        c->hl_dir[k][0] = c->hl_dir[k][1] = c->hl_dir[k][2] = 0;
    }
    for (uint32_t v = 0; v < c->vertex_count; ++v) {
        if (c->target[v] <= 0) continue;
        double cz, a;
        int k = hl_chart(m->positions + 3 * (size_t)v, &cz, &a);
        if (k < 0) continue;
        if (c->target[v] > c->hl_full[k]) c->hl_full[k] = c->target[v];
        if (cz > c->hl_edge[k]) c->hl_edge[k] = cz, front[k] = (int)v, alpha_front[k] = a;
    }
    double sum[HL_COLUMNS][3] = {{0}};
    for (uint32_t v = 0; v < c->vertex_count; ++v) {
        double cz;
        if (c->target[v] <= 0) continue; /* the scalp the design covers, nothing inside it */
        int k = hl_chart(m->positions + 3 * (size_t)v, &cz, NULL);
        if (k < 0 || front[k] < 0) continue;
        double back = c->hl_edge[k] - cz;
        if (back < 12.0 || back >= 25.0) continue;
        for (int a = 0; a < 3; ++a)
            sum[k][a] += m->positions[3 * (size_t)v + a] - m->positions[3 * (size_t)front[k] + a];
    }
    for (int k = 0; k < HL_COLUMNS; ++k) {
        double len = sqrt(sum[k][0] * sum[k][0] + sum[k][1] * sum[k][1] + sum[k][2] * sum[k][2]);
        if (front[k] < 0 || len <= 0) {
            c->hl_edge[k] = -INFINITY;
            continue;
        }
        for (int a = 0; a < 3; ++a) c->hl_dir[k][a] = sum[k][a] / len;
        memcpy(c->hl_front[k], m->positions + 3 * (size_t)front[k], sizeof c->hl_front[k]);
        double al = alpha_front[k];
        c->hl_width[k] = al > 1e-6 ? k_hl_col_mm * sin(al) / al : k_hl_col_mm;
    }
    hairline_design_blur(c);
}

void smp_score_destroy(smp_score_ctx *c) {
    if (!c) return;
    free(c->target);
    free(c->vertex_area);
    free(c->disk_area);
    free(c->disk_target);
    free(c->interior);
    pgrid_free(&c->vgrid);
    free(c);
}

smp_status smp_score_create(const smp_score_desc *desc, smp_score_ctx **out, smp_error *err) {
    *out = NULL;
    if (!desc || !desc->head || !desc->target_density_per_cm2 || !desc->model || !desc->skin)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "score: head, target_density_per_cm2, model and skin are required");
    const smp_mesh *m = desc->head;
    smp_score_desc d = *desc;
    if (d.hairline_softness_mm == 0) d.hairline_softness_mm = 6.0f;
    if (d.depth_mm == 0) d.depth_mm = 0.4f;
    if (d.healed_years == 0) d.healed_years = 0.25;
    if (d.kernel_mm == 0) d.kernel_mm = 5.0f;
    if (!(d.kernel_mm >= 1 && d.kernel_mm <= 30))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "score: kernel_mm %g outside 1..30",
                             (double)d.kernel_mm);
    if (!(d.hairline_softness_mm > 0 && d.hairline_softness_mm <= 30))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "score: hairline_softness_mm %g outside 0..30",
                             (double)d.hairline_softness_mm);
    if (!(d.depth_mm > 0 && d.depth_mm <= 5))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "score: depth_mm %g outside 0..5",
                             (double)d.depth_mm);
    if (!(d.healed_years > 0 && d.healed_years < 100) || !(d.contrast_reference >= 0))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "score: healed_years %g or contrast_reference %g out of range",
                             d.healed_years, d.contrast_reference);
    uint32_t nv = m->vertex_count;
    for (uint32_t v = 0; v < nv; ++v) {
        float t = desc->target_density_per_cm2[v];
        if (!(t >= 0 && t <= 1e4f))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "score: target_density_per_cm2[%u] = %g, expected 0..10000", v,
                                 (double)t);
    }
    smp_score_ctx *c = calloc(1, sizeof *c);
    if (!c) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    c->d = d;
    c->vertex_count = nv;
    c->target = malloc(sizeof(float) * nv);
    c->vertex_area = calloc(nv, sizeof(float));
    c->disk_area = calloc(nv, sizeof(float));
    c->disk_target = calloc(nv, sizeof(float));
    c->interior = calloc(nv ? nv : 1, 1);
    smp_status st = SMP_OK;
    if (!c->target || !c->vertex_area || !c->disk_area || !c->disk_target || !c->interior) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory scoring %u vertices", nv);
        goto fail;
    }
    memcpy(c->target, desc->target_density_per_cm2, sizeof(float) * nv);
    c->d.target_density_per_cm2 = c->target;
    double *share = malloc(sizeof(double) * nv);
    if (!share) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory scoring %u vertices", nv);
        goto fail;
    }
    smp_mesh_vertex_areas_mm2(m, share);
    for (uint32_t v = 0; v < nv; ++v) c->vertex_area[v] = (float)share[v];
    free(share);
    for (uint32_t v = 0; v < nv; ++v) {
        c->target_dots += (double)c->target[v] * c->vertex_area[v] / 100.0;
        if (c->target[v] > c->target_max) c->target_max = c->target[v];
    }
    /* each zone's target by where on the skin it lies, as each dot's zone is where it lies, so
     * a triangle across a zone's border shares its target as its dots are shared */
    walk_target_parts(c,
                      &(target_parts){.part_mm = 1.0, .visit = visit_zone, .user = c->zone_target});
    if (c->target_dots < 1.0) {
        st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                           "score: the target asks for %.2f dots: nothing to score against",
                           c->target_dots);
        goto fail;
    }
    if (d.hairline) hairline_design(c);
    if ((st = pgrid_build(&c->vgrid, m->positions, nv, d.kernel_mm, 0, err)) != SMP_OK) goto fail;
    nbuf nb = {0};
    for (uint32_t v = 0; v < nv; ++v) {
        if (!pgrid_query(&c->vgrid, m->positions + 3 * (size_t)v, d.kernel_mm, &nb)) {
            nbuf_free(&nb);
            st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        double area = 0, weighted = 0;
        for (size_t k = 0; k < nb.n; ++k) {
            uint32_t w = nb.i[k];
            area += c->vertex_area[w];
            weighted += (double)c->vertex_area[w] * c->target[w];
        }
        c->disk_area[v] = (float)area;
        c->disk_target[v] = area > 0 ? (float)(weighted / area) : 0.0f;
    }
    for (uint32_t v = 0; v < nv; ++v) {
        if (c->target[v] < 0.75 * c->target_max) continue;
        if (!pgrid_query(&c->vgrid, m->positions + 3 * (size_t)v, 1.5f * d.kernel_mm, &nb)) {
            nbuf_free(&nb);
            st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        int full = 1;
        for (size_t k = 0; k < nb.n && full; ++k) full = c->target[nb.i[k]] >= 0.75 * c->target_max;
        c->interior[v] = (uint8_t)full;
    }
    nbuf_free(&nb);
    *out = c;
    return SMP_OK;
fail:
    smp_score_destroy(c);
    return st;
}

/* --- dots on the head ------------------------------------------------------------------- */

smp_status smp_dots_check_on_mesh(const smp_mesh *m, const smp_dots *dots, float tolerance_mm,
                                  smp_error *err) {
    double tol = tolerance_mm > 0 ? tolerance_mm : 0.01;
    for (size_t i = 0; i < dots->count; ++i) {
        uint32_t t = dots->triangle[i];
        if (t >= m->triangle_count)
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "dot %zu: triangle %u out of range (the head has %u)", i, t,
                                 m->triangle_count);
        /* u and v are each rounded to the nearest 1/65535, so their sum may pass 1 by one step */
        unsigned u = dots->bary_u[i], v = dots->bary_v[i];
        if (u + v > 65536u)
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "dot %zu: barycentrics (%.5f, %.5f) lie outside triangle %u", i,
                                 u / 65535.0, v / 65535.0, t);
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        const float *a = m->positions + 3 * ix[0], *b = m->positions + 3 * ix[1],
                    *q = m->positions + 3 * ix[2];
        double bu = u / 65535.0, bv = v / 65535.0, d2 = 0;
        const float p[3] = {dots->x[i], dots->y[i], dots->z[i]};
        for (int k = 0; k < 3; ++k) {
            double e = a[k] + bu * (b[k] - a[k]) + bv * (q[k] - a[k]) - p[k];
            d2 += e * e;
        }
        if (!(d2 <= tol * tol))
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "dot %zu: position (%g, %g, %g) is %.3g mm off the head surface "
                                 "at its triangle %u (tolerance %g mm)",
                                 i, (double)p[0], (double)p[1], (double)p[2], sqrt(d2), t, tol);
    }
    return SMP_OK;
}

/* --- scoring ---------------------------------------------------------------------------- */

typedef struct work {
    float *pos;     /* xyz per dot */
    float *nn_mm;   /* nearest-neighbour distance; INFINITY when alone */
    uint32_t *nn;   /* its index */
    float *psi;     /* re/im of the 4- and 6-fold neighbour-direction order */
    float *look[8]; /* core sigma, trans r g b; halo sigma, trans r g b, from the model */
    pgrid grid;
    nbuf nb;
} work;

static void work_free(work *w) {
    free(w->pos);
    free(w->nn_mm);
    free(w->nn);
    free(w->psi);
    for (int k = 0; k < 8; ++k) free(w->look[k]);
    pgrid_free(&w->grid);
    nbuf_free(&w->nb);
}

static float target_at(const smp_score_ctx *c, const smp_dots *dots, size_t i) {
    const uint32_t *ix = c->d.head->indices + 3 * (size_t)dots->triangle[i];
    float u = dots->bary_u[i] / 65535.0f, v = dots->bary_v[i] / 65535.0f;
    return (1.0f - u - v) * c->target[ix[0]] + u * c->target[ix[1]] + v * c->target[ix[2]];
}

/* The target-weighted share of the target's full interior (vertices whose kernel_mm disk and a
 * half beyond it lie where the target is at least 75 % of its peak) where the dots within
 * kernel_mm, over the disk's area π·kernel², are off the local target by more than half: holes
 * and piles that totals per zone average away. The disk's area is exact on a sphere, so the
 * reading does not depend on how finely the mesh samples the target. */
static smp_status patchy_share(const smp_score_ctx *c, const smp_dots *dots, double *share,
                               smp_error *err) {
    uint32_t nv = c->vertex_count;
    float *count = calloc(nv ? nv : 1, sizeof(float));
    if (!count) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the density map");
    nbuf nb = {0};
    for (size_t i = 0; i < dots->count; ++i) {
        const float p[3] = {dots->x[i], dots->y[i], dots->z[i]};
        if (!pgrid_query(&c->vgrid, p, c->d.kernel_mm, &nb)) {
            nbuf_free(&nb);
            free(count);
            return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < nb.n; ++k) count[nb.i[k]] += 1.0f;
    }
    nbuf_free(&nb);
    double disk_cm2 = 3.14159265358979 * c->d.kernel_mm * c->d.kernel_mm / 100.0;
    double off = 0, all = 0;
    for (uint32_t v = 0; v < nv; ++v) {
        if (!c->interior[v]) continue;
        double wgt = (double)c->target[v] * c->vertex_area[v];
        double want = c->disk_target[v], got = count[v] / disk_cm2;
        all += wgt;
        if (fabs(got - want) > 0.5 * want) off += wgt;
    }
    free(count);
    *share = all > 0 ? off / all : 0;
    return SMP_OK;
}

static smp_status score_density(const smp_score_ctx *c, const smp_dots *dots, const work *w,
                                smp_score *s, smp_error *err) {
    size_t outside = 0;
    double placed[SMP_SCORE_ZONE_COUNT] = {0}, stray[SMP_SCORE_ZONE_COUNT] = {0};
    for (size_t i = 0; i < dots->count; ++i) {
        /* a dot where the target asks for none is not part of its zone's fill */
        int z = zone_of(w->pos + 3 * i);
        if (target_at(c, dots, i) <= 0.0f)
            ++outside, stray[z] += 1.0;
        else
            placed[z] += 1.0;
    }
    double weighted = 0, weight = 0, over = 0, under = 0;
    int over_zone = -1, under_zone = -1;
    for (int z = 0; z < SMP_SCORE_ZONE_COUNT; ++z) {
        smp_score_zone *o = &s->zone[z];
        o->target_dots = c->zone_target[z];
        o->dots = placed[z];
        o->outside = stray[z];
        o->error = o->target_dots >= 10 ? (o->dots - o->target_dots) / o->target_dots : NAN;
        if (isnan(o->error)) continue;
        weighted += o->target_dots * fabs(o->error);
        weight += o->target_dots;
        /* the hint names the zone that is off by the most for certain: its error less three
         * standard deviations of a Poisson count of that many dots (blue noise varies less), so
         * a zone holding the fringe of a triangle or two is not named for a few dots, and when
         * all is off alike the largest zone is named */
        double sure =
            (fabs(o->dots - o->target_dots) - 3.0 * sqrt(o->target_dots)) / o->target_dots;
        if (fabs(o->error) < 0.1 || sure <= 0) continue;
        if (o->error > 0 && sure > over) over = sure, over_zone = z;
        if (o->error < 0 && sure > under) under = sure, under_zone = z;
    }
    s->target_dots = c->target_dots;
    s->density_error = weight > 0 ? weighted / weight : 0;
    s->outside_share = (double)outside / (double)dots->count;
    smp_status st = patchy_share(c, dots, &s->patchy_share, err);
    if (st != SMP_OK) return st;
    s->item[SMP_SCORE_DENSITY] =
        100.0 * clamp01(1.0 - s->density_error - 2.0 * s->outside_share - 3.0 * s->patchy_share);
    /* the worst under-dense and the worst over-dense zone, each when off by 10 % or more */
    char *h = s->hint[SMP_SCORE_DENSITY];
    size_t len = 0;
    h[0] = 0;
    if (under_zone >= 0)
        len += (size_t)snprintf(h, SMP_SCORE_HINT_MAX, "%s %.0f %% too sparse",
                                k_zone_names[under_zone], -s->zone[under_zone].error * 100.0);
    if (over_zone >= 0 && len < SMP_SCORE_HINT_MAX)
        len += (size_t)snprintf(h + len, SMP_SCORE_HINT_MAX - len, "%s%s %.0f %% too dense",
                                len ? "; " : "", k_zone_names[over_zone],
                                s->zone[over_zone].error * 100.0);
    if (!len && len < SMP_SCORE_HINT_MAX)
        len += (size_t)snprintf(h, SMP_SCORE_HINT_MAX,
                                "density is within 10 %% of the target in every area");
    if (s->patchy_share >= 0.02 && len < SMP_SCORE_HINT_MAX)
        len += (size_t)snprintf(h + len, SMP_SCORE_HINT_MAX - len,
                                "; %.0f %% of the area is off by over half (holes or piles)",
                                s->patchy_share * 100.0);
    if (s->outside_share >= 0.02 && len < SMP_SCORE_HINT_MAX)
        snprintf(h + len, SMP_SCORE_HINT_MAX - len, "; %.0f %% of dots lie outside the target area",
                 s->outside_share * 100.0);
    return SMP_OK;
}

/* A tangent frame that turns smoothly over each part of the head: on the sides, front and back
 * e1 points up the skin; on top (normal near +Y) it points to the face. Neighbouring dots then
 * measure directions from the same reference, which the lattice measure needs. */
static void tangent_frame(const float n[3], float e1[3], float e2[3]) {
    float ref[3] = {0, 1, 0};
    if (fabsf(n[1]) >= 0.7f) ref[1] = 0, ref[2] = 1;
    float d = n[0] * ref[0] + n[1] * ref[1] + n[2] * ref[2];
    float len = 0;
    for (int k = 0; k < 3; ++k) e1[k] = ref[k] - d * n[k], len += e1[k] * e1[k];
    len = sqrtf(len);
    for (int k = 0; k < 3; ++k) e1[k] /= len;
    e2[0] = n[1] * e1[2] - n[2] * e1[1];
    e2[1] = n[2] * e1[0] - n[0] * e1[2];
    e2[2] = n[0] * e1[1] - n[1] * e1[0];
}

static smp_status score_spacing(const smp_score_ctx *c, const smp_dots *dots, work *w, smp_score *s,
                                smp_error *err) {
    size_t n = dots->count;
    double rho = c->target_max > 1 ? c->target_max : 1;
    float cell = (float)fmin(5.0, fmax(0.5, 1.5 * 10.0 / sqrt(rho)));
    /* A cell holds a few dots at the target density (rho · cell² / 100 ≈ 2.25); one holding
     * many more is a clump, whose dots are all within a cell of each other: a query reads a
     * bounded share of it, which keeps many punctures on one spot linear (their nearest
     * neighbour is then found among that share, within the cell, and judged clumped all the
     * same). Work at any plausible density is untouched. */
    const uint32_t clump = 64;
    smp_status st = pgrid_build(&w->grid, w->pos, n, cell, clump, err);
    if (st != SMP_OK) return st;
    /* nearest neighbours: widen the search until one is found, up to 16 cells */
    for (size_t i = 0; i < n; ++i) {
        float best = INFINITY;
        uint32_t bi = (uint32_t)i;
        for (float r = cell; r <= 16 * cell && best == INFINITY; r *= 2) {
            if (!pgrid_query(&w->grid, w->pos + 3 * i, r, &w->nb)) goto nomem;
            for (size_t k = 0; k < w->nb.n; ++k)
                if (w->nb.i[k] != i && w->nb.d2[k] < best) best = w->nb.d2[k], bi = w->nb.i[k];
        }
        w->nn_mm[i] = best == INFINITY ? INFINITY : sqrtf(best);
        w->nn[i] = bi;
    }
    /* The spread of NN distances is read where the target is at full density: soft edges
     * thin dots at random (smp/scatter.h), which is right there and would read as uneven. */
    double sum = 0, sum_all = 0, sum2 = 0;
    size_t found = 0, full = 0, clumped = 0, judged = 0;
    for (size_t i = 0; i < n; ++i) {
        if (w->nn_mm[i] == INFINITY) continue;
        sum_all += w->nn_mm[i], ++found;
        float t = target_at(c, dots, i);
        if (t > 0) {
            ++judged;
            if (w->nn_mm[i] < 0.5 * blue_spacing_mm(t)) ++clumped;
        }
        if (t >= 0.75 * c->target_max) {
            double q = w->nn_mm[i] / blue_spacing_mm(t);
            sum += q, sum2 += q * q, ++full;
        }
    }
    s->nn_mean_mm = found ? sum_all / (double)found : NAN;
    double mean = full ? sum / (double)full : 0;
    double var = full ? sum2 / (double)full - mean * mean : 0;
    s->nn_cv = full && mean > 0 ? sqrt(fmax(0.0, var)) / mean : 0;
    s->clump_share = judged ? (double)clumped / (double)judged : 0;

    /* Neighbour directions: each dot's 4- and 6-fold bond order from its neighbours within
     * 1.25 NN (the first shell of a square or hexagonal lattice, never the diagonals). */
    for (size_t i = 0; i < n; ++i) {
        float *psi = w->psi + 4 * i;
        psi[0] = psi[1] = psi[2] = psi[3] = 0;
        if (w->nn_mm[i] == INFINITY || w->nn_mm[i] <= 0) continue;
        float nrm[3], e1[3], e2[3];
        smp_normal_decode_oct(dots->normal[i], nrm);
        tangent_frame(nrm, e1, e2);
        if (!pgrid_query(&w->grid, w->pos + 3 * i, 1.25f * w->nn_mm[i], &w->nb)) goto nomem;
        int m = 0;
        for (size_t k = 0; k < w->nb.n; ++k) {
            uint32_t j = w->nb.i[k];
            if (j == i) continue;
            float dv[3];
            for (int a = 0; a < 3; ++a) dv[a] = w->pos[3 * j + a] - w->pos[3 * i + a];
            double th = atan2(dv[0] * e2[0] + dv[1] * e2[1] + dv[2] * e2[2],
                              dv[0] * e1[0] + dv[1] * e1[1] + dv[2] * e1[2]);
            psi[0] += (float)cos(4 * th), psi[1] += (float)sin(4 * th);
            psi[2] += (float)cos(6 * th), psi[3] += (float)sin(6 * th);
            ++m;
        }
        for (int a = 0; a < 4 && m; ++a) psi[a] /= (float)m;
    }
    /* Lattice order: how much the bond order keeps its phase across ~4 spacings. In a grid the
     * rows carry one orientation through the area (|mean ψ| near 1); in blue noise the phase
     * wanders within a couple of spacings and the mean of ~50 neighbours cancels. */
    float big = (float)fmin(8.0, 4.0 * (isnan(s->nn_mean_mm) ? 1.0 : s->nn_mean_mm));
    pgrid_free(&w->grid);
    /* here cells are ~4 spacings wide: room for 8 times the dots the target puts there */
    uint32_t room = (uint32_t)fmin(1e6, 8.0 * rho / 100.0 * big * big + 64.0);
    if ((st = pgrid_build(&w->grid, w->pos, n, big, room, err)) != SMP_OK) return st;
    double order4 = 0, order6 = 0;
    size_t counted = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!pgrid_query(&w->grid, w->pos + 3 * i, big, &w->nb)) goto nomem;
        if (w->nb.n < 8) continue;
        double a[4] = {0, 0, 0, 0};
        for (size_t k = 0; k < w->nb.n; ++k)
            for (int q = 0; q < 4; ++q) a[q] += w->psi[4 * (size_t)w->nb.i[k] + q];
        order4 += hypot(a[0], a[1]) / (double)w->nb.n;
        order6 += hypot(a[2], a[3]) / (double)w->nb.n;
        ++counted;
    }
    s->lattice_order = counted ? fmax(order4, order6) / (double)counted : 0;

    if (n < SMP_SCORE_MIN_SPACING_DOTS) {
        /* a few dots over a large target say nothing about rows or evenness */
        s->lattice_order = NAN;
        s->item[SMP_SCORE_SPACING] = NAN;
        snprintf(s->hint[SMP_SCORE_SPACING], SMP_SCORE_HINT_MAX,
                 "not scored: too few dots to judge spacing and rows: %zu < %d", n,
                 SMP_SCORE_MIN_SPACING_DOTS);
        return SMP_OK;
    }
    double clump_pen = clamp01(2.0 * s->clump_share);
    double cv_pen = clamp01((s->nn_cv - 0.25) / 0.35);
    double lattice_pen = clamp01((s->lattice_order - 0.3) / 0.4);
    s->item[SMP_SCORE_SPACING] = 100.0 * (1.0 - fmax(clump_pen, cv_pen)) * (1.0 - lattice_pen);
    char *h = s->hint[SMP_SCORE_SPACING];
    if (lattice_pen > 0)
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "dots line up in rows (lattice order %.2f; natural is under 0.3): vary the "
                 "direction from one dot to the next",
                 s->lattice_order);
    else if (clump_pen >= cv_pen && s->clump_share >= 0.05)
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "%.0f %% of dots sit closer than half the ideal spacing: clumps read as dark "
                 "patches",
                 s->clump_share * 100.0);
    else if (cv_pen > 0)
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "spacing is uneven (neighbour distances vary by %.0f %%; blue noise about 15 %%)",
                 s->nn_cv * 100.0);
    else
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "spacing is even and irregular, as in natural stubble (mean %.2f mm)",
                 s->nn_mean_mm);
    return SMP_OK;
nomem:
    return smp_error_set(err, SMP_ERR_NOMEM, "out of memory scoring %zu dots", n);
}

/* The frontal hairline, in the columns of the design (hairline_design). Its softness is the
 * width of the fields' fade-in fitted to the dots' profile behind the designed front (hl_profile,
 * hl_fit_profile), less what the measure adds on this design (hl_blur2); the ramp's level is
 * fitted, so how densely the area behind it is filled does not change the hairline's score. In
 * each column the edge is the most frontal dot no more than 10 mm in front of the designed line
 * (dots further forward are strays, counted by density); the dots within 12 mm behind it decide
 * whether there is enough to judge. Irregularity is how much each column's edge departs from the
 * mean of its two neighbours (for independent edges that difference has 1.5 times their
 * variance). */
static void score_hairline(const smp_score_ctx *c, const smp_dots *dots, const work *w,
                           smp_score *s) {
    char *h = s->hint[SMP_SCORE_HAIRLINE];
    s->hairline_softness_mm = s->hairline_irregularity_mm = s->hairline_offset_mm = NAN;
    s->hairline_dots = 0;
    s->item[SMP_SCORE_HAIRLINE] = NAN;
    if (!c->d.hairline) {
        snprintf(h, SMP_SCORE_HINT_MAX, "no hairline in this exercise");
        return;
    }
    const double band = k_hl_band_mm;
    double edge[HL_COLUMNS];
    int edge_dot[HL_COLUMNS];
    for (int k = 0; k < HL_COLUMNS; ++k) edge[k] = -INFINITY, edge_dot[k] = -1;
    size_t n = dots->count;
    int8_t *col = malloc(n ? n : 1);
    if (!col) {
        snprintf(h, SMP_SCORE_HINT_MAX, "out of memory measuring the hairline");
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        double cz;
        int k = hl_chart(w->pos + 3 * i, &cz, NULL);
        if (k >= 0 && (c->hl_edge[k] == -INFINITY || cz > c->hl_edge[k] + k_hl_lead_mm)) k = -1;
        col[i] = (int8_t)k;
        if (k >= 0 && cz > edge[k]) edge[k] = cz, edge_dot[k] = (int)i;
    }
    hl_profile *pr = calloc(1, sizeof *pr);
    if (!pr) {
        free(col);
        snprintf(h, SMP_SCORE_HINT_MAX, "out of memory measuring the hairline");
        return;
    }
    size_t near[HL_COLUMNS] = {0};
    int valid[HL_COLUMNS] = {0}, nvalid = 0;
    for (size_t i = 0; i < n; ++i) {
        int k = col[i];
        if (k < 0) continue;
        const float *p = w->pos + 3 * i, *pe = w->pos + 3 * (size_t)edge_dot[k];
        const double *g = c->hl_dir[k];
        double back = (p[0] - pe[0]) * g[0] + (p[1] - pe[1]) * g[1] + (p[2] - pe[2]) * g[2];
        if (back < band) ++near[k];
        hl_profile_add(c, pr, p, 1.0);
    }
    free(col);
    for (int k = 0; k < HL_COLUMNS; ++k) {
        if (edge_dot[k] < 0 || c->hl_full[k] < 10.0) continue;
        s->hairline_dots += near[k];
        valid[k] = 1, ++nvalid;
    }
    double res2 = 0;
    int nres = 0;
    for (int k = 1; k + 1 < HL_COLUMNS; ++k)
        if (valid[k - 1] && valid[k] && valid[k + 1]) {
            double r = edge[k] - 0.5 * (edge[k - 1] + edge[k + 1]);
            res2 += r * r, ++nres;
        }
    hl_profile_finish(c, pr, valid);
    hl_fit fit = {NAN, NAN, 0, 0};
    if (s->hairline_dots >= SMP_SCORE_MIN_HAIRLINE_DOTS && nvalid >= HL_COLUMNS / 2)
        fit = hl_fit_profile(pr->r);
    free(pr);
    if (s->hairline_dots < SMP_SCORE_MIN_HAIRLINE_DOTS) {
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "not scored: too few dots along the hairline to judge it: %zu < %d",
                 s->hairline_dots, SMP_SCORE_MIN_HAIRLINE_DOTS);
        return;
    }
    if (nvalid < HL_COLUMNS / 2 || nres < 3) {
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "not scored: dots reach too few columns across the front to judge the hairline "
                 "(%d of %d)",
                 nvalid, HL_COLUMNS);
        return;
    }
    s->hairline_offset_mm = fit.middle_mm - c->hl_middle;
    s->hairline_irregularity_mm = sqrt(res2 / nres / 1.5);
    if (fit.behind) { /* the dots start behind all the profile reads: no fade, far off */
        s->item[SMP_SCORE_HAIRLINE] = 0;
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "the hairline sits more than %.0f mm behind the design: follow the red line",
                 s->hairline_offset_mm);
        return;
    }
    s->hairline_softness_mm = sqrt(fmax(0.0, fit.width_mm * fit.width_mm - c->hl_blur2));
    double want = c->d.hairline_softness_mm, got = s->hairline_softness_mm;
    double soft_ok =
        got < want ? clamp01(got / want) : clamp01(1.0 - (got - 2 * want) / (2 * want));
    /* natural hairlines wander by about 1–3 mm at the scale of a few millimetres; 5 mm columns
     * smooth that, so under 0.5 mm reads as ruled */
    double irr = s->hairline_irregularity_mm;
    double irr_ok = irr < 0.5 ? clamp01(irr / 0.5) : clamp01(1.0 - (irr - 4.0) / 4.0);
    /* where the line is scales the rest: a practitioner draws the hairline within a couple of
     * millimetres of the agreed design; 8 mm off changes the face, and leaves 40 % */
    double off = s->hairline_offset_mm;
    double pos_ok = clamp01(1.0 - (fabs(off) - 2.0) / 6.0);
    s->item[SMP_SCORE_HAIRLINE] = 100.0 * (0.7 * soft_ok + 0.3 * irr_ok) * (0.4 + 0.6 * pos_ok);
    /* what is wrong with the fade, then where the line is when it is off */
    int len = 0;
    if (got < 0.6 * want)
        len = snprintf(h, SMP_SCORE_HINT_MAX,
                       "the hairline is hard: density reaches full within %.1f mm of the edge "
                       "(aim for %.0f mm)",
                       got, want);
    else if (got > 2 * want)
        len = snprintf(h, SMP_SCORE_HINT_MAX,
                       "the hairline is vague: density takes %.0f mm to build up (aim for %.0f mm)",
                       got, want);
    else if (irr < 0.5)
        len = snprintf(h, SMP_SCORE_HINT_MAX,
                       "the hairline is too regular (edge wanders %.1f mm): break it up a little",
                       irr);
    else if (irr > 4.0)
        len = snprintf(h, SMP_SCORE_HINT_MAX, "the hairline is ragged (edge wanders %.1f mm)", irr);
    else if (fabs(off) <= 3.0)
        len = snprintf(h, SMP_SCORE_HINT_MAX,
                       "the hairline fades in over %.1f mm with a natural %.1f mm irregularity",
                       got, irr);
    if (fabs(off) > 3.0 && len >= 0 && len < SMP_SCORE_HINT_MAX)
        snprintf(h + len, SMP_SCORE_HINT_MAX - (size_t)len,
                 "%sthe hairline sits %s%.0f mm %s the design: follow the red line",
                 len ? "; " : "", fit.at_limit ? "at least " : "", fabs(off),
                 off > 0 ? "behind" : "in front of");
}

static void score_consistency(const smp_score_ctx *c, const smp_dots *dots, smp_score *s) {
    size_t n = dots->count;
    double r = 0, r2 = 0, d = 0, d2 = 0;
    for (size_t i = 0; i < n; ++i) {
        double ri = dots->radius_um[i], di = dots->depth_um[i] / 1000.0;
        r += ri, r2 += ri * ri, d += di, d2 += di * di;
    }
    double nn = (double)n;
    s->radius_mean_um = r / nn;
    s->radius_cv = sqrt(fmax(0.0, r2 / nn - s->radius_mean_um * s->radius_mean_um)) /
                   fmax(1.0, s->radius_mean_um);
    s->depth_mean_mm = d / nn;
    s->depth_sd_mm = sqrt(fmax(0.0, d2 / nn - s->depth_mean_mm * s->depth_mean_mm));
    double want = c->d.depth_mm, off = s->depth_mean_mm - want;
    double sd_pen = clamp01((s->depth_sd_mm - 0.06) / 0.2);
    double mean_pen = clamp01((fabs(off) - 0.05) / 0.3);
    double radius_pen = clamp01((s->radius_cv - 0.08) / 0.3);
    s->item[SMP_SCORE_CONSISTENCY] =
        100.0 * (1.0 - 0.4 * sd_pen - 0.35 * mean_pen - 0.25 * radius_pen);
    char *h = s->hint[SMP_SCORE_CONSISTENCY];
    if (mean_pen > 0 && mean_pen >= sd_pen)
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "dots sit %.2f mm deep on average, %s than the intended %.2f mm%s",
                 s->depth_mean_mm, off > 0 ? "deeper" : "shallower", want,
                 off > 0 ? ": deep ink spreads and turns blue"
                         : ": shallow ink is shed while healing");
    else if (sd_pen > 0)
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "depth varies by ±%.2f mm (sd) around %.2f mm; a steady hand holds ±0.06 mm",
                 s->depth_sd_mm, s->depth_mean_mm);
    else if (radius_pen > 0)
        snprintf(h, SMP_SCORE_HINT_MAX, "dot size varies by %.0f %%: keep the same pressure",
                 s->radius_cv * 100.0);
    else
        snprintf(h, SMP_SCORE_HINT_MAX,
                 "size and depth are consistent (%.2f ± %.2f mm deep, size ±%.0f %%)",
                 s->depth_mean_mm, s->depth_sd_mm, s->radius_cv * 100.0);
}

static smp_status eval_look(const smp_score_ctx *c, const smp_dots *dots, double t, work *w,
                            smp_error *err) {
    smp_dot_attrs in = smp_dot_attrs_of(dots);
    smp_dot_look out = {.sigma_mm = w->look[0],
                        .trans_r = w->look[1],
                        .trans_g = w->look[2],
                        .trans_b = w->look[3],
                        .halo_sigma_mm = w->look[4],
                        .halo_r = w->look[5],
                        .halo_g = w->look[6],
                        .halo_b = w->look[7]};
    smp_status st = smp_age_eval(c->d.model, t, &in, 0, dots->count, &out, 1, err);
    if (st != SMP_OK) smp_error_prefix(err, "dots");
    return st;
}

static double mean_contrast(const smp_score_ctx *c, const smp_dots *dots, const work *w,
                            size_t first, size_t step) {
    double sum = 0;
    size_t m = 0;
    for (size_t i = first; i < dots->count; i += step, ++m) {
        const double *alb = c->d.skin->tissue_albedo_linear[dots->tissue[i]];
        double y = 0, y0 = 0;
        for (int k = 0; k < 3; ++k)
            y += k_luma[k] * alb[k] * w->look[1 + k][i] * w->look[5 + k][i],
                y0 += k_luma[k] * alb[k];
        sum += y0 > 0 ? 1.0 - y / y0 : 0;
    }
    return m ? sum / (double)m : 0;
}

/* The colour of the area a sample of dots covers at a density, for the touch-up search. */
typedef struct sample_area {
    const smp_score_ctx *c;
    const smp_dots *sample;
    work *w;
    double per_mm2;
    smp_status status;
    smp_error *err;
} sample_area;

static void treated_of_sample(void *user, double t, double rgb[3]) {
    sample_area *u = user;
    const smp_dots *d = u->sample;
    double take[3] = {0, 0, 0}, albedo[3] = {0, 0, 0};
    if (u->status == SMP_OK) u->status = eval_look(u->c, d, t, u->w, u->err);
    for (size_t i = 0; i < d->count; ++i)
        for (int k = 0; k < 3; ++k) {
            double core =
                (double)u->w->look[0][i] * u->w->look[0][i] * (1.0 - u->w->look[1 + k][i]);
            double halo =
                (double)u->w->look[4][i] * u->w->look[4][i] * (1.0 - u->w->look[5 + k][i]);
            take[k] += 2.0 * 3.14159265358979 * (core + halo) / (double)d->count;
            albedo[k] += u->c->d.skin->tissue_albedo_linear[d->tissue[i]][k] / (double)d->count;
        }
    for (int k = 0; k < 3; ++k)
        rgb[k] = u->status == SMP_OK ? albedo[k] * exp(-u->per_mm2 * take[k]) : albedo[k];
}

static smp_status score_model(const smp_score_ctx *c, const smp_dots *dots, work *w, smp_score *s,
                              smp_error *err) {
    smp_status st;
    double merge[2];
    const double years[2] = {5.0, 10.0};
    for (int y = 0; y < 2; ++y) {
        if ((st = eval_look(c, dots, years[y], w, err)) != SMP_OK) return st;
        size_t touching = 0;
        for (size_t i = 0; i < dots->count; ++i) {
            if (w->nn_mm[i] == INFINITY) continue;
            double reach = k_half_max_sigmas * ((double)w->look[0][i] + w->look[0][w->nn[i]]);
            if (w->nn_mm[i] < reach) ++touching;
        }
        merge[y] = (double)touching / (double)dots->count;
        if (y == 0) s->contrast_5 = mean_contrast(c, dots, w, 0, 1);
    }
    s->merge_share_5 = merge[0], s->merge_share_10 = merge[1];
    s->item[SMP_SCORE_MERGE] = 100.0 * clamp01(1.0 - (merge[0] + merge[1]));
    if (merge[1] < 0.02)
        snprintf(s->hint[SMP_SCORE_MERGE], SMP_SCORE_HINT_MAX,
                 "dots stay apart: %.0f %% touch a neighbour by year 10", merge[1] * 100.0);
    else
        snprintf(s->hint[SMP_SCORE_MERGE], SMP_SCORE_HINT_MAX,
                 "%.0f %% of dots will touch a neighbour by year 5, %.0f %% by year 10: they "
                 "blur into patches (too deep or too close)",
                 merge[0] * 100.0, merge[1] * 100.0);

    if ((st = eval_look(c, dots, c->d.healed_years, w, err)) != SMP_OK) return st;
    s->contrast_0 = mean_contrast(c, dots, w, 0, 1);
    double keep = s->contrast_0 > 0 ? s->contrast_5 / s->contrast_0 : 0;
    double score = clamp01(keep);
    double ref = c->d.contrast_reference;
    if (ref > 0) score = 0.5 * score + 0.5 * clamp01(1.0 - fabs(s->contrast_0 - ref) / ref);
    s->item[SMP_SCORE_CONTRAST] = 100.0 * score;
    char *h = s->hint[SMP_SCORE_CONTRAST];
    int len = snprintf(h, SMP_SCORE_HINT_MAX,
                       "dots show %.0f %% contrast against the skin when healed, %.0f %% at year 5",
                       s->contrast_0 * 100.0, s->contrast_5 * 100.0);
    if (ref > 0 && len > 0 && len < SMP_SCORE_HINT_MAX)
        snprintf(h + len, SMP_SCORE_HINT_MAX - (size_t)len, " (target %.0f %%%s)", ref * 100.0,
                 s->contrast_0 > 1.25 * ref  ? ": too dark, dilute more"
                 : s->contrast_0 < 0.8 * ref ? ": too pale, dilute less"
                                             : "");

    /* Touch-up due: smp/blend.h's definition, on the area these dots cover (a fixed sample of
     * them, at the trainee's own density over the target's area). */
    size_t step = (dots->count + 4095) / 4096, m = (dots->count + step - 1) / step;
    smp_dots sample = {0};
    if ((st = smp_dots_alloc(&sample, m, 0, err)) != SMP_OK) return st;
    for (size_t i = 0, k = 0; i < dots->count; i += step, ++k) {
        sample.radius_um[k] = dots->radius_um[i], sample.depth_um[k] = dots->depth_um[i];
        sample.ink[k] = dots->ink[i], sample.session[k] = dots->session[i];
        sample.tissue[k] = dots->tissue[i];
    }
    sample.count = m;
    /* the target at its peak density would cover target_dots / peak of skin */
    double area_mm2 = c->target_max > 0 ? c->target_dots * 100.0 / c->target_max : 0.0;
    sample_area u = {c,      &sample, w, area_mm2 > 0 ? (double)dots->count / area_mm2 : 0.0,
                     SMP_OK, err};
    smp_touch_up_search d = {.mst = c->d.skin->mst,
                             .healed_years = c->d.healed_years,
                             .treated = treated_of_sample,
                             .user = &u};
    for (size_t i = 0; i < m; ++i)
        for (int k = 0; k < 3; ++k)
            d.bare_linear[k] += c->d.skin->tissue_albedo_linear[sample.tissue[i]][k] / (double)m;
    double hi = INFINITY;
    st = smp_touch_up_due_search(&d, &hi, err);
    if (st == SMP_OK) st = u.status;
    smp_dots_free(&sample);
    if (st != SMP_OK) return st;
    s->touch_up_due_years = hi;
    s->item[SMP_SCORE_TOUCH_UP] = 100.0 * clamp01(hi / 5.0);
    if (hi == INFINITY)
        snprintf(s->hint[SMP_SCORE_TOUCH_UP], SMP_SCORE_HINT_MAX,
                 "no touch-up needed within 100 years");
    else
        snprintf(
            s->hint[SMP_SCORE_TOUCH_UP], SMP_SCORE_HINT_MAX, "touch-up due around year %.1f%s", hi,
            hi < 3 ? ": too early (typical 4–6 years): deposit more ink, at the right depth" : "");
    return SMP_OK;
}

smp_status smp_score_eval(const smp_score_ctx *c, const smp_dots *dots, smp_score *s,
                          smp_error *err) {
    memset(s, 0, sizeof *s);
    size_t n = dots->count;
    if (n < 2)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "score: %zu dots, at least 2 needed", n);
    smp_status st = smp_dots_check_on_mesh(c->d.head, dots, 0, err);
    if (st != SMP_OK) return st;
    s->dots = n;
    work w;
    memset(&w, 0, sizeof w);
    w.pos = malloc(sizeof(float) * 3 * n);
    w.nn_mm = malloc(sizeof(float) * n);
    w.nn = malloc(sizeof(uint32_t) * n);
    w.psi = malloc(sizeof(float) * 4 * n);
    int ok = w.pos && w.nn_mm && w.nn && w.psi;
    for (int k = 0; k < 8; ++k) ok = ok && (w.look[k] = malloc(sizeof(float) * n)) != NULL;
    if (!ok) {
        work_free(&w);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory scoring %zu dots", n);
    }
    for (size_t i = 0; i < n; ++i)
        w.pos[3 * i] = dots->x[i], w.pos[3 * i + 1] = dots->y[i], w.pos[3 * i + 2] = dots->z[i];
    st = score_density(c, dots, &w, s, err);
    if (st == SMP_OK) st = score_spacing(c, dots, &w, s, err);
    if (st == SMP_OK) {
        score_hairline(c, dots, &w, s);
        score_consistency(c, dots, s);
        st = score_model(c, dots, &w, s, err);
    }
    work_free(&w);
    if (st != SMP_OK) return st;
    /* the weighted mean of the items scored; failing placement caps it, so work that misses
     * the target cannot pass on the items the tool decides */
    double sum = 0, weight = 0;
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        assert(isnan(s->item[k]) || (s->item[k] >= 0.0 && s->item[k] <= 100.0));
        if (!isnan(s->item[k])) sum += k_weight[k] * s->item[k], weight += k_weight[k];
    }
    s->overall = weight > 0 ? sum / weight : 0;
    s->capped_by = -1;
    const int gates[2] = {SMP_SCORE_DENSITY, SMP_SCORE_SPACING};
    for (int g = 0; g < 2; ++g)
        if (s->item[gates[g]] < SMP_SCORE_GATE && s->capped_by < 0) {
            s->capped_by = gates[g];
            s->overall = fmin(s->overall, SMP_SCORE_GATE_CAP);
        }
    s->grade = smp_score_grade_of(s->overall);
    return SMP_OK;
}

smp_status smp_score_density_map(const smp_score_ctx *c, const smp_dots *dots, float *heat,
                                 smp_error *err) {
    smp_status st = smp_dots_check_on_mesh(c->d.head, dots, 0, err);
    if (st != SMP_OK) return st;
    uint32_t nv = c->vertex_count;
    for (uint32_t v = 0; v < nv; ++v) heat[v] = 0.0f;
    nbuf nb = {0};
    for (size_t i = 0; i < dots->count; ++i) {
        const float p[3] = {dots->x[i], dots->y[i], dots->z[i]};
        if (!pgrid_query(&c->vgrid, p, c->d.kernel_mm, &nb)) {
            nbuf_free(&nb);
            return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < nb.n; ++k) heat[nb.i[k]] += 1.0f;
    }
    nbuf_free(&nb);
    float floor_ref = (float)(0.25 * c->target_max);
    for (uint32_t v = 0; v < nv; ++v) {
        float measured = c->disk_area[v] > 0 ? heat[v] * 100.0f / c->disk_area[v] : 0.0f;
        float target = c->disk_target[v];
        float ref = target > floor_ref ? target : floor_ref;
        heat[v] = (measured == 0.0f && target == 0.0f) ? 0.0f : (measured - target) / ref;
    }
    return SMP_OK;
}

/* --- as JSON --------------------------------------------------------------------------- */

static cJSON *num(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

cJSON *smp_score_json(const smp_score *s) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "dots", (double)s->dots);
    cJSON_AddItemToObject(o, "overall", num(s->overall));
    char grade[2] = {s->grade, 0};
    cJSON_AddStringToObject(o, "grade", grade);
    if (s->capped_by >= 0)
        cJSON_AddStringToObject(o, "capped_by", smp_score_item_name((smp_score_item)s->capped_by));
    else
        cJSON_AddNullToObject(o, "capped_by");
    cJSON *items = cJSON_AddObjectToObject(o, "items");
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        cJSON *it = cJSON_AddObjectToObject(items, smp_score_item_name((smp_score_item)k));
        cJSON_AddItemToObject(it, "score", num(s->item[k]));
        cJSON_AddNumberToObject(it, "weight", k_weight[k]);
        cJSON_AddStringToObject(it, "hint", s->hint[k]);
    }
    cJSON *dens = cJSON_AddObjectToObject(o, "density");
    cJSON_AddItemToObject(dens, "target_dots", num(s->target_dots));
    cJSON_AddItemToObject(dens, "error", num(s->density_error));
    cJSON_AddItemToObject(dens, "outside_share", num(s->outside_share));
    cJSON_AddItemToObject(dens, "patchy_share", num(s->patchy_share));
    cJSON *zones = cJSON_AddArrayToObject(dens, "zones");
    for (int z = 0; z < SMP_SCORE_ZONE_COUNT; ++z) {
        if (s->zone[z].target_dots < 1 && s->zone[z].dots < 1 && s->zone[z].outside < 1) continue;
        cJSON *zj = cJSON_CreateObject();
        cJSON_AddStringToObject(zj, "zone", smp_score_zone_name(z));
        cJSON_AddItemToObject(zj, "target_dots", num(s->zone[z].target_dots));
        cJSON_AddItemToObject(zj, "dots", num(s->zone[z].dots));
        cJSON_AddItemToObject(zj, "outside", num(s->zone[z].outside));
        cJSON_AddItemToObject(zj, "error", num(s->zone[z].error));
        cJSON_AddItemToArray(zones, zj);
    }
    cJSON *sp = cJSON_AddObjectToObject(o, "spacing");
    cJSON_AddItemToObject(sp, "nn_mean_mm", num(s->nn_mean_mm));
    cJSON_AddItemToObject(sp, "nn_cv", num(s->nn_cv));
    cJSON_AddItemToObject(sp, "clump_share", num(s->clump_share));
    cJSON_AddItemToObject(sp, "lattice_order", num(s->lattice_order));
    cJSON *hl = cJSON_AddObjectToObject(o, "hairline");
    cJSON_AddItemToObject(hl, "softness_mm", num(s->hairline_softness_mm));
    cJSON_AddItemToObject(hl, "irregularity_mm", num(s->hairline_irregularity_mm));
    cJSON_AddItemToObject(hl, "offset_mm", num(s->hairline_offset_mm));
    cJSON_AddNumberToObject(hl, "dots_in_band", (double)s->hairline_dots);
    cJSON *cs = cJSON_AddObjectToObject(o, "consistency");
    cJSON_AddItemToObject(cs, "radius_mean_um", num(s->radius_mean_um));
    cJSON_AddItemToObject(cs, "radius_cv", num(s->radius_cv));
    cJSON_AddItemToObject(cs, "depth_mean_mm", num(s->depth_mean_mm));
    cJSON_AddItemToObject(cs, "depth_sd_mm", num(s->depth_sd_mm));
    cJSON *mg = cJSON_AddObjectToObject(o, "merge");
    cJSON_AddItemToObject(mg, "share_year_5", num(s->merge_share_5));
    cJSON_AddItemToObject(mg, "share_year_10", num(s->merge_share_10));
    cJSON *ct = cJSON_AddObjectToObject(o, "contrast");
    cJSON_AddItemToObject(ct, "year_0", num(s->contrast_0));
    cJSON_AddItemToObject(ct, "year_5", num(s->contrast_5));
    cJSON_AddItemToObject(o, "touch_up_due_years", num(s->touch_up_due_years));
    return o;
}
