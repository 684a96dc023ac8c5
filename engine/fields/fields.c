/*
 * Scalp fields: validation, the midline profile, the natural and designed hairlines, the
 * balding patterns and point evaluation. Scars are in fields_scars.c, areas in
 * fields_measure.c, the seeded noise both use in fields_noise.c.
 *
 * Most geometry lives on the top chart (see smp/fields.h): a point's polar angle alpha from
 * +Y and azimuth phi give chart coordinates |p|·alpha·(sin phi, cos phi). Hairlines are
 * polylines on it, the natural hairline a table of alpha per azimuth; only the forehead's
 * height is measured on the mesh itself, so the designed hairline lands at its stated height
 * on whatever head is given.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields_internal.h"

#define DEG (FIELDS_PI / 180.0f)

/* The reference head the pattern dimensions were laid out on (the built-in head). */
static const float k_ref_glabella_inion_mm = 195.0f;
/* Natural frontal hairline of an adult without loss, along the forehead from the glabella
 * (assumption: trichion 55–70 mm above the glabella in adults). */
static const float k_native_height_mm = 62.0f;

/* ---------------------------------------------------------------------------------------- */
/* Small helpers                                                                             */

static float clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }

/* ---------------------------------------------------------------------------------------- */
/* Validation                                                                                */

static smp_status range(smp_error *err, const char *field, double v, double lo, double hi) {
    if (v >= lo && v <= hi) return SMP_OK;
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "fields: %s = %g: expected %g..%g", field, v, lo,
                         hi);
}

/* A parameter whose range excludes 0: 0 takes the default; then the range check. */
static smp_status param(smp_error *err, const char *field, float *v, double lo, double hi,
                        double def) {
    if (*v == 0.0f && !(lo <= 0.0 && 0.0 <= hi)) *v = (float)def;
    return range(err, field, *v, lo, hi);
}

smp_fields_desc smp_fields_desc_default(void) {
    smp_fields_desc d;
    memset(&d, 0, sizeof d);
    d.hair = (smp_hair_desc){.fu_per_cm2 = SMP_PARAM_DEFAULT(SMP_HAIR_FU_PER_CM2),
                             .hairs_per_fu = SMP_PARAM_DEFAULT(SMP_HAIR_HAIRS_PER_FU),
                             .color_srgb = {0x2a / 255.0f, 0x24 / 255.0f, 0x20 / 255.0f},
                             .shaft_diameter_um = SMP_PARAM_DEFAULT(SMP_HAIR_SHAFT_DIAMETER_UM),
                             .stubble_mm = SMP_PARAM_DEFAULT(SMP_HAIR_STUBBLE_MM)};
    d.pattern.transition_mm = SMP_PARAM_DEFAULT(SMP_PATTERN_TRANSITION_MM);
    d.hairline = (smp_hairline_desc){
        .shape = SMP_HAIRLINE_NONE,
        .height_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_HEIGHT_MM),
        .frontotemporal_angle_deg = SMP_PARAM_DEFAULT(SMP_HAIRLINE_FRONTOTEMPORAL_DEG),
        .temple_depth_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_TEMPLE_DEPTH_MM),
        .softness_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_SOFTNESS_MM),
        .micro_irregularity_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_MICRO_IRREGULARITY_MM),
        .micro_scale_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_MICRO_SCALE_MM),
        .macro_irregularity_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_MACRO_IRREGULARITY_MM),
        .macro_scale_mm = SMP_PARAM_DEFAULT(SMP_HAIRLINE_MACRO_SCALE_MM)};
    return d;
}

