/*
 * Scars and hairless patches on the scalp. Each is placed as scenes place it (a direction
 * from the head-frame origin and an orientation on the skin) and measured in a frame at its
 * centre: "along" runs around the great circle through the centre in the scar's direction,
 * "across" is the angular offset from that circle, both times the point's radius, so lengths
 * are along the skin. Many small scars (FUE, plugs) are bucketed on a grid in that frame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields_internal.h"

#define DEG (FIELDS_PI / 180.0f)

static float clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }
static float dot3(const float *a, const float *b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void direction(float az_deg, float el_deg, float out[3]) {
    float az = az_deg * DEG, el = el_deg * DEG;
    out[0] = cosf(el) * sinf(az);
    out[1] = sinf(el);
    out[2] = cosf(el) * cosf(az);
}

/* East (growing azimuth) and north (growing elevation) at a direction. */
static void tangent_basis(const float c[3], float e[3], float n[3]) {
    float h = sqrtf(c[0] * c[0] + c[2] * c[2]);
    float sa = h > 1e-6f ? c[0] / h : 0.0f, ca = h > 1e-6f ? c[2] / h : 1.0f;
    e[0] = ca, e[1] = 0, e[2] = -sa;
    n[0] = -c[1] * sa, n[1] = h, n[2] = -c[1] * ca;
}

static smp_status bad(smp_error *err, int i, const char *field, double v, double lo, double hi) {
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "fields: scars[%d].%s = %g: expected %g..%g", i,
                         field, v, lo, hi);
}

#define CHECK(field, lo, hi)                                                                       \
    do {                                                                                           \
        if (!(d->field >= (lo) && d->field <= (hi))) return bad(err, i, #field, d->field, lo, hi); \
    } while (0)

/* Each kind's usual centre, size, orientation, bend and pallor (smp/fields.h's table). */
static const struct {
    float az, el, width, length, angle, bend, band, diameter, pallor;
    int count;
} k_kind[] = {
    [SMP_SCAR_FUT] = {180, 5, 4, 180, 0, 12, 0, 0, 0.45f, 0},
    [SMP_SCAR_FUE] = {180, 10, 0, 200, 0, 0, 50, 1, 0.55f, 600},
    [SMP_SCAR_CRANIOTOMY] = {60, 50, 3, 140, 0, 30, 0, 0, 0.45f, 0},
    [SMP_SCAR_BURN] = {0, 0, 0, 0, 0, 0, 0, 0, 0.75f, 0},
    [SMP_SCAR_AREATA] = {30, 60, 25, 35, 0, 0, 0, 0, 0, 0},
    [SMP_SCAR_REDUCTION] = {0, 75, 4, 120, 90, 0, 0, 0, 0.45f, 0},
    [SMP_SCAR_PLUGS] = {0, 55, 0, 100, 0, 0, 0, 4, 0.35f, 3},
};

static int kind_known(smp_scar_kind kind) {
    return (int)kind >= SMP_SCAR_FUT && (int)kind <= SMP_SCAR_PLUGS;
}

smp_scar_desc smp_scar_desc_default(smp_scar_kind kind) {
    smp_scar_desc d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    if (!kind_known(kind)) return d;
    d.center_deg[0] = k_kind[kind].az, d.center_deg[1] = k_kind[kind].el;
    d.angle_deg = k_kind[kind].angle;
    d.bend_mm = k_kind[kind].bend;
    d.pallor = k_kind[kind].pallor;
    return d; /* width .. count: 0 takes the kind's value in resolve_scar */
}

static smp_status resolve_scar(smp_scar_desc *d, int i, smp_error *err) {
    if (!kind_known(d->kind)) return bad(err, i, "kind", d->kind, SMP_SCAR_FUT, SMP_SCAR_PLUGS);
    const int kind = d->kind;
    if (d->width_mm == 0) d->width_mm = k_kind[kind].width > 0 ? k_kind[kind].width : 1;
    if (d->length_mm == 0) d->length_mm = k_kind[kind].length > 0 ? k_kind[kind].length : 1;
    if (d->band_mm == 0) d->band_mm = k_kind[kind].band > 0 ? k_kind[kind].band : 1;
    if (d->diameter_mm == 0) d->diameter_mm = k_kind[kind].diameter > 0 ? k_kind[kind].diameter : 1;
    if (d->count == 0) d->count = k_kind[kind].count > 0 ? k_kind[kind].count : 1;
    CHECK(center_deg[0], -180, 360);
    CHECK(center_deg[1], -90, 90);
    CHECK(width_mm, 0.2, 150);
    CHECK(length_mm, 0.5, 400);
    CHECK(angle_deg, -180, 180);
    CHECK(bend_mm, -100, 100);
    CHECK(band_mm, 1, 150);
    CHECK(diameter_mm, 0.3, 10);
    CHECK(pallor, 0, 1);
    if (kind == SMP_SCAR_PLUGS)
        CHECK(count, 1, 10);
    else
        CHECK(count, 1, 10000);
    if (kind == SMP_SCAR_BURN) {
        CHECK(point_count, 3, SMP_FIELDS_MAX_POINTS);
        for (int p = 0; p < d->point_count; ++p) {
            if (!(d->points_deg[p][0] >= -180 && d->points_deg[p][0] <= 360 &&
                  d->points_deg[p][1] >= -90 && d->points_deg[p][1] <= 90))
                return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                     "fields: scars[%d].points_deg[%d] = [%g, %g]: expected "
                                     "azimuth -180..360 and elevation -90..90",
                                     i, p, d->points_deg[p][0], d->points_deg[p][1]);
        }
    }
    return SMP_OK;
}

