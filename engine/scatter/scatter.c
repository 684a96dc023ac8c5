/* The scatter core's entry points: the rules' names, capacity and memory estimates, the
 * dispatch to each rule (poisson/, blue/, grid.c), hand-placed dots and the checksum. The
 * rules and these share validate.c and sampling.c. */
#include "smp/scatter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blue/scatter_blue.h"
#include "grid.h"
#include "poisson/scatter_poisson.h"
#include "shared.h"

static const char *const k_rule_names[SMP_SCATTER_RULE_COUNT] = {[SMP_SCATTER_DEFAULT] = "poisson",
                                                                 [SMP_SCATTER_BLUE] = "blue",
                                                                 [SMP_SCATTER_POISSON] = "poisson",
                                                                 [SMP_SCATTER_GRID] = "grid"};

const char *smp_scatter_rule_name(smp_scatter_rule rule) {
    return (unsigned)rule < SMP_SCATTER_RULE_COUNT ? k_rule_names[rule] : NULL;
}

smp_status smp_scatter_rule_parse(const char *name, smp_scatter_rule *out, smp_error *err) {
    for (int i = SMP_SCATTER_DEFAULT + 1; i < SMP_SCATTER_RULE_COUNT; ++i)
        if (name && strcmp(name, k_rule_names[i]) == 0) {
            *out = (smp_scatter_rule)i;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "unknown placement rule '%s' (expected poisson, blue or grid)",
                         name ? name : "");
}

static double expected_dots(const smp_scatter_desc *d) {
    const smp_mesh *m = d->mesh;
    double sum = 0.0;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        double dens = (double)d->density_per_cm2[ix[0]] + d->density_per_cm2[ix[1]] +
                      d->density_per_cm2[ix[2]];
        if (dens > 0.0) sum += scatter_triangle_area_mm2(m, t) * dens / 300.0;
    }
    return sum;
}

smp_status smp_scatter_expected(const smp_scatter_desc *desc, double *dots_out, smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    *dots_out = expected_dots(desc);
    return SMP_OK;
}

static smp_status planned_count(const smp_scatter_desc *d, double expected, size_t *out,
                                smp_error *err) {
    if (!(expected > 0.0))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "no area with density > 0: nothing to scatter on (the density "
                             "field is zero everywhere, or only on degenerate triangles)");
    if (d->count) {
        *out = d->count;
        return SMP_OK;
    }
    /* a grid draws several times the dots it keeps, so that every node gets one */
    double n = d->rule == SMP_SCATTER_BLUE   ? ceil(expected * 1.66) + 64.0
               : d->rule == SMP_SCATTER_GRID ? floor(expected * 4.0)
                                             : floor(expected + 0.5);
    if (n < 1.0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "the density gives %.3g dots over the whole mesh, which rounds to "
                             "none: raise the density or ask for a count",
                             expected);
    if (n > (double)SMP_SCATTER_MAX_DOTS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "the density asks for %.0f dots: at most %d per call", n,
                             SMP_SCATTER_MAX_DOTS);
    *out = (size_t)n;
    return SMP_OK;
}

smp_status smp_scatter_capacity(const smp_scatter_desc *desc, size_t *max_new_dots,
                                smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    return planned_count(desc, expected_dots(desc), max_new_dots, err);
}

smp_status smp_scatter_scratch_bytes(const smp_scatter_desc *desc, size_t existing, double *bytes,
                                     smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    /* the triangle table and its alias table */
    double b = (double)desc->mesh->triangle_count * (sizeof(scatter_tri) + 16.0);
    if (desc->rule == SMP_SCATTER_BLUE)
        b += (double)desc->mesh->triangle_count * 16.0 + (double)desc->mesh->vertex_count * 4.0 +
             SMP_SCATTER_BLUE_BYTES_PER_POINT * scatter_blue_points_estimate(desc, existing);
    size_t draws = 0;
    if (desc->rule == SMP_SCATTER_GRID &&
        planned_count(desc, expected_dots(desc), &draws, NULL) == SMP_OK)
        b += scatter_grid_scratch_bytes(existing + draws);
    *bytes = b;
    return SMP_OK;
}

