#include "smp/pick.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const float EDGE_SLACK = 1e-5f; /* barycentric units */

enum {
    LEAF_MAX = 4,       /* triangles per leaf: a few tests are cheaper than another box */
    SPATIAL_DEPTH = 40, /* below this, split by count so the tree stays shallow */
    STACK_MAX = 128,    /* ≥ the deepest path: SPATIAL_DEPTH + 32 halvings of a uint32 count */
};

typedef struct node {
    float lo[3], hi[3];
    uint32_t first; /* leaf: first triangle in tree order; interior: left child (right = +1) */
    uint32_t count; /* 0 = interior */
} node;

struct smp_pick {
    node *nodes;
    uint32_t node_count;
    uint32_t triangle_count;
    float *corners;     /* 9 floats per triangle, tree order */
    uint32_t *triangle; /* the mesh's index of each, tree order */
};

/* Zero area exactly as the intersection sees it, so a triangle left out of the tree is one
 * smp_pick_ray_triangle would never report. */
static int degenerate(const float a[3], const float b[3], const float c[3]) {
    float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    float n0 = e1[1] * e2[2] - e1[2] * e2[1];
    float n1 = e1[2] * e2[0] - e1[0] * e2[2];
    float n2 = e1[0] * e2[1] - e1[1] * e2[0];
    return n0 == 0 && n1 == 0 && n2 == 0;
}

int smp_pick_ray_triangle(const float o[3], const float d[3], const float a[3], const float b[3],
                          const float c[3], float *distance, float *u_out, float *v_out) {
    if (degenerate(a, b, c)) return 0;
    float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    float p[3] = {d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2],
                  d[0] * e2[1] - d[1] * e2[0]};
    float det = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
    if (det == 0) return 0; /* the ray runs in the triangle's plane */
    float inv = 1.0f / det;
    float s[3] = {o[0] - a[0], o[1] - a[1], o[2] - a[2]};
    /* A ray along a shared edge (a pointer on a symmetric head's midline, at a whole pixel)
     * would slip between its triangles by rounding: both take it within EDGE_SLACK, the lower
     * index wins the tie, and the barycentrics are pulled back inside. */
    float u = (s[0] * p[0] + s[1] * p[1] + s[2] * p[2]) * inv;
    if (!(u >= -EDGE_SLACK && u <= 1 + EDGE_SLACK)) return 0;
    float q[3] = {s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2],
                  s[0] * e1[1] - s[1] * e1[0]};
    float v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) * inv;
    if (!(v >= -EDGE_SLACK && u + v <= 1 + EDGE_SLACK)) return 0;
    float t = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) * inv;
    if (!(t > 0) || !isfinite(t)) return 0;
    u = u > 0 ? u : 0, v = v > 0 ? v : 0;
    if (u + v > 1) {
        float sum = u + v;
        u /= sum, v = 1 - u;
    }
    *distance = t, *u_out = u, *v_out = v;
    return 1;
}

/* --- build ---------------------------------------------------------------------------- */

typedef struct builder {
    const smp_mesh *mesh;
    float *centroid; /* 3 per triangle, mesh order */
    float *lo, *hi;  /* each triangle's box, mesh order */
    uint32_t *order; /* mesh triangle indices, permuted into tree order */
    node *nodes;
    uint32_t node_count;
} builder;

static void build(builder *b, uint32_t at, uint32_t first, uint32_t count, int depth) {
    node *n = &b->nodes[at];
    float clo[3] = {INFINITY, INFINITY, INFINITY}, chi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int k = 0; k < 3; ++k) n->lo[k] = INFINITY, n->hi[k] = -INFINITY;
    for (uint32_t i = first; i < first + count; ++i) {
        size_t t = b->order[i];
        for (int k = 0; k < 3; ++k) {
            n->lo[k] = fminf(n->lo[k], b->lo[3 * t + k]);
            n->hi[k] = fmaxf(n->hi[k], b->hi[3 * t + k]);
            clo[k] = fminf(clo[k], b->centroid[3 * t + k]);
            chi[k] = fmaxf(chi[k], b->centroid[3 * t + k]);
        }
    }
    if (count <= LEAF_MAX) {
        n->first = first, n->count = count;
        return;
    }
    int axis = 0;
    for (int k = 1; k < 3; ++k)
        if (chi[k] - clo[k] > chi[axis] - clo[axis]) axis = k;
    float mid = 0.5f * (clo[axis] + chi[axis]);
    uint32_t split = first;
    if (depth < SPATIAL_DEPTH) {
        /* the middle of the centroids' extent: on a surface of even triangles this halves
         * both space and count, and costs one pass */
        uint32_t j = first + count;
        while (split < j) {
            if (b->centroid[3 * (size_t)b->order[split] + axis] < mid) {
                ++split;
            } else {
                uint32_t tmp = b->order[split];
                b->order[split] = b->order[--j];
                b->order[j] = tmp;
            }
        }
    }
    /* clustered centroids, or deep enough: halve the count, which bounds the depth */
    if (split == first || split == first + count) split = first + count / 2;
    uint32_t left = b->node_count;
    b->node_count += 2;
    n->first = left, n->count = 0;
    build(b, left, first, split - first, depth + 1);
    build(b, left + 1, split, first + count - split, depth + 1);
}

