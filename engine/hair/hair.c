#include "smp/hair.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/dots.h"
#include "smp/rng.h"
#include "smp/scatter.h"

/* --- small vector helpers ----------------------------------------------------------------- */

static float dot3(const float a[3], const float b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static float normalize3(float v[3]) {
    float len = sqrtf(dot3(v, v));
    if (len > 0.0f)
        for (int k = 0; k < 3; ++k) v[k] /= len;
    return len;
}

/* v minus its component along unit n: the part of v that lies in the skin's plane. */
static void tangential(const float v[3], const float n[3], float out[3]) {
    float d = dot3(v, n);
    for (int k = 0; k < 3; ++k) out[k] = v[k] - d * n[k];
}

static float smoothstep(float e0, float e1, float x) {
    float t = (x - e0) / (e1 - e0);
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    return t * t * (3.0f - 2.0f * t);
}

static float unit(uint32_t key, uint32_t counter) {
    return smp_rng_unit16(smp_rng_hash(key, counter) >> 16);
}

/* --- the growth pattern ------------------------------------------------------------------- */

/* The crown whorl as a direction from the head-frame origin: a quarter of the way from the
 * vertex towards the inion, a little to the client's right, where most whorls sit. */
static void whorl_direction(const smp_landmarks *lm, float w[3]) {
    float v[3], i[3];
    memcpy(v, lm->p[SMP_LM_VERTEX], sizeof v);
    memcpy(i, lm->p[SMP_LM_INION], sizeof i);
    normalize3(v);
    normalize3(i);
    for (int k = 0; k < 3; ++k) w[k] = 0.75f * v[k] + 0.25f * i[k];
    w[0] -= 0.06f;
    normalize3(w);
}

void smp_hair_flow(const smp_landmarks *landmarks, const float point[3], const float normal[3],
                   int long_hair, float out[3]) {
    float w[3], d[3] = {point[0], point[1], point[2]}, g[3];
    whorl_direction(landmarks, w);
    normalize3(d);
    /* Away from the whorl along the skin: on a round head this alone gives forward on the
     * frontal scalp and down at the back and sides. */
    float away[3] = {d[0] - w[0], d[1] - w[1], d[2] - w[2]};
    tangential(away, normal, g);
    if (normalize3(g) < 1e-6f) {
        const float fwd[3] = {0, 0, 1};
        tangential(fwd, normal, g);
        if (normalize3(g) < 1e-6f) g[0] = 1, g[1] = 0, g[2] = 0;
    }
    /* The swirl: a turn across the outflow that dies out about 20° from the whorl. Crossing n
     * with g turns counter-clockwise seen from above, so it is subtracted. */
    float c = dot3(d, w);
    float theta = acosf(c > 1.0f ? 1.0f : c < -1.0f ? -1.0f : c);
    float swirl = 1.6f * expf(-theta / 0.35f);
    float across[3] = {normal[1] * g[2] - normal[2] * g[1], normal[2] * g[0] - normal[0] * g[2],
                       normal[0] * g[1] - normal[1] * g[0]};
    for (int k = 0; k < 3; ++k) g[k] -= swirl * across[k];
    normalize3(g);
    /* Below the crown's level hair lies down and slightly back, over the ears and the nape. */
    const float down_back[3] = {0.0f, -1.0f, -0.35f};
    float db[3];
    tangential(down_back, normal, db);
    float wd = 0.9f * smoothstep(0.55f, 0.05f, d[1]);
    for (int k = 0; k < 3; ++k) g[k] += wd * db[k];
    normalize3(g);
    if (long_hair) {
        /* Long hair parted at the midline and combed back: the front, and wherever the natural
         * pattern points forward (in front of the whorl), goes to each side and backwards,
         * clear of the face. */
        float side = point[0] >= 0.0f ? 1.0f : -1.0f;
        const float part_dir[3] = {0.35f * side, 0.0f, -1.0f};
        float pd[3];
        tangential(part_dir, normal, pd);
        normalize3(pd);
        float forward = g[2] * 2.0f < 0.0f ? 0.0f : g[2] * 2.0f > 1.0f ? 1.0f : g[2] * 2.0f;
        float front = smoothstep(-0.35f, 0.15f, d[2]);
        float wf = (front > forward ? front : forward) * smoothstep(-0.2f, 0.3f, d[1]);
        for (int k = 0; k < 3; ++k) g[k] = (1.0f - wf) * g[k] + wf * pd[k];
        normalize3(g);
    }
    memcpy(out, g, sizeof g);
}

/* --- the head's silhouette seen from the origin, for keeping strands outside it ----------- */

enum { RMAP_AZ = 144, RMAP_EL = 72 }; /* 2.5° bins: a few vertices each on a head's mesh */

typedef struct radius_map {
    float r[RMAP_EL][RMAP_AZ]; /* largest distance from the origin of the head per direction */
} radius_map;

static void direction_bin(const float d[3], float *az, float *el) {
    float len = sqrtf(dot3(d, d));
    float y = len > 0.0f ? d[1] / len : 0.0f;
    *az = (atan2f(d[0], d[2]) + 3.14159265f) / 6.2831853f * RMAP_AZ;
    *el = (asinf(y < -1.0f ? -1.0f : y > 1.0f ? 1.0f : y) + 1.5707963f) / 3.14159265f * RMAP_EL;
}

static void radius_map_build(const smp_mesh *m, radius_map *out) {
    radius_map raw;
    memset(&raw, 0, sizeof raw);
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions + 3 * (size_t)v;
        float az, el;
        direction_bin(p, &az, &el);
        int a = (int)az % RMAP_AZ, e = (int)el;
        if (e >= RMAP_EL) e = RMAP_EL - 1;
        float r = sqrtf(dot3(p, p));
        if (r > raw.r[e][a]) raw.r[e][a] = r;
    }
    /* A bin no vertex fell in takes the largest of its neighbours, so a strand cannot sink into
     * the head through it; the others keep their own value, so strands lie close on slopes. */
    for (int e = 0; e < RMAP_EL; ++e)
        for (int a = 0; a < RMAP_AZ; ++a) {
            float r = raw.r[e][a];
            if (r == 0.0f)
                for (int de = -1; de <= 1; ++de)
                    for (int da = -1; da <= 1; ++da) {
                        int ee = e + de, aa = (a + da + RMAP_AZ) % RMAP_AZ;
                        if (ee >= 0 && ee < RMAP_EL && raw.r[ee][aa] > r) r = raw.r[ee][aa];
                    }
            out->r[e][a] = r;
        }
}

