/*
 * Mesh import: a reader (mesh_read.h: Assimp, or none) reads the file, everything after that
 * is ours.
 *
 * Order matters. Welding and cleaning come first because every later step reasons about a
 * connected surface. Orientation comes before units because a body must stand upright before
 * its neck can be found, and the head's size can only be measured once the body is gone.
 * Refinement comes after scaling so the target edge is in millimetres, and the landmarks come
 * last because they need the final, smooth, upright head; they then fix the origin.
 */
#include "smp/mesh_import.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mesh_precheck.h"
#include "mesh_read.h"
#include "smp/head.h"
#include "smp/mesh_ops.h"

#define DEFAULT_TARGET_EDGE_MM 3.0f
#define TYPICAL_HEAD_MM        190.0
#define MIN_HEAD_MM            110.0
#define MAX_HEAD_MM            450.0

/* ---- names ------------------------------------------------------------------------------ */

static const char *const k_unit_names[] = {"auto", "mm", "cm", "m", "inch"};
static const double k_mm_per_unit[] = {0.0, 1.0, 10.0, 1000.0, 25.4};
static const char *const k_axis_names[] = {"auto", "+x", "-x", "+y", "-y", "+z", "-z"};

int smp_mesh_units_from_name(const char *name, smp_mesh_units *out) {
    if (!name) return 0;
    if (strcmp(name, "in") == 0) name = "inch";
    for (int i = 0; i <= SMP_UNITS_INCH; ++i)
        if (strcmp(name, k_unit_names[i]) == 0) {
            *out = (smp_mesh_units)i;
            return 1;
        }
    return 0;
}

const char *smp_mesh_units_name(smp_mesh_units units) {
    return (unsigned)units <= SMP_UNITS_INCH ? k_unit_names[units] : "?";
}

int smp_axis_from_name(const char *name, smp_axis *out) {
    if (!name) return 0;
    char buf[3] = {0};
    if (strlen(name) == 1) buf[0] = '+', buf[1] = name[0], name = buf;
    for (int i = 0; i <= SMP_AXIS_NEG_Z; ++i)
        if (strcmp(name, k_axis_names[i]) == 0) {
            *out = (smp_axis)i;
            return 1;
        }
    return 0;
}

const char *smp_axis_name(smp_axis axis) {
    return (unsigned)axis <= SMP_AXIS_NEG_Z ? k_axis_names[axis] : "?";
}

static void axis_vector(smp_axis a, float v[3]) {
    v[0] = v[1] = v[2] = 0.0f;
    int k = ((int)a - 1) / 2;
    v[k] = ((int)a - 1) % 2 ? -1.0f : 1.0f;
}

static smp_axis axis_from_vector(const float v[3]) {
    for (int k = 0; k < 3; ++k)
        if (v[k] > 0.5f)
            return (smp_axis)(SMP_AXIS_POS_X + 2 * k);
        else if (v[k] < -0.5f)
            return (smp_axis)(SMP_AXIS_NEG_X + 2 * k);
    return SMP_AXIS_AUTO;
}

static int axis_index(smp_axis a) { return ((int)a - 1) / 2; }

/* Row-major rotation taking file coordinates to the head frame: its rows are the file's
 * vectors for head +X, +Y (up) and +Z (facing), and +X = up x facing keeps it right-handed. */
static void frame_rotation(smp_axis up, smp_axis facing, float r[9]) {
    float u[3], f[3];
    axis_vector(up, u);
    axis_vector(facing, f);
    r[0] = u[1] * f[2] - u[2] * f[1];
    r[1] = u[2] * f[0] - u[0] * f[2];
    r[2] = u[0] * f[1] - u[1] * f[0];
    memcpy(r + 3, u, sizeof u);
    memcpy(r + 6, f, sizeof f);
}

/* ---- shape descriptor for orientation ---------------------------------------------------- */

/* The largest distance from the area centroid to the surface in each cell of a cube map
 * (6 faces of CUBE_N x CUBE_N cells). A signed axis permutation maps cells onto cells exactly,
 * so comparing two shapes under each of the 24 axis-aligned rotations costs no resampling. */
enum { CUBE_N = 8, CUBE_CELLS = 6 * CUBE_N * CUBE_N };

typedef struct descriptor {
    float r[CUBE_CELLS]; /* 0 where no sample fell */
} descriptor;

static int cube_cell(const double d[3]) {
    int major = 0;
    for (int k = 1; k < 3; ++k)
        if (fabs(d[k]) > fabs(d[major])) major = k;
    double m = fabs(d[major]);
    if (!(m > 0.0)) return -1;
    int face = 2 * major + (d[major] < 0);
    double u = d[(major + 1) % 3] / m, v = d[(major + 2) % 3] / m;
    int i = (int)floor((u + 1.0) * 0.5 * CUBE_N), j = (int)floor((v + 1.0) * 0.5 * CUBE_N);
    i = i < 0 ? 0 : i >= CUBE_N ? CUBE_N - 1 : i;
    j = j < 0 ? 0 : j >= CUBE_N ? CUBE_N - 1 : j;
    return (face * CUBE_N + j) * CUBE_N + i;
}

