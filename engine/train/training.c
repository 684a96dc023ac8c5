/* Hand-placed dots: punctures through the scatter core's per-dot rule, strokes, sessions and
 * their file. */
#include "smp/training.h"
#include "smp/scatter.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smp/fsio.h"
#include "smp/json_strict.h"
#include "smp/score.h"

static const char k_format[] = "smpsim-training";
enum { FORMAT_VERSION = 1, ROW_FIELDS = 14 };

/* A puncture row's fields, in the order they are written. */
static const char *const k_columns[ROW_FIELDS] = {
    "t_ms", "tool",   "triangle",  "bary_u",   "bary_v", "x_mm",    "y_mm",
    "z_mm", "normal", "radius_um", "depth_um", "ink",    "session", "tissue"};

smp_status smp_training_tool_resolve(const smp_training_tool *in, smp_training_tool *out,
                                     smp_error *err) {
    smp_training_tool t = *in;
    if (t.needle_points == 0) t.needle_points = 1;
    if (t.needle_diameter_mm == 0) t.needle_diameter_mm = 0.25f;
    if (t.depth_mm == 0) t.depth_mm = 0.4f;
    if (t.steadiness == 0) t.steadiness = 0.75f;
    if (t.needle_points < 1 || t.needle_points > 15)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "tool needle_points = %d: expected 1..15 (1RL = 1, 3RL = 3)",
                             t.needle_points);
    if (!(t.needle_diameter_mm >= 0.05f && t.needle_diameter_mm <= 1.0f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "tool needle_diameter_mm = %g: expected 0.05..1",
                             (double)t.needle_diameter_mm);
    double group = smp_needle_group_diameter_mm(t.needle_diameter_mm, t.needle_points);
    if (group > 1.0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "tool: %d needles of %g mm group to %.2f mm, over the 1 mm the "
                             "dot model covers",
                             t.needle_points, (double)t.needle_diameter_mm, group);
    if (!(t.dilution >= 0.0f && t.dilution <= 0.95f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "tool dilution = %g: expected 0..0.95",
                             (double)t.dilution);
    if (!(t.depth_mm >= 0.02f && t.depth_mm <= 3.0f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "tool depth_mm = %g: expected 0.02..3",
                             (double)t.depth_mm);
    if (!(t.steadiness >= 0.01f && t.steadiness <= 1.0f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "tool steadiness = %g: expected 0.01..1",
                             (double)t.steadiness);
    if (t.session < 0 || t.session > 255)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "tool session = %d: expected 0..255",
                             t.session);
    *out = t;
    return SMP_OK;
}

/* The scatter core's session for dots made with a (resolved) tool: hand steadiness plays the
 * technician's skill, the grouping's diameter the needle's. */
static smp_scatter_session session_of(const smp_training_tool *t) {
    return (smp_scatter_session){.index = t->session,
                                 .needle_diameter_mm = (float)smp_needle_group_diameter_mm(
                                     t->needle_diameter_mm, t->needle_points),
                                 .depth_mean_mm = t->depth_mm,
                                 .technician_skill = t->steadiness,
                                 .ink_load = 1.0f - t->dilution};
}

smp_status smp_training_puncture(const smp_mesh *head, const uint8_t *tissue,
                                 const smp_training_tool *tool, uint64_t seed, uint32_t index,
                                 uint32_t triangle, float u, float v, smp_dots *dots,
                                 smp_error *err) {
    smp_training_tool t;
    smp_status st = smp_training_tool_resolve(tool, &t, err);
    if (st != SMP_OK) return st;
    if (triangle >= head->triangle_count)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "puncture: triangle %u out of range (the head has %u)", triangle,
                             head->triangle_count);
    if (!(u >= 0.0f && v >= 0.0f && u + v <= 1.0f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "puncture: barycentrics (%g, %g) outside the triangle", (double)u,
                             (double)v);
    if (dots->count >= dots->capacity)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "puncture: the dot set is full (%zu dots)",
                             dots->capacity);
    /* The scatter core's own per-dot step: the dot gets its position, normal, tissue, size,
     * depth and ink exactly as a scattered dot would. */
    const smp_scatter_session session = session_of(&t);
    const float w[3] = {1.0f - u - v, u, v};
    smp_scatter_place_one(head, tissue, seed, &session, index, triangle, w, dots);
    return SMP_OK;
}

size_t smp_training_stroke_times(double last_ms, double t0_ms, double t1_ms, double rate_hz,
                                 double *times_ms, size_t cap) {
    if (!(rate_hz >= 1 && rate_hz <= 200) || !(t1_ms >= t0_ms)) return 0;
    double period = 1000.0 / rate_hz;
    /* Punctures fall at last + k·period: no drift, however the pointer samples are spaced. */
    double first = t0_ms;
    if (isfinite(last_ms)) {
        first = last_ms + period;
        if (first < t0_ms) first = last_ms + ceil((t0_ms - last_ms) / period) * period;
    }
    size_t n = 0;
    for (size_t k = 0; n < cap; ++k) {
        double t = first + (double)k * period;
        if (t > t1_ms) break;
        times_ms[n++] = t;
    }
    return n;
}

/* Closest point of triangle abc to p (Ericson, Real-Time Collision Detection, 5.1.5): which
 * Voronoi region of the triangle p projects into decides the answer. */
static void closest_on_triangle(const float p[3], const float a[3], const float b[3],
                                const float c[3], float *ou, float *ov) {
    double ab[3], ac[3], ap[3], bp[3], cp[3];
    for (int k = 0; k < 3; ++k)
        ab[k] = b[k] - a[k], ac[k] = c[k] - a[k], ap[k] = p[k] - a[k], bp[k] = p[k] - b[k],
        cp[k] = p[k] - c[k];
#define DOT(x, y) (x[0] * y[0] + x[1] * y[1] + x[2] * y[2])
    double d1 = DOT(ab, ap), d2 = DOT(ac, ap);
    if (d1 <= 0 && d2 <= 0) {
        *ou = 0, *ov = 0;
        return;
    }
    double d3 = DOT(ab, bp), d4 = DOT(ac, bp);
    if (d3 >= 0 && d4 <= d3) {
        *ou = 1, *ov = 0;
        return;
    }
    double vc = d1 * d4 - d3 * d2;
    if (vc <= 0 && d1 >= 0 && d3 <= 0) {
        *ou = (float)(d1 / (d1 - d3)), *ov = 0;
        return;
    }
    double d5 = DOT(ab, cp), d6 = DOT(ac, cp);
#undef DOT
    if (d6 >= 0 && d5 <= d6) {
        *ou = 0, *ov = 1;
        return;
    }
    double vb = d5 * d2 - d1 * d6;
    if (vb <= 0 && d2 >= 0 && d6 <= 0) {
        *ou = 0, *ov = (float)(d2 / (d2 - d6));
        return;
    }
    double va = d3 * d6 - d5 * d4;
    if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
        double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
        *ou = (float)(1 - w), *ov = (float)w;
        return;
    }
    double den = 1.0 / (va + vb + vc);
    *ou = (float)(vb * den), *ov = (float)(vc * den);
}