/* The largest of the four bins around the direction: a bin's value is its highest vertex,
 * which may lie anywhere in it, so interpolating would let a strand dip under a slope. */
static float radius_map_at(const radius_map *m, const float d[3]) {
    float az, el;
    direction_bin(d, &az, &el);
    az -= 0.5f, el -= 0.5f;
    int a0 = (int)floorf(az), e0 = (int)floorf(el);
    float r = 0.0f;
    for (int de = 0; de <= 1; ++de)
        for (int da = 0; da <= 1; ++da) {
            int e = e0 + de, a = ((a0 + da) % RMAP_AZ + RMAP_AZ) % RMAP_AZ;
            e = e < 0 ? 0 : e >= RMAP_EL ? RMAP_EL - 1 : e;
            if (m->r[e][a] > r) r = m->r[e][a];
        }
    return r;
}

/* --- growing ------------------------------------------------------------------------------ */

void smp_hair_set_free(smp_hair_set *hair) {
    free(hair->points);
    free(hair->diameter_mm);
    free(hair->normal);
    free(hair->color_srgb);
    memset(hair, 0, sizeof *hair);
}

/* The Poisson scatter writes units grouped by triangle; drawn in a random order instead, the
 * first k hairs are an even thinning of all of them (the renderer's hair in motion). A
 * Fisher-Yates shuffle of what the hairs use (root and normal), keyed like every other draw. */
static void shuffle_units(smp_dots *u, uint32_t key) {
    for (size_t i = u->count; i > 1; --i) {
        size_t j = (size_t)(((uint64_t)smp_rng_hash(key, (uint32_t)i) * i) >> 32);
        size_t k = i - 1;
        assert(j < i); /* a Fisher-Yates draw from the unshuffled prefix */
        float x = u->x[k], y = u->y[k], z = u->z[k];
        uint32_t n = u->normal[k];
        u->x[k] = u->x[j], u->y[k] = u->y[j], u->z[k] = u->z[j], u->normal[k] = u->normal[j];
        u->x[j] = x, u->y[j] = y, u->z[j] = z, u->normal[j] = n;
    }
}