smp_status smp_pick_create(const smp_mesh *mesh, smp_pick **out, smp_error *err) {
    if (!mesh || !out) return smp_error_set(err, SMP_ERR_INVALID_ARG, "pick: mesh and out needed");
    *out = NULL;
    if (mesh->triangle_count && (!mesh->positions || !mesh->indices))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "pick: mesh has no positions or indices");
    for (uint32_t i = 0; i < 3 * mesh->triangle_count; ++i)
        if (mesh->indices[i] >= mesh->vertex_count)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "pick: triangle %u: vertex %u out of range (the mesh has %u)",
                                 i / 3, mesh->indices[i], mesh->vertex_count);
    for (uint32_t i = 0; i < 3 * mesh->vertex_count; ++i)
        if (!isfinite(mesh->positions[i]))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "pick: vertex %u: position is not finite", i / 3);

    smp_pick *pk = calloc(1, sizeof *pk);
    builder b = {.mesh = mesh};
    size_t tc = mesh->triangle_count ? mesh->triangle_count : 1;
    b.centroid = malloc(sizeof(float) * 3 * tc);
    b.lo = malloc(sizeof(float) * 3 * tc);
    b.hi = malloc(sizeof(float) * 3 * tc);
    b.order = malloc(sizeof(uint32_t) * tc);
    b.nodes = malloc(sizeof(node) * 2 * tc);
    if (pk) pk->corners = malloc(sizeof(float) * 9 * tc);
    smp_status st = SMP_OK;
    if (!pk || !b.centroid || !b.lo || !b.hi || !b.order || !b.nodes || !pk->corners) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "pick: out of memory for %u triangles",
                           mesh->triangle_count);
        goto done;
    }
    uint32_t kept = 0;
    for (uint32_t t = 0; t < mesh->triangle_count; ++t) {
        const float *c[3];
        for (int j = 0; j < 3; ++j)
            c[j] = mesh->positions + 3 * (size_t)mesh->indices[3 * (size_t)t + j];
        if (degenerate(c[0], c[1], c[2])) continue;
        for (int k = 0; k < 3; ++k) {
            b.lo[3 * (size_t)t + k] = fminf(c[0][k], fminf(c[1][k], c[2][k]));
            b.hi[3 * (size_t)t + k] = fmaxf(c[0][k], fmaxf(c[1][k], c[2][k]));
            b.centroid[3 * (size_t)t + k] = (c[0][k] + c[1][k] + c[2][k]) / 3.0f;
        }
        b.order[kept++] = t;
    }
    pk->triangle_count = kept;
    b.node_count = 1;
    if (kept) {
        build(&b, 0, 0, kept, 0);
    } else {
        /* an empty box no ray enters */
        for (int k = 0; k < 3; ++k) b.nodes[0].lo[k] = INFINITY, b.nodes[0].hi[k] = -INFINITY;
        b.nodes[0].first = 0, b.nodes[0].count = 0;
    }
    for (uint32_t i = 0; i < kept; ++i)
        for (int j = 0; j < 3; ++j)
            memcpy(pk->corners + 9 * (size_t)i + 3 * j,
                   mesh->positions + 3 * (size_t)mesh->indices[3 * (size_t)b.order[i] + j],
                   sizeof(float) * 3);
    pk->triangle = b.order, b.order = NULL;
    pk->nodes = realloc(b.nodes, sizeof(node) * b.node_count);
    if (!pk->nodes) pk->nodes = b.nodes; /* shrinking failed: keep the larger block */
    b.nodes = NULL;
    pk->node_count = kept ? b.node_count : 0;
done:
    free(b.centroid);
    free(b.lo);
    free(b.hi);
    free(b.order);
    free(b.nodes);
    if (st != SMP_OK) {
        smp_pick_destroy(pk);
        pk = NULL;
    }
    *out = pk;
    return st;
}

void smp_pick_destroy(smp_pick *pick) {
    if (!pick) return;
    free(pick->nodes);
    free(pick->corners);
    free(pick->triangle);
    free(pick);
}

uint32_t smp_pick_triangle_count(const smp_pick *pick) { return pick ? pick->triangle_count : 0; }

/* --- query ---------------------------------------------------------------------------- */

/* Where the ray enters the box, if before limit, else ∞. An axis the ray does not move along
 * (inv = ∞) is a test of the origin alone: its slab arithmetic would give 0 · ∞ on a face. */