void smp_scatter_place_one(const smp_mesh *mesh, const uint8_t *tissue, uint64_t seed,
                           const smp_scatter_session *session, uint32_t index, uint32_t t,
                           const float w[3], smp_dots *dots) {
    smp_scatter_desc d = {.seed = seed, .session = *session};
    scatter_write_one(mesh, tissue, &d, SC_STREAM_HAND, index, t, w, dots, dots->count);
    dots->count++;
}

/* ---- entry points ----------------------------------------------------------------------- */

/* SMP_OK when dots has room for `planned` more. */
static smp_status check_room(const smp_dots *dots, size_t planned, smp_error *err) {
    if (dots->capacity - dots->count >= planned) return SMP_OK;
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "the dot set holds %zu more dots but this scatter writes %zu "
                         "(capacity needed: %zu)",
                         dots->capacity - dots->count, planned, dots->count + planned);
}

/* desc's rule for `planned` new dots (the grid: its draws) appended to dots, info filled. */
static smp_status run_rule(const smp_scatter_desc *desc, smp_simd_path path,
                           const scatter_blue_tuning *tuning, size_t planned, smp_dots *dots,
                           smp_scatter_info *info, smp_error *err) {
    if (desc->rule == SMP_SCATTER_BLUE) return scatter_blue_run(desc, tuning, dots, info, err);
    smp_status st = check_room(dots, planned, err);
    if (st != SMP_OK) return st;
    if (desc->rule == SMP_SCATTER_GRID)
        return scatter_grid_run(desc, path, planned, dots, &info->added, err);
    if ((st = scatter_poisson_run(desc, path, planned, dots, err)) == SMP_OK) info->added = planned;
    return st;
}

smp_status scatter_path_tuned(const smp_scatter_desc *desc, smp_simd_path path,
                              const scatter_blue_tuning *tuning, smp_dots *dots,
                              smp_scatter_info *info, smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    if ((unsigned)path >= SMP_SIMD_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "SIMD path %d out of range", (int)path);
    if (!smp_simd_supported(path))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "this CPU cannot run the %s path",
                             smp_simd_name(path));
    if (!dots || (dots->capacity && (!dots->x || !dots->tissue)) || dots->count > dots->capacity)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter: the dot set is not allocated (smp_dots_alloc)");
    double expected = expected_dots(desc);
    size_t planned = 0;
    if ((st = planned_count(desc, expected, &planned, err)) != SMP_OK) return st;
    smp_scatter_info local = {0};
    local.expected = expected;
    if ((st = run_rule(desc, path, tuning, planned, dots, &local, err)) != SMP_OK) return st;
    if (info) *info = local;
    return SMP_OK;
}

smp_status smp_scatter_path(const smp_scatter_desc *desc, smp_simd_path path, smp_dots *dots,
                            smp_scatter_info *info, smp_error *err) {
    const scatter_blue_tuning tuning = scatter_blue_tuning_default();
    return scatter_path_tuned(desc, path, &tuning, dots, info, err);
}

smp_status smp_scatter(const smp_scatter_desc *desc, smp_dots *dots, smp_error *err) {
    return smp_scatter_path(desc, smp_simd_active(), dots, NULL, err);
}

static uint64_t fnv(uint64_t h, const void *data, size_t bytes) {
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

uint64_t smp_dots_checksum(const smp_dots *d) {
    size_t n = d->count;
    uint64_t h = fnv(0xcbf29ce484222325ull, &n, sizeof n);
    h = fnv(h, d->x, 4 * n);
    h = fnv(h, d->y, 4 * n);
    h = fnv(h, d->z, 4 * n);
    h = fnv(h, d->normal, 4 * n);
    h = fnv(h, d->triangle, 4 * n);
    h = fnv(h, d->bary_u, 2 * n);
    h = fnv(h, d->bary_v, 2 * n);
    h = fnv(h, d->radius_um, 2 * n);
    h = fnv(h, d->depth_um, 2 * n);
    h = fnv(h, d->ink, n);
    h = fnv(h, d->session, n);
    return fnv(h, d->tissue, n);
}