/* The direction through the middle of a cell (not normalised). */
static void cube_dir(int cell, double d[3]) {
    int i = cell % CUBE_N, j = (cell / CUBE_N) % CUBE_N, face = cell / (CUBE_N * CUBE_N);
    int major = face / 2;
    d[major] = face % 2 ? -1.0 : 1.0;
    d[(major + 1) % 3] = (i + 0.5) / CUBE_N * 2.0 - 1.0;
    d[(major + 2) % 3] = (j + 0.5) / CUBE_N * 2.0 - 1.0;
}

static void describe(const smp_mesh *m, descriptor *out) {
    double c[3] = {0, 0, 0}, area = 0.0;
    for (size_t t = 0; t < m->triangle_count; ++t) {
        const float *p[3];
        for (int k = 0; k < 3; ++k) p[k] = m->positions + 3 * (size_t)m->indices[3 * t + k];
        double e1[3], e2[3];
        for (int k = 0; k < 3; ++k) e1[k] = p[1][k] - p[0][k], e2[k] = p[2][k] - p[0][k];
        double x = e1[1] * e2[2] - e1[2] * e2[1], y = e1[2] * e2[0] - e1[0] * e2[2],
               z = e1[0] * e2[1] - e1[1] * e2[0];
        double a = 0.5 * sqrt(x * x + y * y + z * z);
        for (int k = 0; k < 3; ++k) c[k] += a * ((double)p[0][k] + p[1][k] + p[2][k]) / 3.0;
        area += a;
    }
    for (int k = 0; k < 3; ++k) c[k] /= area > 0.0 ? area : 1.0;
    memset(out, 0, sizeof *out);
    /* Vertices and triangle centroids both vote, so a coarse model still fills the cells. */
    for (size_t t = 0; t < m->triangle_count; ++t) {
        double centroid[3] = {0, 0, 0};
        for (int k = 0; k < 3; ++k) {
            const float *p = m->positions + 3 * (size_t)m->indices[3 * t + k];
            double d[3] = {p[0] - c[0], p[1] - c[1], p[2] - c[2]};
            for (int q = 0; q < 3; ++q) centroid[q] += d[q] / 3.0;
            int cell = cube_cell(d);
            float r = (float)sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            if (cell >= 0 && r > out->r[cell]) out->r[cell] = r;
        }
        int cell = cube_cell(centroid);
        float r = (float)sqrt(centroid[0] * centroid[0] + centroid[1] * centroid[1] +
                              centroid[2] * centroid[2]);
        if (cell >= 0 && r > out->r[cell]) out->r[cell] = r;
    }
    double sum = 0.0;
    int n = 0;
    for (int i = 0; i < CUBE_CELLS; ++i)
        if (out->r[i] > 0.0f) sum += out->r[i], ++n;
    for (int i = 0; i < CUBE_CELLS && n; ++i) out->r[i] = (float)(out->r[i] / (sum / n));
}

/* How badly the mesh, turned by rot, matches the template head: the mean squared difference
 * of normalised radii over cells both have, leaving out the cone below the chin where necks
 * are cut at different lengths. */
static double mismatch(const descriptor *mesh, const descriptor *tmpl, const float rot[9]) {
    double sum = 0.0;
    int n = 0, total = 0;
    for (int cell = 0; cell < CUBE_CELLS; ++cell) {
        double d[3];
        cube_dir(cell, d);
        double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (d[1] / len < -0.5 || tmpl->r[cell] == 0.0f) continue;
        ++total;
        double f[3]; /* rot^T d: the file direction that lands on this head direction */
        for (int k = 0; k < 3; ++k) f[k] = rot[k] * d[0] + rot[3 + k] * d[1] + rot[6 + k] * d[2];
        int mc = cube_cell(f);
        if (mc < 0 || mesh->r[mc] == 0.0f) continue;
        double e = mesh->r[mc] - tmpl->r[cell];
        sum += e * e, ++n;
    }
    return n * 2 >= total && n ? sum / n : DBL_MAX;
}