smp_status smp_training_closest_point(const smp_mesh *head, const float p[3], uint32_t *triangle,
                                      float *u, float *v, float *distance_mm, smp_error *err) {
    if (!head || head->triangle_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "closest point: the head is empty");
    if (!isfinite(p[0]) || !isfinite(p[1]) || !isfinite(p[2]))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "closest point: the point is not finite");
    double best = INFINITY;
    for (uint32_t t = 0; t < head->triangle_count; ++t) {
        const uint32_t *ix = head->indices + 3 * (size_t)t;
        const float *a = head->positions + 3 * (size_t)ix[0],
                    *b = head->positions + 3 * (size_t)ix[1],
                    *c = head->positions + 3 * (size_t)ix[2];
        float tu, tv;
        closest_on_triangle(p, a, b, c, &tu, &tv);
        double d2 = 0;
        for (int k = 0; k < 3; ++k) {
            double q = a[k] + tu * (b[k] - a[k]) + tv * (c[k] - a[k]) - p[k];
            d2 += q * q;
        }
        if (d2 < best) best = d2, *triangle = t, *u = tu, *v = tv;
    }
    if (*u + *v > 1.0f) *v = 1.0f - *u; /* keep float rounding inside the triangle */
    *distance_mm = (float)sqrt(best);
    return SMP_OK;
}

smp_status smp_training_target(const smp_scene *scene, const smp_fields *fields,
                               const smp_mesh *head, float *target, uint8_t *tissue,
                               smp_error *err) {
    const smp_scene_training *tr = &scene->training;
    if (!tr->enabled)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: training.enabled is false: the scene is not an exercise",
                             scene->source);
    if (tr->session < 0 || tr->session >= scene->plan.session_count)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: training.session %d: the plan has %d sessions", scene->source,
                             tr->session, scene->plan.session_count);
    const smp_scene_session *ss = &scene->plan.sessions[tr->session];
    double density = tr->density_per_cm2 > 0
                         ? tr->density_per_cm2
                         : scene->plan.full_density_per_cm2 * ss->density_fraction;
    smp_treatment_desc t = {.density_per_cm2 = (float)density};
    for (int r = 0; r < tr->region_count; ++r) {
        smp_region region = tr->regions[r];
        /* with no hair anywhere, "bald" is the whole scalp (as the plan reads it) */
        if (scene->client.pattern == SMP_PATTERN_TOTALIS && region == SMP_REGION_BALD)
            region = SMP_REGION_SCALP;
        t.regions |= 1u << region;
    }
    smp_status st = smp_fields_vertex_density(fields, head, &t, target, tissue, err);
    if (st != SMP_OK) {
        smp_error_prefix(err, "training");
        return st;
    }
    /* training.spot_deg: only within a round spot, its edge faded over 3° either way */
    if (!isnan(tr->spot_deg[0]) && !isnan(tr->spot_deg[1]) && target) {
        const double az = tr->spot_deg[0] * (3.14159265358979323846 / 180.0),
                     el = tr->spot_deg[1] * (3.14159265358979323846 / 180.0);
        const double c[3] = {cos(el) * sin(az), sin(el), cos(el) * cos(az)};
        const double lo = tr->spot_radius_deg - 3.0, hi = tr->spot_radius_deg + 3.0;
        for (uint32_t v = 0; v < head->vertex_count; ++v) {
            const float *p = head->positions + 3 * (size_t)v;
            double len = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
            double cosang = len > 0 ? (p[0] * c[0] + p[1] * c[1] + p[2] * c[2]) / len : -1.0;
            double ang = acos(fmax(-1.0, fmin(1.0, cosang))) * (180.0 / 3.14159265358979323846);
            double x = fmin(1.0, fmax(0.0, (ang - lo) / (hi - lo)));
            target[v] *= (float)(1.0 - x * x * (3.0 - 2.0 * x));
        }
    }
    /* training.zones: only within those areas of the score's table */
    if (tr->zone_count > 0 && target) {
        unsigned keep = 0;
        for (int z = 0; z < tr->zone_count; ++z) keep |= 1u << tr->zones[z];
        for (uint32_t v = 0; v < head->vertex_count; ++v)
            if (!(keep & (1u << smp_score_zone_of(head->positions + 3 * (size_t)v))))
                target[v] = 0.0f;
    }
    return SMP_OK;
}

