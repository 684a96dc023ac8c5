/* The Poisson kernel on 64-bit ARM's Advanced SIMD (NEON, part of every AArch64 CPU): four
 * dots per step. min and max are spelled as a compare and a select, a < b ? a : b like
 * sc_min and minps, not as vminq/vmaxq, whose IEEE rules differ for signed zeros and NaNs. */
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

#include "../scatter_internal.h"

#define VF          float32x4_t
#define VI          uint32x4_t
#define VM          uint32x4_t
#define W           4
#define KERNEL_NAME scatter_poisson_neon

#define vi_set1(a)         vdupq_n_u32((uint32_t)(a))
#define vi_add(a, b)       vaddq_u32(a, b)
#define vi_xor(a, b)       veorq_u32(a, b)
#define vi_and(a, b)       vandq_u32(a, b)
#define vi_srli(a, n)      vshrq_n_u32(a, n)
#define vi_mullo(a, b)     vmulq_u32(a, b)
#define vi_iota()          vld1q_u32(k_iota)
#define vi_sel(m, a, b)    vbslq_u32(m, a, b)
#define vi_store(p, v)     vst1q_u32(p, v)
#define vi_from_f_trunc(a) vreinterpretq_u32_s32(vcvtq_s32_f32(a))

#define vf_set1(a)      vdupq_n_f32(a)
#define vf_add(a, b)    vaddq_f32(a, b)
#define vf_sub(a, b)    vsubq_f32(a, b)
#define vf_mul(a, b)    vmulq_f32(a, b)
#define vf_min(a, b)    k_min(a, b)
#define vf_max(a, b)    k_max(a, b)
#define vf_ge(a, b)     vcgeq_f32(a, b)
#define vf_gt(a, b)     vcgtq_f32(a, b)
#define vf_sel(m, a, b) vbslq_f32(m, a, b)
#define vf_from_i(a)    vcvtq_f32_s32(vreinterpretq_s32_u32(a))
#define vf_store(p, v)  vst1q_f32(p, v)

static const uint32_t k_iota[4] = {0, 1, 2, 3};

static inline float32x4_t k_min(float32x4_t a, float32x4_t b) {
    return vbslq_f32(vcltq_f32(a, b), a, b);
}

static inline float32x4_t k_max(float32x4_t a, float32x4_t b) {
    return vbslq_f32(vcgtq_f32(a, b), a, b);
}

/* The four bytes of each lane added: pairs to 16 bits, then pairs to 32. Exact. */
static inline uint32x4_t vi_bytesum(uint32x4_t h) {
    return vpaddlq_u16(vpaddlq_u8(vreinterpretq_u8_u32(h)));
}

/* Lanes narrowed by truncation, as the x86 paths' packing stores do (values fit). */
static inline void store_u16(uint16_t *p, uint32x4_t v) { vst1_u16(p, vmovn_u32(v)); }

static inline void store_u8(uint8_t *p, uint32x4_t v) {
    uint8_t b[8];
    vst1_u8(b, vmovn_u16(vcombine_u16(vmovn_u32(v), vdup_n_u16(0))));
    memcpy(p, b, 4);
}

#include "scatter_kernel.h"
#else
typedef int scatter_neon_unused;
#endif