/* The best (up, facing) among those the constraints allow (AUTO = free). */
static void match_orientation(const smp_mesh *m, smp_axis up_fixed, smp_axis facing_fixed,
                              smp_axis *up_out, smp_axis *facing_out) {
    descriptor mesh_desc, tmpl_desc;
    describe(m, &mesh_desc);
    smp_head_desc hd = {.resolution = 24};
    smp_mesh head = {0};
    smp_error ignored = {0};
    int have_template = smp_head_build(&hd, &head, &ignored) == SMP_OK;
    if (have_template) describe(&head, &tmpl_desc);
    smp_mesh_free(&head);
    double best = DBL_MAX;
    *up_out = up_fixed ? up_fixed : SMP_AXIS_POS_Y;
    *facing_out =
        facing_fixed ? facing_fixed : (axis_index(*up_out) == 2 ? SMP_AXIS_NEG_Y : SMP_AXIS_POS_Z);
    for (int u = SMP_AXIS_POS_X; u <= SMP_AXIS_NEG_Z && have_template; ++u)
        for (int f = SMP_AXIS_POS_X; f <= SMP_AXIS_NEG_Z; ++f) {
            if (axis_index((smp_axis)u) == axis_index((smp_axis)f)) continue;
            if ((up_fixed && u != (int)up_fixed) || (facing_fixed && f != (int)facing_fixed))
                continue;
            float rot[9];
            frame_rotation((smp_axis)u, (smp_axis)f, rot);
            double score = mismatch(&mesh_desc, &tmpl_desc, rot);
            if (score < best) best = score, *up_out = (smp_axis)u, *facing_out = (smp_axis)f;
        }
}

/* The sum of (r - r mirrored) squared over cells both sides have, mirroring coordinate k. */
static double asymmetry(const descriptor *d, int k) {
    double sum = 0.0;
    int n = 0;
    for (int cell = 0; cell < CUBE_CELLS; ++cell) {
        double dir[3];
        cube_dir(cell, dir);
        dir[k] = -dir[k];
        int mc = cube_cell(dir);
        if (mc < 0 || d->r[cell] == 0.0f || d->r[mc] == 0.0f) continue;
        double e = d->r[cell] - d->r[mc];
        sum += e * e, ++n;
    }
    return n ? sum / n : DBL_MAX;
}

/* Surface area within the last 6% of the head's extent along sign * axis k, above its lowest
 * quarter (what is left of a neck). */
static double cap_area(const smp_mesh *m, const smp_bounds *b, int k, int sign) {
    const double extent = (double)b->max[k] - b->min[k];
    const double limit = sign > 0 ? b->max[k] - 0.06 * extent : b->min[k] + 0.06 * extent;
    const double floor_y = b->min[1] + 0.25 * ((double)b->max[1] - b->min[1]);
    double area = 0.0;
    for (size_t t = 0; t < m->triangle_count; ++t) {
        const float *p[3];
        int inside = 1;
        for (int q = 0; q < 3 && inside; ++q) {
            p[q] = m->positions + 3 * (size_t)m->indices[3 * t + q];
            inside = (sign > 0 ? p[q][k] >= limit : p[q][k] <= limit) && p[q][1] >= floor_y;
        }
        if (!inside) continue;
        double e1[3], e2[3];
        for (int q = 0; q < 3; ++q) e1[q] = p[1][q] - p[0][q], e2[q] = p[2][q] - p[0][q];
        double x = e1[1] * e2[2] - e1[2] * e2[1], y = e1[2] * e2[0] - e1[0] * e2[2],
               z = e1[0] * e2[1] - e1[1] * e2[0];
        area += 0.5 * sqrt(x * x + y * y + z * z);
    }
    return area;
}

/* Which horizontal direction of an upright head (+Y up) the face looks along. A head is mirror
 * symmetric left to right and not front to back, which separates the two horizontal axes;
 * along the front-back axis the face is the end with the nose: its most forward few
 * millimetres are a small tip, where the back of the skull is a broad cap. */
static smp_axis facing_of_upright_head(const smp_mesh *m) {
    descriptor d;
    describe(m, &d);
    int k = asymmetry(&d, 0) < asymmetry(&d, 2) ? 2 : 0;
    smp_bounds b = smp_mesh_bounds(m);
    int sign = cap_area(m, &b, k, 1) <= cap_area(m, &b, k, -1) ? 1 : -1;
    return (smp_axis)(SMP_AXIS_POS_X + 2 * k + (sign < 0));
}

/* A shape at least 2.2 times longer than it is thin is a body or a bust, not a head: it stands
 * on its longest axis, head end up, and the head end is the one whose last tenth is smaller
 * across (one head against two feet or a torso). */
