#include "smp/dots.h"

#include "smp/bigalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_tissue_names[SMP_TISSUE_COUNT] = {"skin", "scar_linear", "scar_punctate",
                                                             "scar_burn"};

const char *smp_tissue_name(smp_tissue t) {
    return (unsigned)t < SMP_TISSUE_COUNT ? k_tissue_names[t] : NULL;
}

/* Each array starts on its own cache line so vector stores of whole lines never straddle two
 * arrays, and pages are only touched when dots are written: resident memory follows count, not
 * capacity. */
enum { DOTS_ALIGN = 64 };

static void *alloc_array(size_t capacity, size_t elem) {
    /* resident memory follows what is written: huge pages 2 MiB at a time */
    return smp_big_alloc(capacity * elem);
}

smp_status smp_dots_alloc(smp_dots *dots, size_t capacity, size_t max_bytes, smp_error *err) {
    if (capacity < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "dot capacity 0: expected at least 1");
    /* 12 arrays, each padded to a cache line. */
    const size_t pad = 12 * DOTS_ALIGN;
    if (capacity > (SIZE_MAX - pad) / SMP_DOT_BYTES)
        return smp_error_set(err, SMP_ERR_NOMEM, "%zu dots would need more than %zu bytes",
                             capacity, (size_t)SIZE_MAX);
    size_t need = capacity * SMP_DOT_BYTES + pad;
    if (max_bytes && need > max_bytes)
        return smp_error_set(err, SMP_ERR_NOMEM,
                             "%zu dots need %zu bytes (%.1f MiB), more than the %zu allowed",
                             capacity, need, (double)need / 1048576.0, max_bytes);
    smp_dots d = {.capacity = capacity};
    d.x = alloc_array(capacity, 4);
    d.y = alloc_array(capacity, 4);
    d.z = alloc_array(capacity, 4);
    d.normal = alloc_array(capacity, 4);
    d.triangle = alloc_array(capacity, 4);
    d.bary_u = alloc_array(capacity, 2);
    d.bary_v = alloc_array(capacity, 2);
    d.radius_um = alloc_array(capacity, 2);
    d.depth_um = alloc_array(capacity, 2);
    d.ink = alloc_array(capacity, 1);
    d.session = alloc_array(capacity, 1);
    d.tissue = alloc_array(capacity, 1);
    if (!d.x || !d.y || !d.z || !d.normal || !d.triangle || !d.bary_u || !d.bary_v ||
        !d.radius_um || !d.depth_um || !d.ink || !d.session || !d.tissue) {
        smp_dots_free(&d);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory allocating %zu dots (%zu bytes)",
                             capacity, need);
    }
    *dots = d;
    return SMP_OK;
}

void smp_dots_free(smp_dots *dots) {
    if (!dots) return;
    free(dots->x);
    free(dots->y);
    free(dots->z);
    free(dots->normal);
    free(dots->triangle);
    free(dots->bary_u);
    free(dots->bary_v);
    free(dots->radius_um);
    free(dots->depth_um);
    free(dots->ink);
    free(dots->session);
    free(dots->tissue);
    memset(dots, 0, sizeof *dots);
}

static int16_t snorm16(float v) {
    v = v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v;
    return (int16_t)lrintf(v * 32767.0f);
}

static float sign_not_zero(float v) { return v >= 0.0f ? 1.0f : -1.0f; }

uint32_t smp_normal_encode_oct(const float n[3]) {
    float l1 = fabsf(n[0]) + fabsf(n[1]) + fabsf(n[2]);
    if (!(l1 > 0.0f)) return 0; /* no direction: +Z, like an all-zero encoding decodes */
    float x = n[0] / l1, y = n[1] / l1;
    if (n[2] < 0.0f) {
        float fx = (1.0f - fabsf(y)) * sign_not_zero(x);
        float fy = (1.0f - fabsf(x)) * sign_not_zero(y);
        x = fx;
        y = fy;
    }
    return (uint32_t)(uint16_t)snorm16(x) | (uint32_t)(uint16_t)snorm16(y) << 16;
}

void smp_normal_decode_oct(uint32_t packed, float n[3]) {
    float x = (float)(int16_t)(packed & 0xffffu) / 32767.0f;
    float y = (float)(int16_t)(packed >> 16) / 32767.0f;
    float z = 1.0f - fabsf(x) - fabsf(y);
    if (z < 0.0f) {
        float fx = (1.0f - fabsf(y)) * sign_not_zero(x);
        float fy = (1.0f - fabsf(x)) * sign_not_zero(y);
        x = fx;
        y = fy;
    }
    float l = sqrtf(x * x + y * y + z * z);
    n[0] = x / l;
    n[1] = y / l;
    n[2] = z / l;
}