static smp_status resolve(const smp_fields_desc *in, smp_fields_desc *d, smp_error *err) {
    *d = *in;
    smp_status s;
    smp_hair_desc *h = &d->hair;
    if ((s = param(err, "hair.fu_per_cm2", &h->fu_per_cm2, SMP_HAIR_FU_PER_CM2)) ||
        (s = param(err, "hair.hairs_per_fu", &h->hairs_per_fu, SMP_HAIR_HAIRS_PER_FU)) ||
        (s = param(err, "hair.shaft_diameter_um", &h->shaft_diameter_um,
                   SMP_HAIR_SHAFT_DIAMETER_UM)) ||
        (s = param(err, "hair.stubble_mm", &h->stubble_mm, SMP_HAIR_STUBBLE_MM)) ||
        (s = range(err, "hair.color_srgb[0]", h->color_srgb[0], 0, 1)) ||
        (s = range(err, "hair.color_srgb[1]", h->color_srgb[1], 0, 1)) ||
        (s = range(err, "hair.color_srgb[2]", h->color_srgb[2], 0, 1)))
        return s;

    smp_pattern_desc *p = &d->pattern;
    if ((s = param(err, "pattern.transition_mm", &p->transition_mm, SMP_PATTERN_TRANSITION_MM)))
        return s;
    if ((s = range(err, "pattern.kind", p->kind, SMP_PATTERN_NONE, SMP_PATTERN_LUDWIG))) return s;
    if (p->kind == SMP_PATTERN_NORWOOD) {
        if ((s = range(err, "pattern.stage (Norwood)", p->stage, 1, 7))) return s;
        if (p->variant == SMP_NORWOOD_A && (p->stage < 2 || p->stage > 5))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "fields: pattern.variant A with stage %d: the A variants are "
                                 "IIa..Va (stage 2..5)",
                                 p->stage);
        if (p->variant == SMP_NORWOOD_VERTEX && p->stage != 3)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "fields: pattern.variant vertex with stage %d: only III vertex "
                                 "exists (stage 3)",
                                 p->stage);
        if ((s = range(err, "pattern.variant", p->variant, SMP_NORWOOD_PLAIN, SMP_NORWOOD_VERTEX)))
            return s;
    } else if (p->kind == SMP_PATTERN_LUDWIG) {
        if ((s = range(err, "pattern.stage (Ludwig)", p->stage, 1, 3))) return s;
    }

    smp_hairline_desc *l = &d->hairline;
    if ((s = range(err, "hairline.shape", l->shape, SMP_HAIRLINE_NONE, SMP_HAIRLINE_WINGED)))
        return s;
    if ((s = param(err, "hairline.height_mm", &l->height_mm, SMP_HAIRLINE_HEIGHT_MM)) ||
        (s = param(err, "hairline.frontotemporal_angle_deg", &l->frontotemporal_angle_deg,
                   SMP_HAIRLINE_FRONTOTEMPORAL_DEG)) ||
        (s = param(err, "hairline.temple_depth_mm", &l->temple_depth_mm,
                   SMP_HAIRLINE_TEMPLE_DEPTH_MM)) ||
        (s = param(err, "hairline.softness_mm", &l->softness_mm, SMP_HAIRLINE_SOFTNESS_MM)) ||
        (s = param(err, "hairline.micro_irregularity_mm", &l->micro_irregularity_mm,
                   SMP_HAIRLINE_MICRO_IRREGULARITY_MM)) ||
        (s = param(err, "hairline.micro_scale_mm", &l->micro_scale_mm,
                   SMP_HAIRLINE_MICRO_SCALE_MM)) ||
        (s = param(err, "hairline.macro_irregularity_mm", &l->macro_irregularity_mm,
                   SMP_HAIRLINE_MACRO_IRREGULARITY_MM)) ||
        (s = param(err, "hairline.macro_scale_mm", &l->macro_scale_mm,
                   SMP_HAIRLINE_MACRO_SCALE_MM)))
        return s;
    if ((s = range(err, "scar_count", d->scar_count, 0, SMP_FIELDS_MAX_SCARS))) return s;
    return SMP_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Midline profile                                                                           */

static float bin_deg(int b) { return -180.0f + ((float)b + 0.5f) * (360.0f / PROFILE_BINS); }

static void profile_splat(float *r, float y0, float z0, float y1, float z1) {
    float s0 = atan2f(z0, y0) / DEG, s1 = atan2f(z1, y1) / DEG;
    float r0 = sqrtf(y0 * y0 + z0 * z0), r1 = sqrtf(y1 * y1 + z1 * z1);
    if (fabsf(s1 - s0) > 90.0f) return; /* wraps through the neck: not the scalp */
    if (s1 < s0) {
        float t = s0;
        s0 = s1, s1 = t;
        t = r0, r0 = r1, r1 = t;
    }
    const float per = PROFILE_BINS / 360.0f;
    int b0 = (int)floorf((s0 + 180.0f) * per), b1 = (int)floorf((s1 + 180.0f) * per);
    for (int b = b0; b <= b1; ++b) {
        if (b < 0 || b >= PROFILE_BINS) continue;
        float sc = clampf(bin_deg(b), s0, s1);
        float t = s1 > s0 ? (sc - s0) / (s1 - s0) : 0.5f;
        float rr = r0 + (r1 - r0) * t;
        if (rr > r[b]) r[b] = rr;
    }
}

/* Cuts the head with the plane x = 0 and records, per sagittal angle, the outermost radius
 * around the ear axis; then integrates arc length from the coronal plane. The cut must reach
 * forward to brow_deg (the glabella's angle, or 80°, whichever is less: a scan that lost the
 * nose below the brow is still a scalp). */
static smp_status profile_build(smp_fields *f, const smp_mesh *m, float brow_deg, smp_error *err) {
    float *r = f->prof_r;
    memset(r, 0, sizeof f->prof_r);
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const float *v[3];
        for (int k = 0; k < 3; ++k) v[k] = m->positions + 3 * (size_t)m->indices[3 * t + k];
        float pts[2][2];
        int n = 0;
        for (int k = 0; k < 3 && n < 2; ++k) {
            const float *a = v[k], *b = v[(k + 1) % 3];
            if ((a[0] < 0) == (b[0] < 0)) continue;
            float u = a[0] / (a[0] - b[0]);
            pts[n][0] = a[1] + (b[1] - a[1]) * u;
            pts[n][1] = a[2] + (b[2] - a[2]) * u;
            ++n;
        }
        if (n == 2) profile_splat(r, pts[0][0], pts[0][1], pts[1][0], pts[1][1]);
    }
    /* The scalp's span (from behind the nape to the brow) must be covered; bins the cut
     * missed between two hits are interpolated. */
    int first = -1, last = -1;
    for (int b = 0; b < PROFILE_BINS; ++b)
        if (r[b] > 0) {
            if (first < 0) first = b;
            last = b;
        }
    if (first < 0 || bin_deg(first) > -120.0f || bin_deg(last) < brow_deg)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "fields: the head's cut by the mid-sagittal plane (x = 0) does not "
                             "span the scalp from the nape to the brow; is the mesh in the head "
                             "frame?");
    for (int b = first; b <= last; ++b) {
        if (r[b] > 0) continue;
        int e = b;
        while (r[e] <= 0) ++e;
        for (int k = b; k < e; ++k)
            r[k] = r[b - 1] + (r[e] - r[b - 1]) * (float)(k - b + 1) / (float)(e - b + 1);
        b = e;
    }
    for (int b = 0; b < first; ++b) r[b] = r[first];
    for (int b = last + 1; b < PROFILE_BINS; ++b) r[b] = r[last];
    const float h = (360.0f / PROFILE_BINS) * DEG;
    const int zero = PROFILE_BINS / 2; /* bin_deg(zero) = +0.125° */
    double s = 0.125 * DEG * r[zero];
    f->prof_s[zero] = (float)s;
    for (int b = zero + 1; b < PROFILE_BINS; ++b) {
        float dr = r[b] - r[b - 1], rm = 0.5f * (r[b] + r[b - 1]);
        s += sqrt((double)rm * rm * h * h + (double)dr * dr);
        f->prof_s[b] = (float)s;
    }
    s = f->prof_s[zero] - 0.25 * DEG * r[zero];
    for (int b = zero - 1; b >= 0; --b) {
        float dr = r[b + 1] - r[b], rm = 0.5f * (r[b] + r[b + 1]);
        f->prof_s[b] = (float)s;
        s -= sqrt((double)rm * rm * h * h + (double)dr * dr);
    }
    return SMP_OK;
}