static smp_axis body_up(const smp_mesh *m) {
    smp_bounds b = smp_mesh_bounds(m);
    double e[3];
    int lo = 0, hi = 0;
    for (int k = 0; k < 3; ++k) {
        e[k] = (double)b.max[k] - b.min[k];
        if (e[k] < e[lo]) lo = k;
        if (e[k] > e[hi]) hi = k;
    }
    if (e[hi] < 2.2 * e[lo]) return SMP_AXIS_AUTO;
    double span[2][3][2];
    for (int end = 0; end < 2; ++end)
        for (int k = 0; k < 3; ++k) span[end][k][0] = DBL_MAX, span[end][k][1] = -DBL_MAX;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions + 3 * (size_t)v;
        double t = (p[hi] - b.min[hi]) / e[hi];
        int end = t > 0.9 ? 0 : t < 0.1 ? 1 : -1;
        if (end < 0) continue;
        for (int k = 0; k < 3; ++k) {
            span[end][k][0] = fmin(span[end][k][0], p[k]);
            span[end][k][1] = fmax(span[end][k][1], p[k]);
        }
    }
    double area[2];
    for (int end = 0; end < 2; ++end) {
        area[end] = 1.0;
        for (int k = 0; k < 3; ++k)
            if (k != hi) area[end] *= fmax(0.0, span[end][k][1] - span[end][k][0]);
    }
    return (smp_axis)(SMP_AXIS_POS_X + 2 * hi + (area[1] < area[0]));
}

/* ---- neck ------------------------------------------------------------------------------- */

enum { NECK_LEVELS = 400, NECK_SECTORS = 16 };

/* Where the horizontal plane at height y cuts triangle v: 0 or 2 points (x, z). */
static int cut_at(const float *v[3], double y, double pts[2][2]) {
    int found = 0;
    for (int k = 0; k < 3 && found < 2; ++k) {
        const float *a = v[k], *b = v[(k + 1) % 3];
        double sa = a[1] - y, sb = b[1] - y;
        if ((sa >= 0) == (sb >= 0)) continue;
        double u = sa / (sa - sb);
        pts[found][0] = a[0] + u * ((double)b[0] - a[0]);
        pts[found][1] = a[2] + u * ((double)b[2] - a[2]);
        ++found;
    }
    return found == 2;
}

/* Calls visit(ctx, level, cut points) for every triangle and every level it spans; level i is
 * the plane at height top - (i + 0.5) * step. O(T + cut points). */
static void for_each_cut(const smp_mesh *m, double top, double step,
                         void (*visit)(void *, int, double[2][2]), void *ctx) {
    for (size_t t = 0; t < m->triangle_count; ++t) {
        const float *v[3];
        double lo = DBL_MAX, hi = -DBL_MAX;
        for (int k = 0; k < 3; ++k) {
            v[k] = m->positions + 3 * (size_t)m->indices[3 * t + k];
            lo = fmin(lo, v[k][1]), hi = fmax(hi, v[k][1]);
        }
        int first = (int)ceil((top - hi) / step - 0.5), last = (int)floor((top - lo) / step - 0.5);
        first = first < 0 ? 0 : first;
        last = last >= NECK_LEVELS ? NECK_LEVELS - 1 : last;
        for (int level = first; level <= last; ++level) {
            double pts[2][2];
            if (cut_at(v, top - (level + 0.5) * step, pts)) visit(ctx, level, pts);
        }
    }
}

typedef struct section_acc {
    double centre[NECK_LEVELS][3]; /* sum of length * midpoint x, z; total length */
    double *outer;                 /* NECK_LEVELS x NECK_SECTORS */
} section_acc;

static void add_to_centre(void *ctx, int level, double pts[2][2]) {
    section_acc *acc = ctx;
    double len = hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
    acc->centre[level][0] += len * 0.5 * (pts[0][0] + pts[1][0]);
    acc->centre[level][1] += len * 0.5 * (pts[0][1] + pts[1][1]);
    acc->centre[level][2] += len;
}

static void add_to_outer(void *ctx, int level, double pts[2][2]) {
    section_acc *acc = ctx;
    const double two_pi = 6.283185307179586;
    double c[2] = {acc->centre[level][0], acc->centre[level][1]};
    double q[3][2] = {{pts[0][0], pts[0][1]},
                      {pts[1][0], pts[1][1]},
                      {0.5 * (pts[0][0] + pts[1][0]), 0.5 * (pts[0][1] + pts[1][1])}};
    for (int k = 0; k < 3; ++k) {
        double dx = q[k][0] - c[0], dz = q[k][1] - c[1], r = hypot(dx, dz);
        int sec = (int)floor((atan2(dz, dx) + two_pi / 2) / two_pi * NECK_SECTORS);
        sec = sec < 0 ? 0 : sec >= NECK_SECTORS ? NECK_SECTORS - 1 : sec;
        double *o = acc->outer + (size_t)level * NECK_SECTORS + sec;
        if (r > *o) *o = r;
    }
}

/* For each of NECK_LEVELS horizontal planes from the crown down, the mean over 16 directions
 * around the section's own centre of the outermost surface the plane cuts: this follows the
 * skull, the chin, the neck (wherever it sits under the skull) and then the shoulders, and is
 * blind to what lies inside (mouth cavity, eyeballs, nostrils). NAN where too few directions
 * hit. Two passes over the triangles, each visiting only the levels it spans. */