void smp_training_brief(const smp_scene *scene, char *out, size_t size) {
    const smp_scene_training *tr = &scene->training;
    size_t n = 0;
#define LINE(...)                                                                                  \
    do {                                                                                           \
        if (n < size) n += (size_t)snprintf(out + n, size - n, __VA_ARGS__);                       \
    } while (0)
    if (size) out[0] = 0;
    double density = tr->density_per_cm2;
    if (density <= 0 && tr->session >= 0 && tr->session < scene->plan.session_count)
        density =
            scene->plan.full_density_per_cm2 * scene->plan.sessions[tr->session].density_fraction;
#define W(item) smp_score_item_weight(item)
    LINE("Graded on, by weight:\n");
    LINE("- density (%.0f %%): %.0f dots/cm² over the target outlined in violet%s; dots outside "
         "it count against you\n",
         W(SMP_SCORE_DENSITY), density, isnan(tr->spot_deg[0]) ? "" : " (a round patch)");
    LINE("- spacing (%.0f %%): even and irregular, like natural stubble: no clumps, no rows "
         "(judged from %d dots)\n",
         W(SMP_SCORE_SPACING), SMP_SCORE_MIN_SPACING_DOTS);
    if (tr->hairline && scene->plan.hairline != SMP_HAIRLINE_NONE)
        LINE("- hairline (%.0f %%): on the red line, fading in over %.0f mm across it and as "
             "irregular as a natural hairline (judged from %d dots near it)\n",
             W(SMP_SCORE_HAIRLINE), scene->plan.hairline_softness_mm, SMP_SCORE_MIN_HAIRLINE_DOTS);
    else
        LINE("- hairline: not graded in this exercise\n");
    LINE("- merge (%.0f %%): dots that will touch a neighbour by year 10 as the ink spreads\n",
         W(SMP_SCORE_MERGE));
    LINE("- consistency (%.0f %%): the same size and depth (%.2f mm intended)\n",
         W(SMP_SCORE_CONSISTENCY), tr->depth_mm);
    LINE("- contrast (%.0f %%) and touch-up year (%.0f %%): how the healed work reads, and how "
         "long it lasts\n",
         W(SMP_SCORE_CONTRAST), W(SMP_SCORE_TOUCH_UP));
    LINE("Overall at most %.0f (F) while density or spacing scores under %.0f; A from 90, B 80, "
         "C 70, D 60.\n",
         SMP_SCORE_GATE_CAP, SMP_SCORE_GATE);
#undef W
#undef LINE
}

void smp_training_tool_of_scene(const smp_scene *scene, smp_training_tool *tool) {
    const smp_scene_training *tr = &scene->training;
    *tool = (smp_training_tool){.needle_points = tr->needle_points,
                                .needle_diameter_mm = (float)tr->needle_diameter_mm,
                                .dilution = (float)tr->dilution,
                                .depth_mm = (float)tr->depth_mm,
                                .steadiness = (float)tr->steadiness,
                                .session = tr->session};
}

static uint64_t fnv(uint64_t h, const void *data, size_t bytes) {
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

uint64_t smp_training_fingerprint(const smp_mesh *head, const float *target) {
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, &head->vertex_count, sizeof head->vertex_count);
    h = fnv(h, &head->triangle_count, sizeof head->triangle_count);
    h = fnv(h, head->positions, sizeof(float) * 3 * head->vertex_count);
    h = fnv(h, head->indices, sizeof(uint32_t) * 3 * head->triangle_count);
    if (target) h = fnv(h, target, sizeof(float) * head->vertex_count);
    return h;
}