static float profile_lookup(const float *table, float sigma_deg) {
    float x = (sigma_deg + 180.0f) * (PROFILE_BINS / 360.0f) - 0.5f;
    x = clampf(x, 0.0f, PROFILE_BINS - 1.001f);
    int b = (int)x;
    assert(b >= 0 && b + 1 < PROFILE_BINS);
    return table[b] + (table[b + 1] - table[b]) * (x - (float)b);
}

/* The sagittal angle (degrees) where the midline arc from the coronal plane equals s_mm. */
static float profile_angle_at(const smp_fields *f, float s_mm) {
    int lo = 0, hi = PROFILE_BINS - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (f->prof_s[mid] < s_mm)
            lo = mid;
        else
            hi = mid;
    }
    float s0 = f->prof_s[lo], s1 = f->prof_s[hi];
    float t = s1 > s0 ? clampf((s_mm - s0) / (s1 - s0), 0, 1) : 0;
    return bin_deg(lo) + t * (360.0f / PROFILE_BINS);
}

/* ---------------------------------------------------------------------------------------- */
/* Curves on the chart                                                                       */

static float shape_profile(smp_hairline_shape shape, float t) {
    switch (shape) {
    case SMP_HAIRLINE_STRAIGHT: return t * t * t * t * t * t;
    case SMP_HAIRLINE_WIDOWS_PEAK: {
        float v = t / 0.2f, peak = v < 1 ? v * (2 - v) : 1;
        return 0.35f * peak + 0.65f * t * t;
    }
    case SMP_HAIRLINE_WINGED: {
        float w = clampf((t - 0.2f) / 0.55f, 0, 1);
        return 0.95f * w * w * (3 - 2 * w) + 0.05f * t;
    }
    default: return t * t;
    }
}

static void curve_build(fields_curve *c, float cz_mid, float cx_ftp, float depth,
                        smp_hairline_shape shape, float angle_deg, float ray_mm) {
    for (int k = 0; k <= CURVE_SEGMENTS; ++k) {
        float t = (float)k / CURVE_SEGMENTS;
        c->p[k][0] = t * cx_ftp;
        c->p[k][1] = cz_mid - depth * shape_profile(shape, t);
    }
    float slope = (shape_profile(shape, 1.0f) - shape_profile(shape, 0.999f)) / 0.001f;
    float tx = cx_ftp, tz = -depth * slope, tl = sqrtf(tx * tx + tz * tz);
    float ux = -tx / tl, uz = -tz / tl; /* back along the frontal line, towards the midline */
    float ca = cosf(angle_deg * DEG), sa = sinf(angle_deg * DEG);
    /* Clockwise on the chart: from the frontal line through the forehead side. */
    float vx = ux * ca + uz * sa, vz = -ux * sa + uz * ca;
    c->p[CURVE_POINTS - 1][0] = c->p[CURVE_SEGMENTS][0] + ray_mm * vx;
    c->p[CURVE_POINTS - 1][1] = c->p[CURVE_SEGMENTS][1] + ray_mm * vz;
    c->min_cz = 1e9f;
    for (int k = 0; k < CURVE_POINTS; ++k) c->min_cz = fminf(c->min_cz, c->p[k][1]);
    for (int k = 0; k + 1 < CURVE_POINTS; ++k) {
        float dx = c->p[k + 1][0] - c->p[k][0], dz = c->p[k + 1][1] - c->p[k][1];
        float len = sqrtf(dx * dx + dz * dz);
        if (len < 1e-6f) len = 1e-6f;
        c->nrm[k][0] = dz / len; /* right of the lateral direction: behind, the hair side */
        c->nrm[k][1] = -dx / len;
    }
}