static int section_profile(const smp_mesh *m, double top, double step, double r[NECK_LEVELS]) {
    section_acc *acc = calloc(1, sizeof *acc);
    double *outer = malloc(sizeof(double) * NECK_LEVELS * NECK_SECTORS);
    if (!acc || !outer) {
        free(acc);
        free(outer);
        return 0;
    }
    acc->outer = outer;
    for (int i = 0; i < NECK_LEVELS * NECK_SECTORS; ++i) outer[i] = -1.0;
    for_each_cut(m, top, step, add_to_centre, acc);
    for (int level = 0; level < NECK_LEVELS; ++level)
        if (acc->centre[level][2] > 0.0) {
            acc->centre[level][0] /= acc->centre[level][2];
            acc->centre[level][1] /= acc->centre[level][2];
        }
    for_each_cut(m, top, step, add_to_outer, acc);
    for (int level = 0; level < NECK_LEVELS; ++level) {
        double sum = 0.0;
        int n = 0;
        for (int sec = 0; sec < NECK_SECTORS; ++sec) {
            double o = outer[(size_t)level * NECK_SECTORS + sec];
            if (o >= 0.0) sum += o, ++n;
        }
        r[level] = n >= NECK_SECTORS * 5 / 8 ? sum / n : NAN;
    }
    free(outer);
    free(acc);
    return 1;
}

/* Walking down from the crown: the section grows over the skull, narrows to the neck and, on a
 * bust or a body, widens again into the shoulders. Returns 1 and the height of the cut, the
 * lowest neck section still within 8% of the narrowest, when that last widening (to 1.4 times
 * the neck) is there. */
static int find_neck(const smp_mesh *m, double *cut_y) {
    smp_bounds b = smp_mesh_bounds(m);
    const double h = (double)b.max[1] - b.min[1];
    double r[NECK_LEVELS];
    if (!(h > 0.0) || !section_profile(m, b.max[1], h / NECK_LEVELS, r)) return 0;
    double r_max = 0.0, r_min = DBL_MAX;
    int phase = 0, i_min = -1;
    for (int i = 1; i + 1 < NECK_LEVELS; ++i) {
        if (isnan(r[i - 1]) || isnan(r[i]) || isnan(r[i + 1])) continue;
        double rs = (r[i - 1] + r[i] + r[i + 1]) / 3.0;
        if (phase == 0) {
            r_max = fmax(r_max, rs);
            if (rs < 0.8 * r_max) phase = 1;
        }
        if (phase == 1) {
            if (rs < r_min) r_min = rs, i_min = i;
            if (rs > 1.4 * r_min) {
                /* A neck is a band of near-constant width; cut at its lower end, within 8% of
                 * the narrowest, to keep the nape (where the hairline and SMP work end). */
                int cut = i_min;
                for (int j = i_min; j < i; ++j)
                    if (!isnan(r[j]) && r[j] <= 1.08 * r_min) cut = j;
                *cut_y = b.max[1] - (cut + 0.5) * h / NECK_LEVELS;
                return 1;
            }
        }
    }
    return 0;
}

/* ---- the import ------------------------------------------------------------------------- */

static smp_status with_path(smp_error *err, const char *path, smp_status s) {
    if (s != SMP_OK && err && strncmp(err->message, path, strlen(path)) != 0)
        smp_error_prefix(err, "%s", path);
    return s;
}

static void apply_rotation(smp_mesh *m, smp_axis up, smp_axis facing) {
    float rot[9];
    const float zero[3] = {0, 0, 0};
    frame_rotation(up, facing, rot);
    smp_mesh_transform(m, rot, 1.0f, zero);
}

static smp_status choose_units(const char *path, const smp_mesh *m, smp_mesh_units *units,
                               smp_error *err) {
    smp_bounds b = smp_mesh_bounds(m);
    double size = fmax((double)b.max[0] - b.min[0], (double)b.max[2] - b.min[2]);
    double best = DBL_MAX;
    *units = SMP_UNITS_AUTO;
    for (int u = SMP_UNITS_MM; u <= SMP_UNITS_INCH; ++u) {
        double mm = size * k_mm_per_unit[u];
        if (mm < MIN_HEAD_MM || mm > MAX_HEAD_MM) continue;
        double miss = fabs(log(mm / TYPICAL_HEAD_MM));
        if (miss < best) best = miss, *units = (smp_mesh_units)u;
    }
    if (*units != SMP_UNITS_AUTO) return SMP_OK;
    char readings[4][32];
    for (int u = SMP_UNITS_MM; u <= SMP_UNITS_INCH; ++u) {
        double mm = size * k_mm_per_unit[u];
        snprintf(readings[u - 1], sizeof readings[u - 1], mm >= 10.0 ? "%.0f" : "%.2f", mm);
    }
    return smp_error_set(err, SMP_ERR_FORMAT,
                         "%s: the head is %g file units across: %s mm if the file is in mm, %s "
                         "mm in cm, %s mm in m, %s mm in inches; no reading gives a plausible "
                         "head (%g-%g mm), so set the units explicitly",
                         path, size, readings[0], readings[1], readings[2], readings[3],
                         MIN_HEAD_MM, MAX_HEAD_MM);
}