/* Along/across of a unit direction u in the scar's frame, in mm at radius r. */
static void frame_coords(const fields_scar *s, const float u[3], float r, float *along,
                         float *across) {
    *along = r * atan2f(dot3(u, s->t), dot3(u, s->c));
    *across = r * asinf(clampf(dot3(u, s->a), -1, 1));
}

static float bend_at(const fields_scar *s, float along) {
    float q = clampf(along / (0.5f * s->d.length_mm), -1, 1);
    return s->d.bend_mm * q * q;
}

static smp_status layout_points(fields_scar *s, int index, uint64_t seed, smp_error *err) {
    const smp_scar_desc *d = &s->d;
    int n;
    float D = d->diameter_mm;
    float spacing = 1.6f * D;
    int per_row = 1;
    if (d->kind == SMP_SCAR_FUE) {
        n = d->count;
    } else {
        per_row = (int)(d->length_mm / spacing) + 1;
        n = per_row * d->count;
    }
    s->pts = malloc(sizeof(float) * 2 * (size_t)n);
    if (!s->pts)
        return smp_error_set(err, SMP_ERR_NOMEM, "fields: scars[%d]: out of memory", index);
    uint64_t key = fields_hash(seed, 0x5CA2000000ull + (uint64_t)index);
    float lo[2] = {1e30f, 1e30f}, hi[2] = {-1e30f, -1e30f};
    for (int i = 0; i < n; ++i) {
        uint64_t h = fields_hash(key, (uint64_t)i);
        float h1 = (float)(h >> 40) / 16777216.0f, h2 = (float)((h >> 16) & 0xFFFFFF) / 16777216.0f;
        float along, across;
        if (d->kind == SMP_SCAR_FUE) {
            along = (h1 - 0.5f) * d->length_mm;
            across = (h2 - 0.5f) * d->band_mm;
        } else {
            int row = i / per_row, col = i % per_row;
            along = ((float)col - 0.5f * (float)(per_row - 1)) * spacing + (h1 - 0.5f) * 0.3f * D;
            across = (float)row * 1.8f * D + (h2 - 0.5f) * 0.3f * D;
        }
        along = clampf(along, -0.5f * d->length_mm, 0.5f * d->length_mm);
        across += bend_at(s, along);
        s->pts[2 * i] = along, s->pts[2 * i + 1] = across;
        for (int k = 0; k < 2; ++k) {
            lo[k] = fminf(lo[k], s->pts[2 * i + k]);
            hi[k] = fmaxf(hi[k], s->pts[2 * i + k]);
        }
    }
    s->cell_mm = fmaxf(2.0f * D, 2.0f);
    s->origin[0] = lo[0] - D, s->origin[1] = lo[1] - D;
    s->gx = (int)((hi[0] - lo[0] + 2 * D) / s->cell_mm) + 1;
    s->gy = (int)((hi[1] - lo[1] + 2 * D) / s->cell_mm) + 1;
    size_t cells = (size_t)s->gx * (size_t)s->gy;
    s->cell_start = calloc(cells + 1, sizeof *s->cell_start);
    s->cell_items = malloc(sizeof *s->cell_items * (size_t)n);
    if (!s->cell_start || !s->cell_items)
        return smp_error_set(err, SMP_ERR_NOMEM, "fields: scars[%d]: out of memory", index);
    for (int i = 0; i < n; ++i) {
        int cx = (int)((s->pts[2 * i] - s->origin[0]) / s->cell_mm);
        int cy = (int)((s->pts[2 * i + 1] - s->origin[1]) / s->cell_mm);
        s->cell_start[(size_t)cy * (size_t)s->gx + (size_t)cx + 1]++;
    }
    for (size_t c = 0; c < cells; ++c) s->cell_start[c + 1] += s->cell_start[c];
    uint32_t *fill = calloc(cells, sizeof *fill);
    if (!fill) return smp_error_set(err, SMP_ERR_NOMEM, "fields: scars[%d]: out of memory", index);
    for (int i = 0; i < n; ++i) {
        int cx = (int)((s->pts[2 * i] - s->origin[0]) / s->cell_mm);
        int cy = (int)((s->pts[2 * i + 1] - s->origin[1]) / s->cell_mm);
        size_t c = (size_t)cy * (size_t)s->gx + (size_t)cx;
        s->cell_items[s->cell_start[c] + fill[c]++] = (uint32_t)i;
    }
    free(fill);
    return SMP_OK;
}