void smp_dots_append(smp_dots *dst, const smp_dots *src) {
    size_t o = dst->count, n = src->count;
    if (n == 0) return; /* an empty set's arrays may be NULL, which memcpy must not see */
    memcpy(dst->x + o, src->x, 4 * n), memcpy(dst->y + o, src->y, 4 * n);
    memcpy(dst->z + o, src->z, 4 * n), memcpy(dst->normal + o, src->normal, 4 * n);
    memcpy(dst->triangle + o, src->triangle, 4 * n);
    memcpy(dst->bary_u + o, src->bary_u, 2 * n), memcpy(dst->bary_v + o, src->bary_v, 2 * n);
    memcpy(dst->radius_um + o, src->radius_um, 2 * n);
    memcpy(dst->depth_um + o, src->depth_um, 2 * n);
    memcpy(dst->ink + o, src->ink, n), memcpy(dst->session + o, src->session, n);
    memcpy(dst->tissue + o, src->tissue, n);
    dst->count = o + n;
}

smp_status smp_training_expert(const smp_mesh *head, const float *target, const uint8_t *tissue,
                               const smp_training_tool *tool, uint64_t seed, const smp_dots *base,
                               smp_dots *out, smp_error *err) {
    smp_training_tool t;
    smp_status st = smp_training_tool_resolve(tool, &t, err);
    if (st != SMP_OK) return st;
    smp_scatter_desc d = {.mesh = head,
                          .density_per_cm2 = target,
                          .tissue = tissue,
                          .rule = SMP_SCATTER_BLUE,
                          .seed = seed,
                          .session = session_of(&t)};
    size_t need = 0, have = base ? base->count : 0;
    if ((st = smp_scatter_capacity(&d, &need, err)) != SMP_OK) return st;
    if ((st = smp_dots_alloc(out, have + need, 0, err)) != SMP_OK) return st;
    if (base) smp_dots_append(out, base);
    if ((st = smp_scatter(&d, out, err)) != SMP_OK) smp_dots_free(out);
    return st;
}

/* --- sessions -------------------------------------------------------------------------- */

struct smp_training_session {
    char scene[SMP_TRAINING_NAME_MAX];
    char trainee[SMP_TRAINING_TRAINEE_MAX]; /* "" = not given */
    char date[SMP_TRAINING_DATE_MAX];       /* YYYY-MM-DD, or "" */
    uint64_t fingerprint, seed;
    int tool_count;
    smp_training_tool tools[SMP_TRAINING_MAX_TOOLS];
    smp_dots dots;
    double *t_ms;
    uint8_t *tool_of;
};

smp_status smp_training_session_create(const char *scene_name, uint64_t fingerprint, uint64_t seed,
                                       smp_training_session **out, smp_error *err) {
    *out = NULL;
    if (!scene_name || strlen(scene_name) >= SMP_TRAINING_NAME_MAX)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "training session: the scene name is missing or too long");
    smp_training_session *s = calloc(1, sizeof *s);
    if (!s) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    snprintf(s->scene, sizeof s->scene, "%s", scene_name);
    s->fingerprint = fingerprint;
    s->seed = seed;
    *out = s;
    return SMP_OK;
}

void smp_training_session_destroy(smp_training_session *s) {
    if (!s) return;
    smp_dots_free(&s->dots);
    free(s->t_ms);
    free(s->tool_of);
    free(s);
}

static smp_status reserve(smp_training_session *s, size_t need, smp_error *err) {
    if (need <= s->dots.capacity) return SMP_OK;
    if (need > SMP_TRAINING_MAX_PUNCTURES)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "training session: more than %d punctures",
                             SMP_TRAINING_MAX_PUNCTURES);
    size_t cap = s->dots.capacity ? s->dots.capacity : 256;
    while (cap < need) cap *= 2;
    smp_dots grown = {0};
    smp_status st = smp_dots_alloc(&grown, cap, 0, err);
    if (st != SMP_OK) return st;
    double *t = realloc(s->t_ms, sizeof *t * cap);
    if (t) s->t_ms = t;
    uint8_t *k = t ? realloc(s->tool_of, cap) : NULL;
    if (k) s->tool_of = k;
    if (!t || !k) {
        smp_dots_free(&grown);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for %zu punctures", cap);
    }
    smp_dots_append(&grown, &s->dots);
    smp_dots_free(&s->dots);
    s->dots = grown;
    return SMP_OK;
}

static smp_status tool_slot(smp_training_session *s, const smp_training_tool *t, int *slot,
                            smp_error *err) {
    for (int i = 0; i < s->tool_count; ++i)
        if (memcmp(&s->tools[i], t, sizeof *t) == 0) {
            *slot = i;
            return SMP_OK;
        }
    if (s->tool_count == SMP_TRAINING_MAX_TOOLS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "training session: more than %d different tool settings",
                             SMP_TRAINING_MAX_TOOLS);
    s->tools[s->tool_count] = *t;
    *slot = s->tool_count++;
    return SMP_OK;
}