/* Welding and cleaning: one connected surface, or a refusal saying why not. */
static smp_status repair(const char *path, smp_mesh *m, smp_mesh_import_report *rep,
                         smp_error *err) {
    smp_bounds b = smp_mesh_bounds(m);
    double diag = 0.0;
    for (int k = 0; k < 3; ++k) diag += ((double)b.max[k] - b.min[k]) * (b.max[k] - b.min[k]);
    diag = sqrt(diag);
    if (!(diag > 0.0))
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: every vertex is at the same point", path);
    smp_status s = smp_mesh_weld(m, (float)(1e-5 * diag), NULL, err);
    if (s != SMP_OK) return s;
    rep->welded_vertex_count = m->vertex_count;
    s = smp_mesh_drop_degenerate(m, 1e-12 * diag * diag, &rep->degenerate_dropped, err);
    if (s != SMP_OK) return s;
    smp_mesh_topology topo;
    if ((s = smp_mesh_topology_stats(m, &topo, err)) != SMP_OK) return s;
    rep->nonmanifold_edges = topo.nonmanifold_edge_count;
    if (topo.nonmanifold_edge_count * 10u > topo.edge_count)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: %u of %u edges are shared by three or more triangles "
                             "(non-manifold); this is not a usable head surface",
                             path, topo.nonmanifold_edge_count, topo.edge_count);
    return SMP_OK;
}

/* Up and facing in the file's coordinates, from the desc, then the file's metadata, then the
 * shape; *facing_pending when the facing must still be judged on the upright head. */
static smp_status choose_axes(const smp_mesh_import_desc *desc, const mesh_read_result *rr,
                              const smp_mesh *m, smp_axis *up_out, smp_axis *facing_out,
                              int *facing_pending, smp_mesh_import_report *rep, smp_error *err) {
    smp_axis up = desc->up, facing = desc->facing;
    rep->up_by = up ? SMP_FOUND_BY_OVERRIDE : SMP_FOUND_BY_GEOMETRY;
    rep->facing_by = facing ? SMP_FOUND_BY_OVERRIDE : SMP_FOUND_BY_GEOMETRY;
    if (up && facing && axis_index(up) == axis_index(facing))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: up %s and facing %s are not perpendicular", desc->path,
                             smp_axis_name(up), smp_axis_name(facing));
    if (!up && rr->meta_up && (!facing || axis_index(facing) != axis_index(rr->meta_up)))
        up = rr->meta_up, rep->up_by = SMP_FOUND_BY_METADATA;
    if (!facing && rr->meta_facing && (!up || axis_index(rr->meta_facing) != axis_index(up)))
        facing = rr->meta_facing, rep->facing_by = SMP_FOUND_BY_METADATA;
    if (!up) {
        smp_axis along = body_up(m);
        if (along && (!facing || axis_index(along) != axis_index(facing))) up = along;
    }
    *facing_pending = 0;
    if (!up) {
        /* A head on its own: which way is up from its shape against the template head. */
        match_orientation(m, up, facing, &up, &facing);
        *facing_pending = !desc->facing;
    } else if (!facing) {
        /* Stand it up with any facing, cut off any body, then turn it about the vertical. */
        facing = axis_index(up) == 2 ? SMP_AXIS_POS_Y : SMP_AXIS_POS_Z;
        *facing_pending = 1;
    }
    *up_out = up, *facing_out = facing;
    return SMP_OK;
}

