/*
 * smp/scatter.h — the scatter core: where every dot of a session goes, and how the needle left
 * it.
 *
 * Given a head mesh, a per-vertex density of dots/cm² (interpolated linearly over each
 * triangle), a placement rule and a seed, it appends dots to a caller-owned dot set
 * (smp/dots.h, 31 bytes per dot). Three rules:
 *
 *   - Poisson: independent dots, grouped by triangle in mesh order (shuffle them if order
 *     matters). Dot i of a call depends only on (seed, session, i).
 *   - Blue noise: maximal Poisson-disk sampling on the surface, spacing
 *     r(x) = s·√(0.6965 / density(x)), the mean of their r between two dots. Dots already in
 *     the set (earlier sessions) are respected: a session's density is then the TOTAL it aims
 *     for, and new dots fill between the old ones. Below a quarter of the largest density the
 *     spacing stops growing and dots are thinned at random instead ("thinned" below).
 *   - Grid, the mistake trainers show: Poisson dots, each moved to its node of a square
 *     lattice of spacing grid_spacing_mm seen along the axis its triangle faces most (dropped
 *     where that node leaves its triangle). Dots already in the set share the lattice: they
 *     are snapped with the new ones (a dot on a node stays where it is). One dot per node is
 *     meant to stay, but dots landing on a node already taken mostly stay too: a known
 *     defect, kept so that grid scenes give the dots they always gave (docs/SCATTER.md).
 *
 * Count: 0 asks for the density's own count (Poisson: round(∫ density dA); blue noise: what a
 * maximal packing gives). count = N gives exactly N new dots (blue noise: a search over s,
 * then the surplus removed from the dots that joined last). The grid's count is the Poisson
 * dots it draws (0: four times the density's count, so that every node gets one); at most
 * that many stay.
 *
 * Each dot's healed radius, depth and ink vary around the session's needle, depth and ink load
 * by the technician's skill: modelling assumptions, not measurements.
 *
 * Determinism: bit-identical dots for any thread count and any SIMD path (smp/simd.h).
 *
 *   smp_scatter_desc d = {0};
 *   d.mesh = &head; d.density_per_cm2 = density; d.rule = SMP_SCATTER_BLUE; d.seed = 7;
 *   size_t need;
 *   smp_scatter_capacity(&d, &need, &err);            // new dots this call may add, at most
 *   smp_dots_alloc(&dots, need, 0, &err);
 *   smp_scatter(&d, &dots, &err);                     // appends; dots.count grows
 *
 * Cost: Poisson ≈ 6 hashes and 31 bytes written per dot after an O(V + T) set-up. Blue noise
 * is far slower: ≈ 15–20 passes, scratch ≈ 300 bytes per dot, ×2 for an exact count that takes
 * a second run. The grid: Poisson's cost for its draws, then a sort of the set's dots.
 *
 * The algorithms, the exact-count search and the per-dot draws: docs/SCATTER.md.
 *
 * Does NOT: compute densities (smp/fields.h), allocate the dot set, age or draw dots.
 */
#ifndef SMP_SCATTER_H
#define SMP_SCATTER_H

#include <stddef.h>
#include <stdint.h>

#include "smp/dots.h"
#include "smp/mesh.h"
#include "smp/param.h"
#include "smp/simd.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_scatter_rule {
    SMP_SCATTER_DEFAULT = 0, /* a desc left zero: Poisson, the cheapest rule */
    SMP_SCATTER_BLUE,        /* maximal minimum-spacing dots (Poisson disk) */
    SMP_SCATTER_POISSON,     /* independent dots */
    SMP_SCATTER_GRID,        /* Poisson dots snapped to a square lattice */
    SMP_SCATTER_RULE_COUNT
} smp_scatter_rule;

/* "blue", "poisson", "grid" ("poisson" for SMP_SCATTER_DEFAULT); NULL out of range. */
const char *smp_scatter_rule_name(smp_scatter_rule rule);
smp_status smp_scatter_rule_parse(const char *name, smp_scatter_rule *out, smp_error *err);

/* Ranges and defaults (lo, hi, default: smp/param.h), shared with the scene schema. No range
 * holds 0, so a session field left 0 takes its default. A depth spread's default follows the
 * skill, 0.05 + 0.15·(1 − skill) mm: 0.08 mm at the default skill. */
#define SMP_SCATTER_DEPTH_MM         0.05, 3, 0.4
#define SMP_SCATTER_DEPTH_SD_MM      0.005, 1, 0.08
#define SMP_SCATTER_TECHNICIAN_SKILL 0.01, 1, 0.8 /* 1 = the steadiest hand */

/* How one session's needle work varies per dot. Zero fields take the defaults. */
typedef struct smp_scatter_session {
    int index;                /* session index stored in each dot, 0..255 */
    float needle_diameter_mm; /* 0 = 0.25 (#08, 3-point); valid 0.05..1 */
    float depth_mean_mm;      /* SMP_SCATTER_DEPTH_MM */
    float depth_sd_mm;        /* SMP_SCATTER_DEPTH_SD_MM; 0 = from the skill */
    float technician_skill;   /* SMP_SCATTER_TECHNICIAN_SKILL */
    float ink_load;           /* 0 = 1 (undiluted, full deposit); valid 0.01..1 */
} smp_scatter_session;