/* Signed distance in mm from the curve, positive on the hair side (behind it). */
static float curve_signed(const fields_curve *c, float cx, float cz, float far_mm) {
    float x = fabsf(cx);
    if (cz < c->min_cz - far_mm) return c->min_cz - cz;
    float best = 1e30f, bt = 0;
    int bi = 0;
    for (int k = 0; k + 1 < CURVE_POINTS; ++k) {
        float ax = c->p[k][0], az = c->p[k][1];
        float dx = c->p[k + 1][0] - ax, dz = c->p[k + 1][1] - az;
        float qx = x - ax, qz = cz - az;
        float t = (qx * dx + qz * dz) / (dx * dx + dz * dz + 1e-12f);
        t = clampf(t, 0, 1);
        float ex = qx - t * dx, ez = qz - t * dz, d2 = ex * ex + ez * ez;
        if (d2 < best) best = d2, bi = k, bt = t;
    }
    float nx = c->nrm[bi][0], nz = c->nrm[bi][1];
    if (bt <= 0.0f) {
        if (bi > 0)
            nx += c->nrm[bi - 1][0], nz += c->nrm[bi - 1][1];
        else
            nx = 0; /* the midline: the mirrored segment cancels the lateral part */
    } else if (bt >= 1.0f && bi + 2 < CURVE_POINTS) {
        nx += c->nrm[bi + 1][0], nz += c->nrm[bi + 1][1];
    }
    float px = c->p[bi][0] + bt * (c->p[bi + 1][0] - c->p[bi][0]);
    float pz = c->p[bi][1] + bt * (c->p[bi + 1][1] - c->p[bi][1]);
    float side = (x - px) * nx + (cz - pz) * nz;
    float d = sqrtf(best);
    return side >= 0 ? d : -d;
}

/* ---------------------------------------------------------------------------------------- */
/* Natural hairline                                                                          */

/* The natural hairline of an adult scalp as (azimuth, polar angle from +Y) in degrees, the
 * front point set from the head's own forehead. From the front: temple corner, temporal
 * peak, the front of the sideburn and its lower end in front of the ear, over the ear with a
 * finger's margin, down behind it to the mastoid, and the nape. */
static const float k_nat[][2] = {
    {0, 0},   {25, 1.5f}, {40, 6},   {52, 22},  {60, 74},   {70, 88},   {80, 97},   {86, 90},
    {91, 64}, {100, 58},  {110, 62}, {118, 84}, {126, 108}, {140, 120}, {160, 128}, {180, 132},
};