/* Orientation: stand the head up, cut off any body below the neck, then turn it to face +Z. */
static smp_status orient(const smp_mesh_import_desc *desc, const mesh_read_result *rr, smp_mesh *m,
                         smp_mesh_import_report *rep, smp_error *err) {
    smp_axis up = SMP_AXIS_AUTO, facing = SMP_AXIS_AUTO;
    int facing_pending = 0;
    smp_status s = choose_axes(desc, rr, m, &up, &facing, &facing_pending, rep, err);
    if (s != SMP_OK) return s;
    apply_rotation(m, up, facing);
    if (desc->neck_cut == SMP_NECK_CUT_AUTO) {
        double cut_y;
        if (find_neck(m, &cut_y)) {
            const float n_up[3] = {0, 1, 0};
            if ((s = smp_mesh_cut_plane(m, n_up, (float)cut_y, NULL, err)) != SMP_OK) return s;
            rep->neck_cut = 1;
            rep->neck_cut_y_mm = (float)cut_y;
        }
    }
    if (facing_pending) {
        /* Judged on the head alone, upright now, by its own symmetry and nose. */
        smp_axis f2 = facing_of_upright_head(m);
        apply_rotation(m, SMP_AXIS_POS_Y, f2);
        float now[9], fv[3], file_f[3];
        frame_rotation(up, facing, now);
        axis_vector(f2, fv);
        for (int k = 0; k < 3; ++k) /* back to file coordinates: now^T fv */
            file_f[k] = now[k] * fv[0] + now[3 + k] * fv[1] + now[6 + k] * fv[2];
        facing = axis_from_vector(file_f);
    }
    rep->up = up;
    rep->facing = facing;
    return SMP_OK;
}

/* Units, now that only the head is left: scale to millimetres. */
static smp_status scale(const smp_mesh_import_desc *desc, smp_mesh *m, smp_mesh_import_report *rep,
                        smp_error *err) {
    smp_mesh_units units = desc->units;
    rep->units_by = units ? SMP_FOUND_BY_OVERRIDE : SMP_FOUND_BY_GEOMETRY;
    smp_status s;
    if (!units && (s = choose_units(desc->path, m, &units, err)) != SMP_OK) return s;
    rep->units = units;
    rep->mm_per_unit = k_mm_per_unit[units];
    const float identity[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, zero[3] = {0, 0, 0};
    smp_mesh_transform(m, identity, (float)rep->mm_per_unit, zero);
    rep->neck_cut_y_mm *= (float)rep->mm_per_unit;
    return SMP_OK;
}

void smp_mesh_import_file_to_head(const smp_mesh_import_report *rep, const double file[3],
                                  float head[3]) {
    float r[9];
    frame_rotation(rep->up, rep->facing, r);
    for (int i = 0; i < 3; ++i)
        head[i] = (float)(rep->mm_per_unit * (r[3 * i] * file[0] + r[3 * i + 1] * file[1] +
                                              r[3 * i + 2] * file[2]) -
                          rep->origin_mm[i]);
}

void smp_mesh_import_head_to_file(const smp_mesh_import_report *rep, const float head[3],
                                  double file[3]) {
    float r[9];
    frame_rotation(rep->up, rep->facing, r);
    double h[3];
    for (int i = 0; i < 3; ++i) h[i] = ((double)head[i] + rep->origin_mm[i]) / rep->mm_per_unit;
    for (int k = 0; k < 3; ++k) /* R is orthonormal: its inverse is its transpose */
        file[k] = r[k] * h[0] + r[3 + k] * h[1] + r[6 + k] * h[2];
}

/* The landmarks on the oriented head in millimetres (origin not yet moved): the given ones
 * carried over from the file's coordinates, the rest estimated around them. A failure says
 * how to give the landmark, and doubts the facing only when the facing was not given. */
static smp_status locate(const smp_mesh_import_desc *desc, const smp_mesh *m,
                         smp_mesh_import_report *rep, smp_error *err) {
    smp_landmarks given = {0};
    unsigned mask = desc->landmarks_given ? desc->landmarks_given_mask : 0u;
    mask &= (1u << SMP_LM_COUNT) - 1u;
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        if (!(mask >> i & 1u)) continue;
        const double f[3] = {desc->landmarks_given->p[i][0], desc->landmarks_given->p[i][1],
                             desc->landmarks_given->p[i][2]};
        smp_mesh_import_file_to_head(rep, f, given.p[i]); /* origin_mm is still 0 */
    }
    rep->landmarks_given = mask;
    smp_error why = {0};
    smp_status s = smp_landmarks_estimate_given(m, &given, mask, desc->guess_landmarks,
                                                &rep->landmarks, &rep->landmarks_guessed, &why);
    if (rep->landmarks_guessed)
        snprintf(rep->landmarks_problem, sizeof rep->landmarks_problem, "%s", why.message);
    if (s == SMP_OK) return SMP_OK;
    if (s != SMP_ERR_FORMAT) return smp_error_set(err, s, "%s", why.message);
    return smp_error_set(err, s,
                         "%s%s; give it as head.landmarks.NAME = [x, y, z] in the mesh file's own "
                         "coordinates with head.landmarks_frame = \"file\", or click it in the "
                         "viewer (smpsim view SCENE, Head > Landmarks)",
                         why.message,
                         rep->facing_by == SMP_FOUND_BY_OVERRIDE ? ""
                                                                 : " (is the face toward "
                                                                   "head.facing? it was "
                                                                   "detected, not given)");
}

/* Refinement to the target edge in millimetres, then the landmarks, which fix the origin
 * between the ear canals. */