static smp_status hair_alloc(smp_hair_set *h, size_t count, int segments, smp_error *err) {
    size_t n = count ? count : 1;
    h->count = count;
    h->segments = segments;
    h->points = malloc(sizeof(float) * 3 * (size_t)(segments + 1) * n);
    h->diameter_mm = malloc(sizeof(float) * n);
    h->normal = malloc(sizeof(uint32_t) * n);
    h->color_srgb = malloc(3 * n);
    if (h->points && h->diameter_mm && h->normal && h->color_srgb) return SMP_OK;
    smp_hair_set_free(h);
    return smp_error_set(err, SMP_ERR_NOMEM, "hair: out of memory for %zu hairs", count);
}

/* A strand: a short root segment along dir0, as the hair leaves the skin, then segments that
 * lie along the head (long hair is combed and weighed down, it does not stand up) and bend
 * towards gravity, a fifth as much while they rest on the head (friction holds the combed
 * direction), each point lifted clear of the head by lift_mm. The bend per segment grows
 * with the segment's length, so a strand's shape does not depend much on how finely it is
 * cut. Gravity leans a little backwards: hair hangs behind the shoulders, not over the face. */
static void grow_strand(const radius_map *rm, const float root[3], const float dir0[3],
                        float length_mm, int segments, float lift_mm, float *pts) {
    float dir[3], prev[3];
    memcpy(dir, dir0, sizeof dir);
    memcpy(prev, root, sizeof prev);
    memcpy(pts, root, sizeof prev);
    float first = length_mm * 0.02f < 2.0f ? length_mm * 0.02f : 2.0f;
    float seg = (length_mm - first) / (float)(segments - 1);
    float bend = 0.45f * (seg / 25.0f < 1.0f ? seg / 25.0f : 1.0f);
    const float gravity[3] = {0.0f, -0.96f, -0.28f};
    for (int k = 1; k <= segments; ++k) {
        float len = k == 1 ? first : seg;
        float q[3];
        for (int c = 0; c < 3; ++c) q[c] = prev[c] + dir[c] * len;
        float rq = sqrtf(dot3(q, q));
        float rmin = radius_map_at(rm, q) + (k == 1 ? 0.0f : lift_mm);
        if (rq > 0.0f && rq < rmin)
            for (int c = 0; c < 3; ++c) q[c] *= rmin / rq;
        memcpy(pts + 3 * k, q, sizeof q);
        memcpy(prev, q, sizeof prev);
        /* the next segment: along the head where it touches it (no outward part), then weighed
         * down; once past the head it hangs free */
        float out[3] = {q[0], q[1], q[2]};
        normalize3(out);
        float along = dot3(dir, out);
        int touching = rq < rmin + 2.0f;
        if (along > 0.0f && touching)
            for (int c = 0; c < 3; ++c) dir[c] -= along * out[c];
        /* lying on the head, friction keeps most of the combed direction */
        float pull = touching ? 0.2f * bend : bend;
        for (int c = 0; c < 3; ++c) dir[c] += pull * gravity[c];
        if (normalize3(dir) == 0.0f) memcpy(dir, gravity, sizeof dir);
    }
}

static smp_status check_desc(const smp_hair_grow_desc *desc, smp_error *err) {
    if (!desc || !desc->mesh || !desc->fields || !desc->landmarks)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "hair: mesh, fields and landmarks are all required");
    if (!desc->mesh->normals)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "hair: the head mesh has no normals");
    if (desc->segments != 0 && (desc->segments < 2 || desc->segments > SMP_HAIR_MAX_SEGMENTS))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "hair: segments %d, expected 2..%d",
                             desc->segments, SMP_HAIR_MAX_SEGMENTS);
    return SMP_OK;
}

/* The follicular units: Poisson points at the native density where hair still grows, thinned
 * to at most max_hairs hairs (each then drawn width_scale wider to keep the coverage). */