smp_status smp_training_add(smp_training_session *s, const smp_mesh *head, const uint8_t *tissue,
                            const smp_training_tool *tool, double t_ms, uint32_t triangle, float u,
                            float v, smp_error *err) {
    size_t n = s->dots.count;
    if (!(t_ms >= 0 && t_ms < 1e12) || (n && t_ms < s->t_ms[n - 1]))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "puncture time %g ms: expected ≥ 0 and not before the last one", t_ms);
    smp_training_tool t;
    smp_status st = smp_training_tool_resolve(tool, &t, err);
    int slot = 0;
    if (st == SMP_OK) st = tool_slot(s, &t, &slot, err);
    if (st == SMP_OK) st = reserve(s, n + 1, err);
    if (st == SMP_OK)
        st = smp_training_puncture(head, tissue, &t, s->seed, (uint32_t)n, triangle, u, v, &s->dots,
                                   err);
    if (st != SMP_OK) return st;
    s->t_ms[n] = t_ms;
    s->tool_of[n] = (uint8_t)slot;
    return SMP_OK;
}

smp_status smp_training_session_add_dots(smp_training_session *s, const smp_training_tool *tool,
                                         const smp_dots *dots, double period_ms, smp_error *err) {
    smp_training_tool t;
    int slot = 0;
    smp_status st = smp_training_tool_resolve(tool, &t, err);
    if (st == SMP_OK) st = tool_slot(s, &t, &slot, err);
    if (st == SMP_OK) st = reserve(s, s->dots.count + dots->count, err);
    if (st != SMP_OK) return st;
    size_t first = s->dots.count;
    double t0 = first ? s->t_ms[first - 1] + period_ms : 0.0;
    smp_dots_append(&s->dots, dots);
    for (size_t i = 0; i < dots->count; ++i) {
        s->t_ms[first + i] = t0 + (double)i * period_ms;
        s->tool_of[first + i] = (uint8_t)slot;
    }
    return SMP_OK;
}

int smp_training_undo(smp_training_session *s) {
    if (s->dots.count == 0) return 0;
    s->dots.count--;
    return 1;
}

const smp_dots *smp_training_session_dots(const smp_training_session *s) { return &s->dots; }
const double *smp_training_session_times_ms(const smp_training_session *s) { return s->t_ms; }
const uint8_t *smp_training_session_tool_index(const smp_training_session *s) { return s->tool_of; }
const smp_training_tool *smp_training_session_tool(const smp_training_session *s, int i) {
    return i >= 0 && i < s->tool_count ? &s->tools[i] : NULL;
}
int smp_training_session_tool_count(const smp_training_session *s) { return s->tool_count; }
const char *smp_training_session_scene(const smp_training_session *s) { return s->scene; }
const char *smp_training_session_trainee(const smp_training_session *s) { return s->trainee; }
const char *smp_training_session_date(const smp_training_session *s) { return s->date; }

/* Text a person typed: under SMP_TRAINING_TRAINEE_MAX bytes, no control characters. */
static int trainee_ok(const char *name) {
    size_t n = strlen(name);
    if (n >= SMP_TRAINING_TRAINEE_MAX) return 0;
    for (size_t i = 0; i < n; ++i)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) return 0;
    return 1;
}

/* A calendar date as ISO 8601 writes it: YYYY-MM-DD, the day within its month. */
static int date_ok(const char *d) {
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-') return 0;
    for (int i = 0; i < 10; ++i)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return 0;
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || day < 1 || day > days[m - 1]) return 0;
    if (m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 0;
    return 1;
}

smp_status smp_training_session_set_trainee(smp_training_session *s, const char *name,
                                            smp_error *err) {
    if (!name) name = "";
    if (!trainee_ok(name))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "trainee: expected a name of at most %d bytes without control "
                             "characters",
                             SMP_TRAINING_TRAINEE_MAX - 1);
    snprintf(s->trainee, sizeof s->trainee, "%s", name);
    return SMP_OK;
}

smp_status smp_training_session_set_date(smp_training_session *s, const char *date,
                                         smp_error *err) {
    if (!date) date = "";
    if (*date && !date_ok(date))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "date: '%.40s': expected an ISO 8601 date, YYYY-MM-DD", date);
    snprintf(s->date, sizeof s->date, "%s", date);
    return SMP_OK;
}

void smp_training_date_today(char out[SMP_TRAINING_DATE_MAX]) {
    time_t now = time(NULL);
    struct tm tm_now;
    if (now == (time_t)-1 || !localtime_r(&now, &tm_now) ||
        strftime(out, SMP_TRAINING_DATE_MAX, "%Y-%m-%d", &tm_now) != 10)
        out[0] = 0;
}
uint64_t smp_training_session_fingerprint(const smp_training_session *s) { return s->fingerprint; }
uint64_t smp_training_session_seed(const smp_training_session *s) { return s->seed; }

size_t smp_training_session_count_at(const smp_training_session *s, double t_ms) {
    size_t lo = 0, hi = s->dots.count; /* first puncture later than t_ms */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->t_ms[mid] <= t_ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* --- the file -------------------------------------------------------------------------- */

static void print_json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; ++s) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