static smp_status refine_and_locate(const smp_mesh_import_desc *desc, int has_uvs, smp_mesh *m,
                                    smp_mesh_import_report *rep, smp_error *err) {
    smp_status s;
    float target = desc->target_edge_mm == 0.0f ? DEFAULT_TARGET_EDGE_MM : desc->target_edge_mm;
    if (target > 0.0f) {
        s = smp_mesh_subdivide(m, target, desc->max_triangles, &rep->subdivision_passes, err);
        if (s != SMP_OK) return s;
    } else {
        smp_mesh_compute_normals(m);
    }
    if ((s = locate(desc, m, rep, err)) != SMP_OK) return s;
    float origin[3];
    for (int k = 0; k < 3; ++k)
        origin[k] = 0.5f * (rep->landmarks.p[SMP_LM_TRAGION_LEFT][k] +
                            rep->landmarks.p[SMP_LM_TRAGION_RIGHT][k]);
    const float identity[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    float shift[3] = {-origin[0], -origin[1], -origin[2]};
    smp_mesh_transform(m, identity, 1.0f, shift);
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        for (int k = 0; k < 3; ++k) rep->landmarks.p[i][k] -= origin[k];
    rep->neck_cut_y_mm -= origin[1];
    memcpy(rep->origin_mm, origin, sizeof origin);
    if (!has_uvs) {
        const float centre[3] = {0, 0, 0};
        smp_mesh_spherical_uvs(m, centre);
        rep->uvs_generated = 1;
    }
    return SMP_OK;
}

/* The finished head's edges and size, for the report. */
static smp_status measure(smp_mesh *m, smp_mesh_import_report *rep, smp_error *err) {
    smp_mesh_topology topo;
    smp_status s = smp_mesh_topology_stats(m, &topo, err);
    if (s != SMP_OK) return s;
    rep->boundary_edges = topo.boundary_edge_count;
    rep->max_edge_mm = topo.max_edge;
    rep->mean_edge_mm = topo.mean_edge;
    smp_bounds b = smp_mesh_bounds(m);
    rep->breadth_mm = b.max[0] - b.min[0];
    rep->height_mm = b.max[1] - b.min[1];
    rep->length_mm = b.max[2] - b.min[2];
    return smp_mesh_validate(m, err);
}

static smp_status import_steps(const smp_mesh_import_desc *desc, smp_mesh *m,
                               smp_mesh_import_report *rep, smp_error *err) {
    mesh_read_result rr;
    const mesh_read_limits lim = {
        .memory_bytes = (double)(desc->read_memory_mib ? desc->read_memory_mib : 4096) * 1048576.0,
        .seconds = desc->read_seconds ? (int)desc->read_seconds : 60};
    smp_status s = desc->no_precheck ? SMP_OK : mesh_precheck(desc->path, err);
    if (s == SMP_OK) s = mesh_read_file(desc->path, &lim, &rr, err);
    if (s != SMP_OK) return s;
    *m = rr.mesh;
    rep->file_vertex_count = m->vertex_count;
    rep->file_triangle_count = m->triangle_count;
    if ((s = repair(desc->path, m, rep, err)) != SMP_OK) return s;
    if ((s = orient(desc, &rr, m, rep, err)) != SMP_OK) return s;
    if ((s = scale(desc, m, rep, err)) != SMP_OK) return s;
    if ((s = refine_and_locate(desc, rr.has_uvs, m, rep, err)) != SMP_OK) return s;
    return measure(m, rep, err);
}

smp_status smp_mesh_import(const smp_mesh_import_desc *desc, smp_mesh *out,
                           smp_mesh_import_report *report, smp_error *err) {
    smp_mesh_import_report local;
    smp_mesh_import_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!desc || !out)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "mesh import: no description or output");
    memset(out, 0, sizeof *out);
    if (!desc->path || !*desc->path)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "mesh import: no file path given");
    if ((unsigned)desc->units > SMP_UNITS_INCH || (unsigned)desc->up > SMP_AXIS_NEG_Z ||
        (unsigned)desc->facing > SMP_AXIS_NEG_Z || (unsigned)desc->neck_cut > SMP_NECK_CUT_OFF ||
        !isfinite(desc->target_edge_mm))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: import settings out of range (units, up, facing, neck cut or "
                             "target edge)",
                             desc->path);
    if (desc->target_edge_mm > 0.0f && desc->target_edge_mm < 0.1f)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: target edge %g mm is below the 0.1 mm minimum", desc->path,
                             (double)desc->target_edge_mm);
    smp_mesh m = {0};
    smp_status s = import_steps(desc, &m, rep, err);
    if (s != SMP_OK) {
        smp_mesh_free(&m);
        return with_path(err, desc->path, s);
    }
    *out = m;
    return SMP_OK;
}