static float enter_box(const node *n, const float o[3], const float inv[3], float limit) {
    float t0 = 0, t1 = limit;
    for (int k = 0; k < 3; ++k) {
        if (isinf(inv[k])) {
            if (o[k] < n->lo[k] || o[k] > n->hi[k]) return INFINITY;
            continue;
        }
        float a = (n->lo[k] - o[k]) * inv[k], b = (n->hi[k] - o[k]) * inv[k];
        t0 = fmaxf(t0, fminf(a, b));
        t1 = fminf(t1, fmaxf(a, b));
    }
    return t0 <= t1 ? t0 : INFINITY;
}

smp_status smp_pick_ray(const smp_pick *pick, const float origin[3], const float direction[3],
                        smp_pick_hit *hit, smp_error *err) {
    if (!pick || !origin || !direction || !hit)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "pick: ray needs a picker, origin, "
                             "direction and hit");
    for (int k = 0; k < 3; ++k)
        if (!isfinite(origin[k]) || !isfinite(direction[k]))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "pick: ray origin (%g, %g, %g) or direction (%g, %g, %g) is "
                                 "not finite",
                                 origin[0], origin[1], origin[2], direction[0], direction[1],
                                 direction[2]);
    if (direction[0] == 0 && direction[1] == 0 && direction[2] == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "pick: ray direction is zero");

    hit->triangle = SMP_PICK_MISS;
    hit->u = hit->v = 0;
    hit->distance = INFINITY;
    if (!pick->node_count) return SMP_OK;
    float inv[3];
    for (int k = 0; k < 3; ++k) inv[k] = 1.0f / direction[k];

    struct {
        uint32_t node;
        float t;
    } stack[STACK_MAX];
    int top = 0;
    float best = INFINITY;
    uint32_t best_tri = SMP_PICK_MISS;
    if (enter_box(&pick->nodes[0], origin, inv, INFINITY) < INFINITY)
        stack[top++].node = 0, stack[top - 1].t = 0;
    while (top) {
        --top;
        /* ties at the same distance go to the lowest index, so a box entered at exactly
         * the best distance is still searched */
        if (stack[top].t > best) continue;
        const node *n = &pick->nodes[stack[top].node];
        if (n->count) {
            for (uint32_t i = n->first; i < n->first + n->count; ++i) {
                const float *c = pick->corners + 9 * (size_t)i;
                float t, u, v;
                if (!smp_pick_ray_triangle(origin, direction, c, c + 3, c + 6, &t, &u, &v))
                    continue;
                if (t < best || (t == best && pick->triangle[i] < best_tri)) {
                    best = t, best_tri = pick->triangle[i];
                    hit->u = u, hit->v = v;
                }
            }
            continue;
        }
        float ta = enter_box(&pick->nodes[n->first], origin, inv, best);
        float tb = enter_box(&pick->nodes[n->first + 1], origin, inv, best);
        uint32_t near = n->first, far = n->first + 1;
        if (tb < ta) {
            float tmp = ta;
            ta = tb, tb = tmp;
            near = far, far = n->first;
        }
        /* the far child goes under the near one: nearest first shrinks best soonest */
        if (tb < INFINITY) stack[top].node = far, stack[top++].t = tb;
        if (ta < INFINITY) stack[top].node = near, stack[top++].t = ta;
    }
    if (best_tri == SMP_PICK_MISS) return SMP_OK;
    hit->triangle = best_tri;
    hit->distance = best;
    for (int k = 0; k < 3; ++k) hit->point[k] = origin[k] + best * direction[k];
    return SMP_OK;
}

void smp_pick_camera_ray(const smp_camera *cam, int width, int height, float x, float y,
                         float origin[3], float direction[3]) {
    float f[3], r[3], up[3];
    float len = 0;
    for (int k = 0; k < 3; ++k) f[k] = cam->target[k] - cam->eye[k], len += f[k] * f[k];
    len = sqrtf(len);
    for (int k = 0; k < 3; ++k) f[k] /= len;
    /* the camera's right and true up, as the look-at matrix builds them */
    r[0] = f[1] * cam->up[2] - f[2] * cam->up[1];
    r[1] = f[2] * cam->up[0] - f[0] * cam->up[2];
    r[2] = f[0] * cam->up[1] - f[1] * cam->up[0];
    len = sqrtf(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    for (int k = 0; k < 3; ++k) r[k] /= len;
    up[0] = r[1] * f[2] - r[2] * f[1];
    up[1] = r[2] * f[0] - r[0] * f[2];
    up[2] = r[0] * f[1] - r[1] * f[0];
    float w = (float)(width > 0 ? width : 1), h = (float)(height > 0 ? height : 1);
    float half = tanf(0.5f * cam->fov_y_deg * 3.14159265358979f / 180.0f);
    float sx = (2.0f * x / w - 1.0f) * half * (w / h);
    float sy = (1.0f - 2.0f * y / h) * half;
    len = 0;
    for (int k = 0; k < 3; ++k) {
        origin[k] = cam->eye[k];
        direction[k] = f[k] + sx * r[k] + sy * up[k];
        len += direction[k] * direction[k];
    }
    len = sqrtf(len);
    for (int k = 0; k < 3; ++k) direction[k] /= len;
}