smp_status smp_training_save(const smp_training_session *s, const char *path, smp_error *err) {
    smp_atomic_file f;
    smp_status st = smp_atomic_file_open(&f, path, err);
    if (st != SMP_OK) return st;
    FILE *o = f.stream;
    fprintf(o, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"scene\": {\"name\": ", k_format,
            FORMAT_VERSION);
    print_json_string(o, s->scene);
    fprintf(o, ", \"fingerprint\": \"%016" PRIx64 "\"},\n  \"seed\": \"%016" PRIx64 "\",\n",
            s->fingerprint, s->seed);
    if (s->trainee[0]) {
        fprintf(o, "  \"trainee\": ");
        print_json_string(o, s->trainee);
        fprintf(o, ",\n");
    }
    if (s->date[0]) fprintf(o, "  \"date\": \"%s\",\n", s->date);
    fprintf(o, "  \"tools\": [");
    for (int i = 0; i < s->tool_count; ++i) {
        const smp_training_tool *t = &s->tools[i];
        fprintf(o,
                "%s\n    {\"needle_points\": %d, \"needle_diameter_mm\": %.9g, \"dilution\": "
                "%.9g, \"depth_mm\": %.9g, \"steadiness\": %.9g, \"session\": %d}",
                i ? "," : "", t->needle_points, (double)t->needle_diameter_mm, (double)t->dilution,
                (double)t->depth_mm, (double)t->steadiness, t->session);
    }
    fprintf(o, "\n  ],\n  \"columns\": [");
    for (int k = 0; k < ROW_FIELDS; ++k) fprintf(o, "%s\"%s\"", k ? ", " : "", k_columns[k]);
    fprintf(o, "],\n  \"punctures\": [");
    const smp_dots *d = &s->dots;
    for (size_t i = 0; i < d->count; ++i)
        fprintf(o, "%s\n    [%.17g, %u, %u, %u, %u, %.9g, %.9g, %.9g, %u, %u, %u, %u, %u, %u]",
                i ? "," : "", s->t_ms[i], s->tool_of[i], d->triangle[i], d->bary_u[i], d->bary_v[i],
                (double)d->x[i], (double)d->y[i], (double)d->z[i], d->normal[i], d->radius_um[i],
                d->depth_um[i], d->ink[i], d->session[i], d->tissue[i]);
    fprintf(o, "\n  ]\n}\n");
    if (ferror(o)) {
        smp_atomic_file_abort(&f);
        return smp_error_set(err, SMP_ERR_IO, "%s: write failed", path);
    }
    return smp_atomic_file_commit(&f, err);
}

static int parse_hex64(const cJSON *v, uint64_t *out) {
    if (!cJSON_IsString(v) || strlen(v->valuestring) != 16) return 0;
    char *end = NULL;
    unsigned long long x = strtoull(v->valuestring, &end, 16);
    if (*end) return 0;
    *out = x;
    return 1;
}

/* An integer-valued number within [lo, hi]. */
static int whole(const cJSON *v, double lo, double hi, double *out) {
    if (!cJSON_IsNumber(v)) return 0;
    double x = v->valuedouble;
    if (!(x >= lo && x <= hi) || x != floor(x)) return 0;
    *out = x;
    return 1;
}

static smp_status parse_tool(const cJSON *j, smp_training_tool *t, char *why, size_t n) {
    static const char *const keys[] = {"needle_points", "needle_diameter_mm", "dilution",
                                       "depth_mm",      "steadiness",         "session"};
    double v[6];
    if (!cJSON_IsObject(j)) return snprintf(why, n, "expected an object"), SMP_ERR_FORMAT;
    for (int k = 0; k < 6; ++k) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, keys[k]);
        if (!cJSON_IsNumber(f))
            return snprintf(why, n, "%s: expected a number", keys[k]), SMP_ERR_FORMAT;
        v[k] = f->valuedouble;
    }
    if (v[0] != floor(v[0]) || v[5] != floor(v[5]) || fabs(v[0]) > 1e6 || fabs(v[5]) > 1e6)
        return snprintf(why, n, "needle_points and session must be whole numbers"), SMP_ERR_FORMAT;
    smp_training_tool in = {(int)v[0],   (float)v[1], (float)v[2],
                            (float)v[3], (float)v[4], (int)v[5]};
    smp_error e = {0};
    if (smp_training_tool_resolve(&in, t, &e) != SMP_OK || memcmp(&in, t, sizeof in) != 0)
        return snprintf(why, n, "%s", e.message[0] ? e.message : "a value is 0 (not resolved)"),
               SMP_ERR_FORMAT;
    return SMP_OK;
}

/* The file's format, version, scene and seed; checked against what the caller expects. */
static smp_status load_header(const char *path, const cJSON *root, const char *expect_scene,
                              uint64_t expect_fingerprint, const char **name, uint64_t *print,
                              uint64_t *seed, smp_error *err) {
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, k_format) != 0)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: format: expected \"%s\" (not a training session file)", path,
                             k_format);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(ver) || ver->valuedouble != FORMAT_VERSION)
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: version: expected %d", path, FORMAT_VERSION);
    const cJSON *scene = cJSON_GetObjectItemCaseSensitive(root, "scene");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(scene, "name");
    if (!cJSON_IsString(n) ||
        !parse_hex64(cJSON_GetObjectItemCaseSensitive(scene, "fingerprint"), print))
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: scene: expected {\"name\": text, \"fingerprint\": 16 hex "
                             "digits}",
                             path);
    if (strlen(n->valuestring) >= SMP_TRAINING_NAME_MAX)
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: scene.name: expected at most %d bytes", path,
                             SMP_TRAINING_NAME_MAX - 1);
    if (!parse_hex64(cJSON_GetObjectItemCaseSensitive(root, "seed"), seed))
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: seed: expected 16 hex digits", path);
    if (expect_scene && strcmp(expect_scene, n->valuestring) != 0)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: scene.name: made on scene '%.100s', not on '%.100s'", path,
                             n->valuestring, expect_scene);
    if (expect_fingerprint && *print != expect_fingerprint)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: scene.fingerprint: %016" PRIx64 " was made on another head or "
                             "target than this scene's (%016" PRIx64 ")",
                             path, *print, expect_fingerprint);
    *name = n->valuestring;
    return SMP_OK;
}