typedef struct smp_scatter_desc {
    const smp_mesh *mesh;         /* required; positions in mm */
    const float *density_per_cm2; /* required; mesh->vertex_count values, finite, ≥ 0 */
    const uint8_t *tissue;        /* optional smp_tissue per vertex; NULL = all skin */
    smp_scatter_rule rule;        /* 0 = Poisson */
    uint64_t seed;                /* any value; 0 is a seed like any other */
    size_t count;                 /* 0 = what the density gives, else exactly this many new
                                     (grid: this many drawn) */
    smp_scatter_session session;  /* per-dot variation */
    int threads;                  /* 0 = OpenMP's default; valid 1..256 */
    /* grid: the lattice's spacing in mm; 0 = 10 / √(peak density), one node per dot where the
     * density peaks; valid 0.01..100. The other rules ignore it. */
    float grid_spacing_mm;
} smp_scatter_desc;

/* Refuses N above this: the triangle and counter are 32-bit. */
enum { SMP_SCATTER_MAX_DOTS = 0x7fffffff };

/* Validates desc and says how many new dots smp_scatter may write at most: the exact count
 * for Poisson and for a given count; for blue noise with count 0, a bound from the densest
 * packing (hexagonal, 1.66× the expected count); for the grid, its Poisson draws. O(V + T). */
smp_status smp_scatter_capacity(const smp_scatter_desc *desc, size_t *max_new_dots, smp_error *err);

/* Working memory smp_scatter needs besides the dot set, in bytes, for `existing` dots
 * already in it: an estimate from above, so that a caller can refuse a run that cannot fit
 * before allocating anything. Poisson: the triangle tables. Grid: also 16 bytes per dot of
 * the set once its draws are in. Blue noise: also about
 * SMP_SCATTER_BLUE_BYTES_PER_POINT per point its packing may hold, which is more than the dots
 * asked for wherever the density is thinned (below a quarter of its peak). O(V + T). */
enum { SMP_SCATTER_BLUE_BYTES_PER_POINT = 320 };
smp_status smp_scatter_scratch_bytes(const smp_scatter_desc *desc, size_t existing, double *bytes,
                                     smp_error *err);

/* ∫ density dA over the mesh in dots: what count 0 aims for. O(T). Fails like the validation. */
smp_status smp_scatter_expected(const smp_scatter_desc *desc, double *dots_out, smp_error *err);

/* Appends the session's dots to dots (dots->count existing ones stay, except that the grid
 * snaps them with its own; for blue noise they are respected). Fails without writing anything
 * on invalid input (the message names the field and value), no area with density > 0
 * (SMP_ERR_INVALID_ARG) or too little capacity (the message says how much is needed); blue
 * noise also refuses (SMP_ERR_INVALID_ARG, with the reason) a packing out of range (too many
 * points, a spacing beyond float's range, a mesh too far from the origin), an exact count no
 * spacing can fit, and a packing whose gaps do not close. Uses smp_simd_active(). */
smp_status smp_scatter(const smp_scatter_desc *desc, smp_dots *dots, smp_error *err);

/* What a run did, for reports and quality checks. */
typedef struct smp_scatter_info {
    size_t added;         /* new dots written (grid: how much the set grew) */
    double expected;      /* ∫ density dA, in dots */
    double spacing_scale; /* blue noise: the s of r(x) = s·√(0.6965 / density) used */
    int runs;             /* blue noise: packings computed (more than 1 for an exact count) */
    int passes;           /* blue noise: candidate passes of the last packing */
    size_t candidates;    /* blue noise: candidate points of the last packing */
    size_t trimmed;       /* blue noise, exact count: surplus dots removed */
} smp_scatter_info;

/* Same on one SIMD path (tests, benchmarks), filling info when non-NULL;
 * SMP_ERR_UNSUPPORTED if the CPU lacks the path. */
smp_status smp_scatter_path(const smp_scatter_desc *desc, smp_simd_path path, smp_dots *dots,
                            smp_scatter_info *info, smp_error *err);

/* 64-bit FNV-1a over every array of dots [0, count): equal checksums ⇔ (with overwhelming
 * probability) identical dots. Single-threaded, O(count). */
uint64_t smp_dots_checksum(const smp_dots *dots);

/* Blue-noise quality of a dot set against the spacing field of desc at scale s (from
 * smp_scatter_info): min_spacing_ratio is the smallest |p − q| / mean(r_p, r_q) over pairs
 * closer than the largest spacing (≥ 1 means the spacing holds; 2 when no pair is that close);
 * gap_fraction the share of `probes` random surface points where the density is not thinned
 * (see above) and one more dot would still fit (0 = maximal). O(n + probes)
 * with a hash grid; probes are drawn from desc's seed. */
typedef struct smp_blue_quality {
    double min_spacing_ratio;
    double gap_fraction;
    size_t probes;
} smp_blue_quality;

smp_status smp_scatter_blue_quality(const smp_scatter_desc *desc, double spacing_scale,
                                    const smp_dots *dots, size_t probes, smp_blue_quality *out,
                                    smp_error *err);

/* The diameter a round-liner grouping of points needles of needle_mm punctures within, which
 * heals into one dot: d for one needle, 2d for two side by side, d·(1 + 1/sin(π/n)) for n ≥ 3
 * (the circle n touching needles fit in). A modelling assumption (docs/MODEL.md): scenes and
 * training tools turn their needle into a session's needle_diameter_mm with it. O(1). */
double smp_needle_group_diameter_mm(double needle_mm, int points);

/* One dot placed by hand (a trainee's puncture) on triangle t of mesh at barycentric weights
 * w, appended to dots (which must have room): position, normal, tissue, size, depth and ink
 * exactly as the scatter core writes a dot of session, its variation keyed by (seed, index) on
 * streams of their own, apart from the scattered dots'. tissue: per-vertex, or NULL for skin.
 * O(1). */
void smp_scatter_place_one(const smp_mesh *mesh, const uint8_t *tissue, uint64_t seed,
                           const smp_scatter_session *session, uint32_t index, uint32_t t,
                           const float w[3], smp_dots *dots);

#ifdef __cplusplus
}
#endif
#endif