smp_status fields_scars_build(smp_fields *f, smp_error *err) {
    f->scar_count = 0;
    for (int i = 0; i < f->d.scar_count; ++i) {
        fields_scar *s = &f->scars[i];
        memset(s, 0, sizeof *s);
        s->d = f->d.scars[i];
        f->scar_count = i + 1; /* so a failure below frees what was built */
        smp_status st = resolve_scar(&s->d, i, err);
        if (st != SMP_OK) return st;
        f->d.scars[i] = s->d;
        const smp_scar_desc *d = &s->d;
        switch (d->kind) {
        case SMP_SCAR_FUE:
        case SMP_SCAR_PLUGS: s->tissue = SMP_TISSUE_SCAR_PUNCTATE; break;
        case SMP_SCAR_BURN: s->tissue = SMP_TISSUE_SCAR_BURN; break;
        case SMP_SCAR_AREATA: s->tissue = SMP_TISSUE_SKIN; break;
        default: s->tissue = SMP_TISSUE_SCAR_LINEAR; break;
        }
        s->areata = d->kind == SMP_SCAR_AREATA;
        s->keeps_hair = d->kind == SMP_SCAR_PLUGS;
        float e[3], n[3];
        if (d->kind == SMP_SCAR_BURN) {
            float c[3] = {0, 0, 0}, v[SMP_FIELDS_MAX_POINTS][3];
            for (int p = 0; p < d->point_count; ++p) {
                direction(d->points_deg[p][0], d->points_deg[p][1], v[p]);
                for (int k = 0; k < 3; ++k) c[k] += v[p][k];
            }
            float len = sqrtf(dot3(c, c));
            if (len < 1e-3f)
                return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                     "fields: scars[%d].points_deg surround the whole head", i);
            for (int k = 0; k < 3; ++k) s->c[k] = c[k] / len;
            tangent_basis(s->c, s->e2, s->n2);
            float reach = 1.0f;
            for (int p = 0; p < d->point_count; ++p) {
                float cu = dot3(v[p], s->c);
                if (cu < 0.25f)
                    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                         "fields: scars[%d].points_deg[%d] is %.0f° from the "
                                         "polygon's centre: expected under 75°",
                                         i, p, acosf(clampf(cu, -1, 1)) / DEG);
                s->poly[p][0] = dot3(v[p], s->e2) / cu;
                s->poly[p][1] = dot3(v[p], s->n2) / cu;
                reach = fminf(reach, cu);
            }
            s->reach_cos = fmaxf(reach - 0.2f, 0.2f);
            continue;
        }
        direction(d->center_deg[0], d->center_deg[1], s->c);
        tangent_basis(s->c, e, n);
        float ca = cosf(d->angle_deg * DEG), sa = sinf(d->angle_deg * DEG);
        for (int k = 0; k < 3; ++k) {
            s->t[k] = ca * e[k] + sa * n[k];
            s->a[k] = -sa * e[k] + ca * n[k];
        }
        /* Generous reach on a small head radius (60 mm), room for a 50 mm scar margin. */
        float rows = d->kind == SMP_SCAR_PLUGS ? 2.0f * (float)d->count * d->diameter_mm : 0.0f;
        float band = d->kind == SMP_SCAR_FUE ? d->band_mm : 0.0f;
        float extent = 0.5f * d->length_mm + d->width_mm + band + fabsf(d->bend_mm) + rows +
                       d->diameter_mm + 50.0f;
        float ang = extent / 60.0f;
        s->reach_cos = ang >= FIELDS_PI ? -2.0f : cosf(ang);
        if (d->kind == SMP_SCAR_FUE || d->kind == SMP_SCAR_PLUGS) {
            st = layout_points(s, i, f->d.seed, err);
            if (st != SMP_OK) return st;
        }
    }
    return SMP_OK;
}