static smp_status place_units(const smp_hair_grow_desc *desc, const smp_hair_desc *hd,
                              size_t max_hairs, smp_dots *units, double *expected_hairs,
                              float *width_scale, smp_error *err) {
    const smp_mesh *m = desc->mesh;
    size_t v = m->vertex_count;
    float *native = malloc(sizeof(float) * (v ? v : 1));
    float *mult = malloc(sizeof(float) * (v ? v : 1));
    smp_status st = SMP_OK;
    if (!native || !mult) st = smp_error_set(err, SMP_ERR_NOMEM, "hair: out of memory");
    double expected_units = 0.0;
    smp_scatter_desc sd = {.mesh = m,
                           .density_per_cm2 = native,
                           .rule = SMP_SCATTER_POISSON,
                           .seed = desc->seed ^ 0x6861697273ull, /* apart from the dots' draws */
                           .session = {.index = 255}};
    if (st == SMP_OK) {
        smp_fields_out fo = {.hair = mult, .native_fu_per_cm2 = native};
        smp_fields_eval(desc->fields, m->positions, v, &fo);
        for (size_t i = 0; i < v; ++i) native[i] *= mult[i] > 0.0f ? mult[i] : 0.0f;
        st = smp_scatter_expected(&sd, &expected_units, err);
    }
    *width_scale = 1.0f;
    if (st == SMP_OK) {
        *expected_hairs = expected_units * hd->hairs_per_fu;
        if (*expected_hairs > (double)max_hairs) {
            float keep = (float)((double)max_hairs / *expected_hairs);
            for (size_t i = 0; i < v; ++i) native[i] *= keep;
            *width_scale = 1.0f / keep;
            expected_units *= keep;
        }
    }
    size_t capacity = 0;
    if (st == SMP_OK && expected_units >= 0.5) {
        st = smp_scatter_capacity(&sd, &capacity, err);
        if (st == SMP_OK) st = smp_dots_alloc(units, capacity ? capacity : 1, 0, err);
        if (st == SMP_OK) st = smp_scatter(&sd, units, err);
    }
    free(native);
    free(mult);
    return st;
}

/* Hairs per unit: 1 + Binomial(K, p) has mean hairs_per_fu exactly and stays within the 1–4
 * (5) hairs units are seen to carry. Returns the per-unit counts (NULL: out of memory). */
static uint8_t *hairs_per_unit(const smp_hair_desc *hd, size_t units, uint32_t key_units,
                               size_t *total) {
    int k_max = hd->hairs_per_fu > 4.0f ? 4 : 3;
    float p_extra = (hd->hairs_per_fu - 1.0f) / (float)k_max;
    uint8_t *per_unit = malloc(units ? units : 1);
    if (!per_unit) return NULL;
    *total = 0;
    for (size_t u = 0; u < units; ++u) {
        int n = 1;
        for (int k = 0; k < k_max; ++k)
            n += unit(key_units, (uint32_t)(u * 8 + (size_t)k)) < p_extra;
        per_unit[u] = (uint8_t)n;
        *total += (size_t)n;
    }
    return per_unit;
}

/* What every hair of a grow shares. */
typedef struct grower {
    const smp_hair_grow_desc *desc;
    const smp_hair_desc *hd;
    const radius_map *rm; /* long hair only */
    int long_hair, segments;
    uint32_t key_units, key_hairs;
    float base_diameter_mm, width_scale;
} grower;

/* Hair h, one of unit u's: splayed around the unit's heading, its length, width and tone
 * drawn, its points written (a straight stubble segment or a strand over the head). */
