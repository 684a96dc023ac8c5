/* The ageing model's per-dot kernel (age_kernel.h) in portable C, one dot a step: the
 * reference every vector path matches bit for bit, and the path that finishes their batches. */
#include <math.h>
#include <string.h>

#include "age_internal.h"

#define VF             float
#define VI             int32_t
#define VM             unsigned
#define W              1
#define KERNEL_NAME    smp_age_kernel_scalar
#define K_STREAM_ALIGN 0

#define vi_set1(a)         ((int32_t)(a))
#define vi_add(a, b)       ((a) + (b))
#define vi_and(a, b)       ((a) & (b))
#define vi_slli(a, n)      ((int32_t)((uint32_t)(a) << (n)))
#define vi_min_u(a, b)     ((uint32_t)(a) < (uint32_t)(b) ? (a) : (b))
#define vi_from_f_trunc(a) ((int32_t)(a))
#define vi_load_u16(p)     ((int32_t)(p)[0])
#define vi_load_u8(p)      ((int32_t)(p)[0])
#define vi_gt(a, b)        ((unsigned)((a) > (b)))
#define vi_eq(a, b)        ((unsigned)((a) == (b)))
#define vm_none()          0u
#define vm_or(a, b)        ((a) | (b))
#define vm_any(m)          ((m) != 0)

#define vf_set1(a)           ((float)(a))
#define vf_add(a, b)         ((a) + (b))
#define vf_sub(a, b)         ((a) - (b))
#define vf_mul(a, b)         ((a) * (b))
#define vf_div(a, b)         ((a) / (b))
#define vf_min(a, b)         ((a) < (b) ? (a) : (b))
#define vf_max(a, b)         ((a) > (b) ? (a) : (b))
#define vf_sqrt(a)           sqrtf(a)
#define vf_floor(a)          floorf(a)
#define vf_from_i(a)         ((float)(a))
#define vf_gather(table, i)  ((table)[i])
#define vf_put(p, v, stream) (*(p) = (v), (void)(stream))
#define k_fence()            ((void)0)

static inline float vf_from_bits(int32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

#include "age_kernel.h"

float age_expneg(float x) { return k_expneg(x); }