static smp_status load_tools(const char *path, const cJSON *root, smp_training_session *s,
                             smp_error *err) {
    char why[SMP_ERROR_MESSAGE_MAX];
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(root, "tools");
    int nt = cJSON_IsArray(tools) ? cJSON_GetArraySize(tools) : -1;
    if (nt < 1 || nt > SMP_TRAINING_MAX_TOOLS)
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: tools: expected an array of 1..%d tools",
                             path, SMP_TRAINING_MAX_TOOLS);
    for (int i = 0; i < nt; ++i)
        if (parse_tool(cJSON_GetArrayItem(tools, i), &s->tools[i], why, sizeof why) != SMP_OK)
            return smp_error_set(err, SMP_ERR_FORMAT, "%s: tools[%d]: %s", path, i, why);
    s->tool_count = nt;
    return SMP_OK;
}

/* The file's "columns": each field's place in a row (at[k] is where field k is). A file
 * written by another tool may order them otherwise; each must appear once, and no other.
 * Without "columns", rows are in the order smpsim writes them. */
static smp_status load_columns(const char *path, const cJSON *root, int at[ROW_FIELDS],
                               smp_error *err) {
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(root, "columns");
    for (int k = 0; k < ROW_FIELDS; ++k) at[k] = cols ? -1 : k; /* none: the order written */
    if (!cols) return SMP_OK;
    if (!cJSON_IsArray(cols) || cJSON_GetArraySize(cols) != ROW_FIELDS)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: columns: expected an array of the %d field names of a row", path,
                             ROW_FIELDS);
    int place = 0;
    for (const cJSON *c = cols->child; c; c = c->next, ++place) {
        int k = 0;
        while (k < ROW_FIELDS && !(cJSON_IsString(c) && strcmp(c->valuestring, k_columns[k]) == 0))
            ++k;
        if (k == ROW_FIELDS)
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "%s: columns[%d]: %s%.60s%s is not a field of a row (t_ms, tool, "
                                 "triangle, bary_u, bary_v, x_mm, y_mm, z_mm, normal, radius_um, "
                                 "depth_um, ink, session, tissue)",
                                 path, place, cJSON_IsString(c) ? "\"" : "",
                                 cJSON_IsString(c) ? c->valuestring : "a non-string",
                                 cJSON_IsString(c) ? "\"" : "");
        if (at[k] >= 0)
            return smp_error_set(err, SMP_ERR_FORMAT, "%s: columns[%d]: \"%s\" twice", path, place,
                                 k_columns[k]);
        at[k] = place;
    }
    return SMP_OK;
}

/* Puncture row i: fourteen numbers, each a finite number (time and position) or a whole
 * number within its field's bounds, times in order; stored as puncture i. */
static smp_status load_row(const char *path, const cJSON *row, const int at[ROW_FIELDS], size_t i,
                           smp_training_session *s, smp_error *err) {
    /* fields 1..4 and 8..13 are whole numbers within these bounds */
    const double hi[ROW_FIELDS] = {
        0, s->tool_count - 1, 4294967295.0, 65535, 65535, 0,   0,
        0, 4294967295.0,      65535,        5000,  255,   255, SMP_TISSUE_COUNT - 1};
    double v[ROW_FIELDS];
    if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != ROW_FIELDS)
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: punctures[%zu]: expected %d numbers", path,
                             i, ROW_FIELDS);
    const cJSON *cell[ROW_FIELDS];
    int place = 0;
    for (const cJSON *f = row->child; f && place < ROW_FIELDS; f = f->next) cell[place++] = f;
    for (int k = 0; k < ROW_FIELDS; ++k) {
        const cJSON *f = cell[at[k]];
        const int real = k == 0 || (k >= 5 && k <= 7);
        int ok;
        if (real)
            ok = cJSON_IsNumber(f) && isfinite(f->valuedouble) && fabs(f->valuedouble) < 1e12,
            v[k] = ok ? f->valuedouble : 0;
        else
            ok = whole(f, k == 9 ? 1 : 0, hi[k], &v[k]);
        if (!ok)
            return smp_error_set(err, SMP_ERR_FORMAT, "%s: punctures[%zu]: %s: expected %s", path,
                                 i, k_columns[k],
                                 real ? "a finite number" : "a whole number in range");
    }
    if (v[0] < 0 || (i && v[0] < s->t_ms[i - 1]))
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: punctures[%zu]: t_ms %g is before the previous puncture", path, i,
                             v[0]);
    smp_dots *d = &s->dots;
    s->t_ms[i] = v[0];
    s->tool_of[i] = (uint8_t)v[1];
    d->triangle[i] = (uint32_t)v[2];
    d->bary_u[i] = (uint16_t)v[3], d->bary_v[i] = (uint16_t)v[4];
    d->x[i] = (float)v[5], d->y[i] = (float)v[6], d->z[i] = (float)v[7];
    d->normal[i] = (uint32_t)v[8];
    d->radius_um[i] = (uint16_t)v[9], d->depth_um[i] = (uint16_t)v[10];
    d->ink[i] = (uint8_t)v[11], d->session[i] = (uint8_t)v[12], d->tissue[i] = (uint8_t)v[13];
    d->count = i + 1;
    return SMP_OK;
}