static void grow_hair(const grower *g, const smp_dots *units, size_t u, float unit_turn,
                      const float flow[3], const float side[3], size_t h, smp_hair_set *out) {
    const smp_hair_desc *hd = g->hd;
    float root[3] = {units->x[u], units->y[u], units->z[u]}, n[3];
    smp_normal_decode_oct(units->normal[u], n);
    uint32_t c = (uint32_t)h * 8u;
    float turn = unit_turn + 0.28f * (unit(g->key_hairs, c) - 0.5f);
    float elev = (25.0f + 25.0f * unit(g->key_hairs, c + 1)) * 0.0174533f;
    float length = hd->stubble_mm * (0.85f + 0.3f * unit(g->key_hairs, c + 2));
    float diameter = g->base_diameter_mm * (0.85f + 0.3f * unit(g->key_hairs, c + 3));
    float tone = 0.92f + 0.16f * unit(g->key_hairs, c + 4);
    float ct = cosf(turn), stn = sinf(turn), ce = cosf(elev), se = sinf(elev);
    float dir[3];
    for (int k = 0; k < 3; ++k) dir[k] = ce * (ct * flow[k] + stn * side[k]) + se * n[k];
    float *pts = out->points + 3 * (size_t)(g->segments + 1) * h;
    if (g->long_hair) {
        float lift = 0.5f + 3.0f * unit(g->key_hairs, c + 5);
        grow_strand(g->rm, root, dir, length, g->segments, lift, pts);
    } else {
        memcpy(pts, root, sizeof root);
        for (int k = 0; k < 3; ++k) pts[3 + k] = root[k] + dir[k] * length;
    }
    out->diameter_mm[h] = diameter * g->width_scale;
    out->normal[h] = units->normal[u];
    for (int k = 0; k < 3; ++k) {
        float s = hd->color_srgb[k] * tone;
        out->color_srgb[3 * h + (size_t)k] = (uint8_t)(s >= 1.0f ? 255.0f : s * 255.0f + 0.5f);
    }
}

/* Every unit's hairs, in unit order. */
static void grow_units(const grower *g, const smp_dots *units, const uint8_t *per_unit,
                       smp_hair_set *out) {
    size_t h = 0;
    for (size_t u = 0; u < units->count; ++u) {
        float root[3] = {units->x[u], units->y[u], units->z[u]}, n[3];
        smp_normal_decode_oct(units->normal[u], n);
        float flow[3];
        smp_hair_flow(g->desc->landmarks, root, n, g->long_hair, flow);
        float side[3] = {n[1] * flow[2] - n[2] * flow[1], n[2] * flow[0] - n[0] * flow[2],
                         n[0] * flow[1] - n[1] * flow[0]};
        /* The unit's own heading, then each of its hairs splayed a little around it. */
        float unit_turn = 0.35f * (unit(g->key_units, (uint32_t)(u * 8 + 4)) - 0.5f);
        for (int j = 0; j < per_unit[u]; ++j, ++h)
            grow_hair(g, units, u, unit_turn, flow, side, h, out);
    }
}

smp_status smp_hair_grow(const smp_hair_grow_desc *desc, smp_hair_set *out, smp_error *err) {
    memset(out, 0, sizeof *out);
    smp_status st = check_desc(desc, err);
    if (st != SMP_OK) return st;
    const smp_hair_desc *hd = &smp_fields_resolved(desc->fields)->hair;
    grower g = {.desc = desc, .hd = hd, .long_hair = hd->stubble_mm > SMP_HAIR_STUBBLE_MAX_MM};
    g.segments = g.long_hair ? (desc->segments ? desc->segments : 10) : 1;
    size_t max_hairs = desc->max_hairs ? desc->max_hairs : 400000 / (size_t)g.segments;
    smp_dots units = {0};
    double expected = 0.0;
    st = place_units(desc, hd, max_hairs, &units, &expected, &g.width_scale, err);
    if (st != SMP_OK) {
        smp_dots_free(&units);
        smp_error_prefix(err, "hair");
        return st;
    }
    out->expected = expected;
    g.key_units = smp_rng_key(desc->seed, 0x68753031u);
    g.key_hairs = smp_rng_key(desc->seed, 0x68753032u);
    shuffle_units(&units, smp_rng_key(desc->seed, 0x68753033u));
    size_t total = 0;
    uint8_t *per_unit = hairs_per_unit(hd, units.count, g.key_units, &total);
    radius_map *rm = g.long_hair ? malloc(sizeof *rm) : NULL;
    if (!per_unit || (g.long_hair && !rm))
        st = smp_error_set(err, SMP_ERR_NOMEM, "hair: out of memory");
    if (st == SMP_OK) st = hair_alloc(out, total, g.segments, err);
    if (st == SMP_OK) {
        out->width_scale = g.width_scale;
        if (rm) radius_map_build(desc->mesh, rm);
        g.rm = rm;
        g.base_diameter_mm = hd->shaft_diameter_um * 0.001f;
        grow_units(&g, &units, per_unit, out);
    }
    free(rm);
    free(per_unit);
    smp_dots_free(&units);
    return st;
}