void fields_scars_free(smp_fields *f) {
    for (int i = 0; i < f->scar_count; ++i) {
        free(f->scars[i].pts);
        free(f->scars[i].cell_start);
        free(f->scars[i].cell_items);
        f->scars[i].pts = NULL;
        f->scars[i].cell_start = f->scars[i].cell_items = NULL;
    }
}

static float soft_inside(float inside_mm, float edge_mm) {
    return fields_smoothstep01(inside_mm / edge_mm + 0.5f);
}

static float weight_punctate(const fields_scar *s, float along, float across, float grow) {
    float D = s->d.diameter_mm, edge = fmaxf(0.15f, 0.2f * D);
    float reach = 0.5f * D + grow + edge;
    float gx = (along - s->origin[0]) / s->cell_mm, gy = (across - s->origin[1]) / s->cell_mm;
    int span = (int)ceilf(reach / s->cell_mm);
    int x0 = (int)floorf(gx) - span, x1 = (int)floorf(gx) + span;
    int y0 = (int)floorf(gy) - span, y1 = (int)floorf(gy) + span;
    if (x1 < 0 || y1 < 0 || x0 >= s->gx || y0 >= s->gy) return 0;
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= s->gx ? s->gx - 1 : x1, y1 = y1 >= s->gy ? s->gy - 1 : y1;
    float best = 1e30f;
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            size_t c = (size_t)y * (size_t)s->gx + (size_t)x;
            for (uint32_t k = s->cell_start[c]; k < s->cell_start[c + 1]; ++k) {
                const float *p = s->pts + 2 * s->cell_items[k];
                float dx = along - p[0], dy = across - p[1];
                best = fminf(best, dx * dx + dy * dy);
            }
        }
    }
    if (best > reach * reach) return 0;
    return soft_inside(0.5f * D + grow - sqrtf(best), edge);
}

static float weight_burn(const fields_scar *s, const float u[3], float r, float grow) {
    float cu = dot3(u, s->c);
    if (cu < 0.2f) return 0;
    float qx = dot3(u, s->e2) / cu, qy = dot3(u, s->n2) / cu;
    int n = s->d.point_count, inside = 0;
    float best = 1e30f;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        const float *a = s->poly[j], *b = s->poly[i];
        if ((b[1] > qy) != (a[1] > qy) && qx < (a[0] - b[0]) * (qy - b[1]) / (a[1] - b[1]) + b[0])
            inside = !inside;
        float dx = a[0] - b[0], dy = a[1] - b[1];
        float t =
            clampf(((qx - b[0]) * dx + (qy - b[1]) * dy) / (dx * dx + dy * dy + 1e-12f), 0, 1);
        float ex = qx - b[0] - t * dx, ey = qy - b[1] - t * dy;
        best = fminf(best, ex * ex + ey * ey);
    }
    /* Gnomonic distances shrink back to the skin by cos of the angle from the centre. */
    float d_mm = sqrtf(best) * r * cu * cu;
    return soft_inside((inside ? d_mm : -d_mm) + grow, 1.5f);
}

float fields_scar_weight(const fields_scar *s, const float u[3], float r, float grow) {
    const smp_scar_desc *d = &s->d;
    if (d->kind == SMP_SCAR_BURN) return weight_burn(s, u, r, grow);
    float along, across;
    frame_coords(s, u, r, &along, &across);
    switch (d->kind) {
    case SMP_SCAR_FUE:
    case SMP_SCAR_PLUGS: return weight_punctate(s, along, across, grow);
    case SMP_SCAR_AREATA: {
        float ha = 0.5f * d->length_mm + grow, hb = 0.5f * d->width_mm + grow;
        float ea = along / ha, eb = across / hb, q = sqrtf(ea * ea + eb * eb);
        return soft_inside((1.0f - q) * fminf(ha, hb), 2.0f);
    }
    default: {
        float half = 0.5f * d->length_mm, dist;
        if (fabsf(along) <= half) {
            float slope = 2.0f * d->bend_mm * along / (half * half);
            dist = fabsf(across - bend_at(s, along)) / sqrtf(1.0f + slope * slope);
        } else {
            float dx = fabsf(along) - half, dy = across - d->bend_mm;
            dist = sqrtf(dx * dx + dy * dy);
        }
        return soft_inside(0.5f * d->width_mm + grow - dist, fmaxf(0.3f, 0.2f * d->width_mm));
    }
    }
}