/* Every puncture row, then every dot checked to lie on head. */
static smp_status load_punctures(const char *path, const cJSON *root, const smp_mesh *head,
                                 smp_training_session *s, smp_error *err) {
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "punctures");
    if (!cJSON_IsArray(rows))
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: punctures: expected an array", path);
    int n = cJSON_GetArraySize(rows);
    smp_status st = reserve(s, (size_t)(n ? n : 1), err);
    if (st != SMP_OK) {
        smp_error_prefix(err, "%s: punctures", path);
        return st;
    }
    int at[ROW_FIELDS];
    if ((st = load_columns(path, root, at, err)) != SMP_OK) return st;
    size_t i = 0;
    for (const cJSON *row = rows->child; row; row = row->next, ++i)
        if ((st = load_row(path, row, at, i, s, err)) != SMP_OK) return st;
    smp_error e = {0};
    if (smp_dots_check_on_mesh(head, &s->dots, 0, &e) != SMP_OK) {
        /* "dot N: ..." becomes "FILE: punctures[N]: ..." */
        const char *rest = strchr(e.message, ':');
        size_t which = (size_t)strtoull(e.message + 4, NULL, 10);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: punctures[%zu]:%s", path, which,
                             rest ? rest + 1 : e.message);
    }
    return SMP_OK;
}

/* The trainee's name and the date, when the file gives them (older files do not). */
static smp_status load_class(const char *path, const cJSON *root, smp_training_session *s,
                             smp_error *err) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "trainee");
    if (name && !(cJSON_IsString(name) && trainee_ok(name->valuestring)))
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: trainee: expected text of at most %d bytes without control "
                             "characters",
                             path, SMP_TRAINING_TRAINEE_MAX - 1);
    if (name) snprintf(s->trainee, sizeof s->trainee, "%s", name->valuestring);
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(root, "date");
    if (date && !(cJSON_IsString(date) && date_ok(date->valuestring)))
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: date: expected an ISO 8601 date as text, \"YYYY-MM-DD\"", path);
    if (date) snprintf(s->date, sizeof s->date, "%s", date->valuestring);
    return SMP_OK;
}

static smp_status load_tree(const char *path, const cJSON *root, const smp_mesh *head,
                            const char *expect_scene, uint64_t expect_fingerprint,
                            smp_training_session **out, smp_error *err) {
    const char *name = NULL;
    uint64_t print = 0, seed = 0;
    smp_status st =
        load_header(path, root, expect_scene, expect_fingerprint, &name, &print, &seed, err);
    if (st != SMP_OK) return st;
    smp_training_session *s = NULL;
    if ((st = smp_training_session_create(name, print, seed, &s, err)) != SMP_OK) {
        smp_error_prefix(err, "%s", path); /* every refusal names the file */
        return st;
    }
    st = load_class(path, root, s, err);
    if (st == SMP_OK) st = load_tools(path, root, s, err);
    if (st == SMP_OK) st = load_punctures(path, root, head, s, err);
    if (st != SMP_OK) {
        smp_training_session_destroy(s);
        return st;
    }
    *out = s;
    return SMP_OK;
}

smp_status smp_training_load(const char *path, const smp_mesh *head, const char *expect_scene,
                             uint64_t expect_fingerprint, smp_training_session **out,
                             smp_error *err) {
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    /* the largest session: SMP_TRAINING_MAX_PUNCTURES rows of at most ~110 characters */
    smp_status st =
        smp_read_file(path, (size_t)SMP_TRAINING_MAX_PUNCTURES * 112 + 65536, &text, &size, err);
    if (st != SMP_OK) return st;
    /* JSON as the standard writes it, a key once per object: cJSON takes either */
    smp_json_fault fault;
    if (!smp_json_strict(text, size, &(smp_json_rules){.max_depth = 8, .refuse_duplicates = 1},
                         &fault)) {
        free(text);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s:%d:%d: not valid JSON: %s", path, fault.line,
                             fault.column, fault.what);
    }
    cJSON *root = cJSON_ParseWithLength(text, size);
    if (!root) { /* the text is JSON (checked above): what failed is memory for its tree */
        free(text);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory reading its %zu bytes of JSON",
                             path, size);
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        free(text);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s:1:1: not a JSON object", path);
    }
    st = load_tree(path, root, head, expect_scene, expect_fingerprint, out, err);
    cJSON_Delete(root);
    free(text);
    return st;
}