static void natural_build(smp_fields *f, float front_alpha_deg) {
    enum { N = sizeof k_nat / sizeof k_nat[0] };
    float x[N], y[N];
    for (int i = 0; i < N; ++i) {
        x[i] = k_nat[i][0];
        /* Polar angles at the front follow the forehead; the offsets above are relative to
         * it up to the temporal peak, absolute below (those are set by the ear). */
        y[i] = i < 4 ? front_alpha_deg + k_nat[i][1] : fmaxf(k_nat[i][1], front_alpha_deg + 20);
    }
    for (int b = 0; b < PHI_BINS; ++b) {
        float phi = (float)b * (180.0f / (PHI_BINS - 1));
        int i = 0;
        while (i + 2 < N && phi > x[i + 1]) ++i;
        float h = x[i + 1] - x[i], t = (phi - x[i]) / h;
        /* Cardinal spline with tangents from the neighbours (mirrored at both ends). */
        float m0 = i > 0 ? (y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1]) : 0;
        float m1 = i + 2 < N ? (y[i + 2] - y[i]) / (x[i + 2] - x[i]) : 0;
        float t2 = t * t, t3 = t2 * t;
        float v = (2 * t3 - 3 * t2 + 1) * y[i] + (t3 - 2 * t2 + t) * h * m0 +
                  (-2 * t3 + 3 * t2) * y[i + 1] + (t3 - t2) * h * m1;
        f->nat_alpha[b] = v * DEG;
        /* The scalp's lower edge for a designed hairline: opened up across the front, where
         * the designed line decides, closing into the natural line at the temples. */
        float open = 1.0f - fields_smoothstep01((phi - 30.0f) / 18.0f);
        f->low_alpha[b] = (v + 70.0f * open) * DEG;
    }
    const float dphi = (180.0f / (PHI_BINS - 1)) * DEG;
    for (int b = 0; b < PHI_BINS; ++b) {
        int b0 = b > 0 ? b - 1 : 1, b1 = b + 1 < PHI_BINS ? b + 1 : PHI_BINS - 2;
        float span = (float)(b1 - b0) * dphi;
        if (b == 0 || b == PHI_BINS - 1) span = 2 * dphi;
        float sn = (f->nat_alpha[b1] - f->nat_alpha[b0]) / span / f->nat_alpha[b];
        float sl = (f->low_alpha[b1] - f->low_alpha[b0]) / span / f->low_alpha[b];
        if (b == 0 || b == PHI_BINS - 1) sn = sl = 0;
        f->nat_cos[b] = 1.0f / sqrtf(1.0f + sn * sn);
        f->low_cos[b] = 1.0f / sqrtf(1.0f + sl * sl);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Patterns                                                                                  */

/* Norwood stages on the reference head. Columns: frontal recession line at the midline and
 * at its temporal corners (chart cz, mm, > 0 in front of the coronal line through the ear
 * canals), the corners' lateral chart offset (mm), crown patch radii across and along (mm),
 * baldness of the bridge between front and crown, and the elevation (°) up to which the side
 * and the back fringe keep their hair. */
// clang-format off
static const fields_stage k_norwood[8] = {
    [0] = {2e9f, 0, 0, 0, 0, 0, 0, 0},
    [1] = {2e9f, 0, 0, 0, 0, 0, 0, 0},         /* I: no loss */
    [2] = {76, 34, 46, 0, 0, 0, 50, 45},       /* II: corners stay 20 mm before the line */
    [3] = {72, 2, 50, 0, 0, 0, 50, 45},        /* III: corners past it */
    [4] = {62, 2, 52, 30, 34, 0, 50, 44},      /* IV: crown patch, full bridge */
    [5] = {56, -4, 54, 34, 38, 0.4f, 47, 40},  /* V: larger, bridge sparse */
    [6] = {-30, -40, 56, 46, 52, 1, 42, 32},   /* VI: bridge gone */
    [7] = {-170, -175, 58, 56, 66, 1, 28, 12}, /* VII: only the fringe decides */
};
static const fields_stage k_norwood_a[6] = {
    [0] = {2e9f, 0, 0, 0, 0, 0, 0, 0},
    [1] = {2e9f, 0, 0, 0, 0, 0, 0, 0},
    [2] = {64, 56, 50, 0, 0, 0, 50, 45},       /* IIa: short of the 20 mm line */
    [3] = {24, 18, 52, 0, 0, 0, 50, 45},       /* IIIa: at it */
    [4] = {-6, -12, 52, 0, 0, 0, 50, 44},      /* IVa: past the coronal line */
    [5] = {-35, -40, 55, 0, 0, 0, 47, 40},     /* Va: to the crown */
};
static const fields_stage k_norwood_iii_vertex = {72, 2, 50, 26, 30, 0, 50, 45};
// clang-format on
static const float k_crown_cz = -55.0f;

static void pattern_build(smp_fields *f) {
    const smp_pattern_desc *p = &f->d.pattern;
    float s = f->scale;
    f->transition = p->transition_mm;
    f->pattern_on = p->kind != SMP_PATTERN_NONE;
    f->crown_cz = k_crown_cz * s;
    if (p->kind == SMP_PATTERN_NORWOOD) {
        fields_stage st = p->variant == SMP_NORWOOD_A        ? k_norwood_a[p->stage]
                          : p->variant == SMP_NORWOOD_VERTEX ? k_norwood_iii_vertex
                                                             : k_norwood[p->stage];
        if (st.mid_cz > 1e8f) {
            f->pattern_on = 0;
            f->st = st;
            return;
        }
        st.mid_cz = fminf(st.mid_cz * s, f->native_cz - 5.0f);
        st.corner_cz = fminf(st.corner_cz * s, st.mid_cz);
        st.corner_cx *= s;
        st.crown_rx *= s, st.crown_rz *= s;
        f->st = st;
        /* The fringe kept at the sides and back: its upper edge as an elevation above the
         * ear-canal plane, opening up at the front where the recession line decides. */
        for (int b = 0; b < PHI_BINS; ++b) {
            float phi = (float)b * (180.0f / (PHI_BINS - 1));
            float e = st.fringe_side + (st.fringe_back - st.fringe_side) *
                                           fields_smoothstep01((phi - 95.0f) / 60.0f);
            /* The temple hair sits lower than the parietal fringe. */
            e -= 12.0f * (1.0f - fields_smoothstep01((phi - 50.0f) / 40.0f));
            float open = 1.0f - fields_smoothstep01((phi - 35.0f) / 25.0f);
            f->fringe_alpha[b] = (90.0f - e + 90.0f * open) * DEG;
        }
        curve_build(&f->recession, st.mid_cz, st.corner_cx, st.mid_cz - st.corner_cz,
                    p->variant == SMP_NORWOOD_A ? SMP_HAIRLINE_STRAIGHT : SMP_HAIRLINE_ROUNDED,
                    85.0f, 90.0f * s);
    } else if (p->kind == SMP_PATTERN_LUDWIG) {
        static const float level[4] = {1, 0.65f, 0.35f, 0.08f};
        static const float front[4] = {0, 30, 22, 14}, back[4] = {0, -70, -85, -100};
        static const float rx[4] = {0, 40, 50, 58};
        f->ludwig_level = level[p->stage];
        f->ludwig_front = f->native_cz - front[p->stage] * s;
        f->ludwig_back = back[p->stage] * s;
        f->ludwig_rx = rx[p->stage] * s;
        f->olsen_apex = f->native_cz - 6.0f * s;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Create / destroy                                                                          */

smp_status smp_fields_create(const smp_fields_desc *desc, const smp_mesh *head,
                             const smp_landmarks *lm, smp_fields **out, smp_error *err) {
    if (!out) return smp_error_set(err, SMP_ERR_INVALID_ARG, "fields: out is NULL");
    *out = NULL;
    if (!head || !lm || !head->positions || !head->indices || head->triangle_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "fields: a head mesh with triangles and its landmarks are needed");
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        for (int k = 0; k < 3; ++k)
            if (!isfinite(lm->p[i][k]))
                return smp_error_set(err, SMP_ERR_INVALID_ARG, "fields: landmark %s is not finite",
                                     smp_landmark_name((smp_landmark_id)i));
    static const smp_fields_desc zero;
    smp_fields *f = calloc(1, sizeof *f);
    if (!f) return smp_error_set(err, SMP_ERR_NOMEM, "fields: out of memory");
    smp_status s = resolve(desc ? desc : &zero, &f->d, err);
    const float *brow = lm->p[SMP_LM_GLABELLA];
    float brow_deg = fminf(80.0f, atan2f(brow[2], brow[1]) / DEG - 1.0f);
    if (s == SMP_OK) s = profile_build(f, head, brow_deg, err);
    if (s != SMP_OK) {
        free(f);
        return s;
    }

    const float *g = lm->p[SMP_LM_GLABELLA], *in = lm->p[SMP_LM_INION];
    const float *vx = lm->p[SMP_LM_VERTEX];
    float gi = sqrtf((g[0] - in[0]) * (g[0] - in[0]) + (g[1] - in[1]) * (g[1] - in[1]) +
                     (g[2] - in[2]) * (g[2] - in[2]));
    if (!(gi > 100.0f && gi < 300.0f)) {
        smp_error_set(err, SMP_ERR_INVALID_ARG,
                      "fields: glabella–inion distance %.1f mm: expected 100..300 (a head in mm)",
                      gi);
        free(f);
        return SMP_ERR_INVALID_ARG;
    }
    f->scale = gi / k_ref_glabella_inion_mm;
    float sig_g = atan2f(g[2], g[1]) / DEG, sig_v = atan2f(vx[2], vx[1]) / DEG;
    f->glabella_s = profile_lookup(f->prof_s, sig_g);
    f->vertex_s = profile_lookup(f->prof_s, sig_v);

    float sig_nat = profile_angle_at(f, f->glabella_s - k_native_height_mm * f->scale);
    f->native_cz = profile_lookup(f->prof_r, sig_nat) * sig_nat * DEG;
    natural_build(f, sig_nat);

    const smp_hairline_desc *hl = &f->d.hairline;
    f->has_design = hl->shape != SMP_HAIRLINE_NONE;
    if (f->has_design) {
        float room = f->glabella_s - f->vertex_s;
        if (hl->height_mm > room) {
            smp_error_set(err, SMP_ERR_INVALID_ARG,
                          "fields: hairline.height_mm = %g puts the hairline past the vertex: "
                          "expected 40..%.1f on this head",
                          hl->height_mm, room);
            free(f);
            return SMP_ERR_INVALID_ARG;
        }
        float sig = profile_angle_at(f, f->glabella_s - hl->height_mm);
        float r = profile_lookup(f->prof_r, sig);
        f->designed_cz = r * sig * DEG;
        /* The frontotemporal points stand over the lateral canthi; chart x runs along the
         * skin, a little longer than the straight lateral offset. */
        float cx =
            0.5f * (fabsf(lm->p[SMP_LM_CANTHUS_LEFT][0]) + fabsf(lm->p[SMP_LM_CANTHUS_RIGHT][0]));
        float a = fmaxf(fabsf(sig) * DEG, 0.35f);
        cx *= a / sinf(a);
        curve_build(&f->design, f->designed_cz, cx, hl->temple_depth_mm, hl->shape,
                    hl->frontotemporal_angle_deg, 45.0f * f->scale);
        f->design_soft = hl->softness_mm;
        f->micro_amp = hl->micro_irregularity_mm;
        f->micro_inv = 1.0f / hl->micro_scale_mm;
        f->macro_amp = hl->macro_irregularity_mm;
        f->macro_inv = 1.0f / hl->macro_scale_mm;
    }
    pattern_build(f);
    s = fields_scars_build(f, err);
    if (s != SMP_OK) {
        smp_fields_destroy(f);
        return s;
    }
    *out = f;
    return SMP_OK;
}

void smp_fields_destroy(smp_fields *f) {
    if (!f) return;
    fields_scars_free(f);
    free(f);
}

const smp_fields_desc *smp_fields_resolved(const smp_fields *f) { return &f->d; }

float smp_fields_vertex_height_mm(const smp_fields *f) { return f->glabella_s - f->vertex_s; }

/* ---------------------------------------------------------------------------------------- */
/* Evaluation                                                                                */

typedef struct point_values {
    float scalp, hair, natural, scar, pallor, scar_grown;
    uint8_t tissue;
} point_values;

/* Distance in mm inside the line given by table alpha(phi) (negative outside). The radial
 * gap is turned into a distance across the line with the line's slope on the chart, which
 * only holds near the line: far from it the radial gap is the better measure. */
static float inside_line(const float *alpha_t, const float *cos_t, float phi_abs, float alpha,
                         float r);

static float table_lookup(const float *t, float phi_abs_deg) {
    float x = phi_abs_deg * ((PHI_BINS - 1) / 180.0f);
    int b = (int)x;
    if (b >= PHI_BINS - 1) return t[PHI_BINS - 1];
    return t[b] + (t[b + 1] - t[b]) * (x - (float)b);
}

static float inside_line(const float *alpha_t, const float *cos_t, float phi_abs, float alpha,
                         float r) {
    float gap = (table_lookup(alpha_t, phi_abs) - alpha) * r;
    float c = table_lookup(cos_t, phi_abs);
    c += (1.0f - c) * fields_smoothstep01((fabsf(gap) - 8.0f) / 30.0f);
    return gap * c;
}

static float norwood_bald(const smp_fields *f, float cx, float cz, float alpha, float r,
                          float phi_abs, float jitter) {
    const fields_stage *st = &f->st;
    float T = f->transition;
    float allowed = fields_smoothstep01(
        ((table_lookup(f->fringe_alpha, phi_abs) - alpha) * r + jitter) / T + 0.5f);
    if (allowed <= 0) return 0;
    float sr = curve_signed(&f->recession, cx, cz, 3 * T);
    float bald = fields_smoothstep01((-sr + jitter) / T + 0.5f);
    if (st->crown_rx > 0) {
        float ex = cx / st->crown_rx, ez = (cz - f->crown_cz) / st->crown_rz;
        float q = sqrtf(ex * ex + ez * ez);
        float d = (q - 1.0f) * 0.5f * (st->crown_rx + st->crown_rz);
        bald = fmaxf(bald, fields_smoothstep01((-d + jitter) / T + 0.5f));
    }
    if (st->bridge > 0) {
        /* The bridge is the band across the top between the two bald areas. */
        float between = fields_smoothstep01((sr + jitter) / T + 0.5f) *
                        fields_smoothstep01((cz - f->crown_cz) / T + 0.5f) *
                        fields_smoothstep01((st->crown_rx + 5.0f - fabsf(cx) + jitter) / T + 0.5f);
        bald = fmaxf(bald, st->bridge * between);
    }
    return allowed * bald;
}

static float ludwig_thin(const smp_fields *f, float cx, float cz, float jitter) {
    /* Diffuse thinning fades over a fixed width that stays behind the kept hairline. */
    const float T = 10.0f * f->scale;
    jitter *= 0.4f * T / f->transition;
    float cz0 = 0.5f * (f->ludwig_front + f->ludwig_back);
    float rz = 0.5f * (f->ludwig_front - f->ludwig_back), rx = f->ludwig_rx;
    float ex = cx / rx, ez = (cz - cz0) / rz, q = sqrtf(ex * ex + ez * ez);
    float in = fields_smoothstep01((-(q - 1.0f) * 0.5f * (rx + rz) + jitter) / T + 0.5f);
    if (f->d.pattern.frontal_accentuation && cz < f->olsen_apex) {
        float half = 0.45f * (f->olsen_apex - cz);
        float tree = fields_smoothstep01((half - fabsf(cx) + jitter) / (0.5f * T) + 0.5f) *
                     fields_smoothstep01((cz - cz0) / T + 0.5f);
        in = fmaxf(in, tree);
    }
    return in;
}

static void eval_point(const smp_fields *f, const float *p, float grow_mm, point_values *o) {
    memset(o, 0, sizeof *o);
    float x = p[0], y = p[1], z = p[2];
    float h = sqrtf(x * x + z * z), r = sqrtf(h * h + y * y);
    if (!(r > 1e-3f)) {
        o->tissue = SMP_TISSUE_SKIN;
        return;
    }
    float alpha = atan2f(h, y);
    float phi_abs = h > 1e-6f ? fabsf(atan2f(x, z)) / DEG : 0.0f;
    float ra = r * alpha, cx = h > 1e-6f ? ra * x / h : 0.0f, cz = h > 1e-6f ? ra * z / h : ra;
    const uint64_t seed = f->d.seed;

    /* Natural hairline, with a little irregularity of its own where it can matter (a
     * smoothstep over 3 mm saturates 1.5 mm from the line, the noise moves it 1.5 mm). */
    float in_nat = inside_line(f->nat_alpha, f->nat_cos, phi_abs, alpha, r);
    float in_low = f->has_design ? inside_line(f->low_alpha, f->low_cos, phi_abs, alpha, r) : 0;
    float nat_j = 0;
    if (fabsf(in_nat) < 3.0f || (f->has_design && fabsf(in_low) < 3.0f))
        nat_j = 1.5f * fields_noise(seed, 7, cx * 0.15f, cz * 0.15f);
    o->natural = fields_smoothstep01((in_nat + nat_j) / 3.0f + 0.5f);

    if (f->has_design) {
        float low = fields_smoothstep01((in_low + nat_j) / 3.0f + 0.5f);
        /* Past this distance from the line the mask is saturated whatever the noise. */
        float reach = 0.5f * f->design_soft + f->micro_amp + f->macro_amp + 1.0f;
        float sd = curve_signed(&f->design, cx, cz, reach);
        if (fabsf(sd) < reach) {
            if (f->micro_amp > 0)
                sd += f->micro_amp * fields_noise(seed, 1, cx * f->micro_inv, cz * f->micro_inv);
            if (f->macro_amp > 0)
                sd += f->macro_amp * fields_noise(seed, 2, cx * f->macro_inv, cz * f->macro_inv);
        }
        o->scalp = low * fields_smoothstep01(sd / f->design_soft + 0.5f);
    } else {
        o->scalp = o->natural;
    }

    /* The pattern only matters where hair would grow. */
    float hair = 1.0f;
    if (f->pattern_on && o->natural > 0) {
        float T = f->transition;
        float jitter = 0.45f * T *
                       (0.7f * fields_noise(seed, 3, cx / 18.0f, cz / 18.0f) +
                        0.3f * fields_noise(seed, 4, cx / 5.0f, cz / 5.0f));
        if (f->d.pattern.kind == SMP_PATTERN_NORWOOD)
            hair = 1.0f - norwood_bald(f, cx, cz, alpha, r, phi_abs, jitter);
        else
            hair = 1.0f - (1.0f - f->ludwig_level) * ludwig_thin(f, cx, cz, jitter);
    }

    o->tissue = SMP_TISSUE_SKIN;
    if (f->scar_count) {
        float u[3] = {x / r, y / r, z / r};
        float best = 0;
        for (int i = 0; i < f->scar_count; ++i) {
            const fields_scar *s = &f->scars[i];
            if (u[0] * s->c[0] + u[1] * s->c[1] + u[2] * s->c[2] < s->reach_cos) continue;
            float w = fields_scar_weight(s, u, r, 0.0f);
            if (grow_mm > 0)
                o->scar_grown = fmaxf(o->scar_grown, fields_scar_weight(s, u, r, grow_mm));
            if (w <= 0) continue;
            if (s->areata) {
                hair *= 1.0f - w;
                continue;
            }
            if (!s->keeps_hair) hair *= 1.0f - w;
            o->scar = fmaxf(o->scar, w);
            o->pallor = fmaxf(o->pallor, w * s->d.pallor);
            if (w >= 0.5f && w > best) best = w, o->tissue = (uint8_t)s->tissue;
        }
    }
    o->hair = hair;
}

void smp_fields_eval(const smp_fields *f, const float *positions, size_t count,
                     const smp_fields_out *out) {
    if (!f || !out || !positions) return;
    const float fu = f->d.hair.fu_per_cm2;
    for (size_t i = 0; i < count; ++i) {
        point_values v;
        eval_point(f, positions + 3 * i, 0.0f, &v);
        if (out->scalp) out->scalp[i] = v.scalp;
        if (out->hair) out->hair[i] = v.hair;
        if (out->native_fu_per_cm2) out->native_fu_per_cm2[i] = fu * v.natural;
        if (out->tissue) out->tissue[i] = v.tissue;
        if (out->scar) out->scar[i] = v.scar;
        if (out->pallor) out->pallor[i] = v.pallor;
    }
}

void fields_eval_full(const smp_fields *f, const float *p, float *scalp, float *hair,
                      float *natural, float *scar, uint8_t *tissue) {
    point_values v;
    eval_point(f, p, 0.0f, &v);
    *scalp = v.scalp, *hair = v.hair, *natural = v.natural, *scar = v.scar, *tissue = v.tissue;
}

smp_status smp_fields_vertex_density(const smp_fields *f, const smp_mesh *head,
                                     const smp_treatment_desc *treatment, float *density_per_cm2,
                                     uint8_t *tissue, smp_error *err) {
    static const smp_treatment_desc zero;
    smp_treatment_desc t = treatment ? *treatment : zero;
    if (!t.regions) t.regions = 1u << SMP_REGION_SCALP;
    smp_status s;
    if ((s = param(err, "treatment.density_per_cm2", &t.density_per_cm2,
                   SMP_TREATMENT_DENSITY_PER_CM2)) ||
        (s = param(err, "treatment.scar_margin_mm", &t.scar_margin_mm,
                   SMP_TREATMENT_SCAR_MARGIN_MM)))
        return s;
    if (t.regions >= (1u << (SMP_REGION_SCARS + 1)))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "fields: treatment.regions = 0x%x: expected a mask of bits 0..%d",
                             t.regions, SMP_REGION_SCARS);
    if (!head || !head->positions)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "fields: no head mesh");
    const long n = (long)head->vertex_count;
    const float grow = (t.regions & (1u << SMP_REGION_SCARS)) ? t.scar_margin_mm : 0.0f;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) {
        point_values v;
        eval_point(f, head->positions + 3 * i, grow, &v);
        float lost = 1.0f - v.hair, w = 0;
        /* Practitioners taper the dots into the client's own hair: where follicles already
         * show, fewer dots, so that the fringe (hair plus dots) keeps the treated area's tone. */
        float kept = t.hairless ? 0.0f : v.natural * v.hair;
        if (t.regions & (1u << SMP_REGION_SCALP)) w = fmaxf(w, v.scalp * (1.0f - kept));
        if (t.regions & (1u << SMP_REGION_BALD)) w = fmaxf(w, v.scalp * v.natural * lost);
        if (t.regions & (1u << SMP_REGION_THINNING)) w = fmaxf(w, v.natural * lost);
        if (t.regions & (1u << SMP_REGION_SCARS)) w = fmaxf(w, v.scar_grown);
        if (density_per_cm2) density_per_cm2[i] = t.density_per_cm2 * w;
        if (tissue) tissue[i] = v.tissue;
    }
    return SMP_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Stage names                                                                               */

smp_status smp_pattern_stage_parse(smp_pattern_kind kind, const char *text, int *stage,
                                   smp_norwood_variant *variant, smp_error *err) {
    static const char *const roman[] = {"I", "II", "III", "IV", "V", "VI", "VII"};
    if (!text || !stage || !variant)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "pattern.stage: no text");
    int max = kind == SMP_PATTERN_LUDWIG ? 3 : 7;
    for (int i = max - 1; i >= 0; --i) {
        size_t n = strlen(roman[i]);
        if (strncmp(text, roman[i], n) != 0) continue;
        const char *rest = text + n;
        if (*rest == '\0') {
            *stage = i + 1, *variant = SMP_NORWOOD_PLAIN;
            return SMP_OK;
        }
        if (kind != SMP_PATTERN_NORWOOD) break;
        if (strcmp(rest, "a") == 0 && i >= 1 && i <= 4) {
            *stage = i + 1, *variant = SMP_NORWOOD_A;
            return SMP_OK;
        }
        if ((strcmp(rest, "-vertex") == 0 || strcmp(rest, "v") == 0) && i == 2) {
            *stage = 3, *variant = SMP_NORWOOD_VERTEX;
            return SMP_OK;
        }
        break;
    }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         kind == SMP_PATTERN_LUDWIG
                             ? "pattern.stage = \"%s\": expected Ludwig I, II or III"
                             : "pattern.stage = \"%s\": expected Norwood I..VII, IIa..Va or "
                               "III-vertex",
                         text);
}
