/* The ageing model's per-dot equations and batch loop, written once over a small vector
 * vocabulary that each instruction-set file (age_scalar.c, age_sse41.c, age_avx2.c,
 * age_avx512.c; the x86 ones share most of it through age_x86.h) defines before including it:
 *
 *   VF VI VM W          float vector, int vector, lane mask, lane count (1 for the scalar path)
 *   KERNEL_NAME         the batch function to define (age_kernel_fn, age_internal.h)
 *   K_STREAM_ALIGN      bytes a streaming store needs; 0: the path never streams
 *   vi_set1 vi_add vi_and vi_slli vi_min_u vi_from_f_trunc vi_load_u16 vi_load_u8
 *   vi_gt vi_eq (to lane masks; the inputs are at most 16 bits wide, so signed and unsigned
 *   compares agree) vm_none vm_or vm_any
 *   vf_set1 vf_add vf_sub vf_mul vf_div vf_min vf_max vf_sqrt vf_floor vf_from_i vf_from_bits
 *   vf_gather (one table read per lane) vf_put (a store, streamed when asked) k_fence
 *   K_SK_IN_REGISTERS   defined when the file supplies sk_state, sk_init and sk_get (the
 *                       (session, tissue) factors held in registers); else they are gathered
 *
 * vf_min(a, b) is a < b ? a : b and vf_max(a, b) is a > b ? a : b (minps, maxps), so NaNs and
 * signed zeros come out alike on every path. Every path performs the same IEEE single-precision
 * operations in the same order and none fuses a multiply with an add (the stage builds with
 * -ffp-contract=off, the AVX2 file without -mfma), so all give the scalar path's bits.
 * shaders/model.glsl mirrors these equations in GLSL. Each of those files includes this once,
 * so it has no include guard. */

/* e^-x for x >= 0 (NaN reads as large), relative error < 2e-7: 2^n by the exponent bits times
 * a degree-6 Taylor polynomial on |u| <= ln2/2. */
static inline VF k_expneg(VF x) {
    x = vf_min(x, vf_set1(87.0f));
    VF y = vf_mul(x, vf_set1(-1.442695041f));
    VF n = vf_floor(vf_add(y, vf_set1(0.5f)));
    VF u = vf_mul(vf_sub(y, n), vf_set1(0.6931471806f));
    VF p = vf_set1(0.001388888889f);
    p = vf_add(vf_mul(p, u), vf_set1(0.008333333333f));
    p = vf_add(vf_mul(p, u), vf_set1(0.04166666667f));
    p = vf_add(vf_mul(p, u), vf_set1(0.1666666667f));
    p = vf_add(vf_mul(p, u), vf_set1(0.5f));
    p = vf_add(vf_mul(p, u), vf_set1(1.0f));
    p = vf_add(vf_mul(p, u), vf_set1(1.0f));
    VI bits = vi_slli(vi_add(vi_from_f_trunc(n), vi_set1(127)), 23);
    return vf_mul(p, vf_from_bits(bits));
}

/* The (session, tissue) factors, read from t->sk lane by lane unless the file keeps them in
 * registers. */
#ifndef K_SK_IN_REGISTERS
typedef struct sk_state {
    char unused;
} sk_state;

static inline void sk_init(sk_state *c, const age_tables *t) {
    (void)c;
    (void)t;
}

static inline VF sk_get(const sk_state *c, const age_tables *t, int f, VI sk) {
    (void)c;
    return vf_gather(t->sk[f], sk);
}
#endif

/* One vector of dots' inputs, the depth and (session, tissue) indices clamped to the tables. */
typedef struct k_in {
    VI r, z, ink8, sk;
} k_in;

/* Reads dots [i, i + W); out-of-range inputs set lanes of *bad and are read clamped, so nothing
 * reads out of bounds. */
static inline k_in k_load(const age_tables *t, const smp_dot_attrs *in, size_t i, VM *bad) {
    const VI zmax = vi_set1(SMP_AGE_MAX_DEPTH_UM);
    const VI smax = vi_set1(t->session_count - 1);
    const VI kmax = vi_set1(SMP_TISSUE_COUNT - 1);
    k_in d;
    d.r = vi_load_u16(in->radius_um + i);
    d.z = vi_load_u16(in->depth_um + i);
    d.ink8 = vi_load_u8(in->ink + i);
    VI s = vi_load_u8(in->session + i);
    VI k = vi_load_u8(in->tissue + i);
    *bad = vm_or(*bad, vi_gt(d.z, zmax));
    *bad = vm_or(*bad, vi_eq(d.r, vi_set1(0)));
    *bad = vm_or(*bad, vi_gt(s, smax));
    *bad = vm_or(*bad, vi_gt(k, kmax));
    d.z = vi_min_u(d.z, zmax);
    s = vi_min_u(s, smax);
    d.sk = vi_add(vi_slli(s, 2), vi_and(k, vi_set1(3)));
    return d;
}

/* One vector of dots' looks, see smp_dot_look. */
typedef struct k_look {
    VF sigma, pigment, trans[3], halo_sigma, halo[3];
} k_look;

/* Dots [i, i + W): the core (top face) and, when asked, the halo (bottom face and side), see
 * smp_dot_look. The deposit is a column of pigment whose plan footprint has variance sd2
 * (radius √(2·sd2) for the disc of the same second moment); a buried black surface removes
 * remitted light in proportion to its area times the depth weight where it lies (docs/MODEL.md
 * §3), scaled by the deposit's opacity apig and the tissue's dermal share. */
static inline void k_eval(const age_tables *t, const sk_state *c, const k_in *d, int halo,
                          k_look *o) {
    const VF one = vf_set1(1.0f), zero = vf_set1(0.0f);
    const VI z = d->z, sk = d->sk;
    VF sigma0 = vf_mul(vf_from_i(d->r), vf_set1(AGE_SIGMA_PER_UM));
    VF s02 = vf_mul(sigma0, sigma0);
    VF ink = vf_mul(vf_from_i(d->ink8), vf_set1(AGE_INK_SCALE));
    VF lz = vf_gather(t->z[AGE_Z_LSHED], z);
    VF m = vf_add(vf_mul(ink, sk_get(c, t, AGE_SK_POWN, sk)), sk_get(c, t, AGE_SK_ADD, sk));
    VF shed = vf_add(vf_mul(ink, sk_get(c, t, AGE_SK_PH, sk)), sk_get(c, t, AGE_SK_ADDH, sk));
    m = vf_sub(m, vf_mul(lz, shed));
    m = vf_max(m, zero); /* rounding only: the shed share never exceeds the deposit */
    VF sd2 = vf_add(vf_add(s02, vf_gather(t->z[AGE_Z_VBLOW], z)),
                    vf_mul(sk_get(c, t, AGE_SK_D2T, sk), vf_gather(t->z[AGE_Z_D], z)));
    VF x = vf_div(vf_mul(vf_mul(vf_set1(AGE_KAPPA), m), s02), sd2);
    VF apig = vf_sub(one, k_expneg(x));
    VF so2 = vf_add(sd2, vf_gather(t->z[AGE_Z_BLUR], z));
    VF a = vf_div(vf_mul(apig, sd2), so2);
    VF swell = vf_mul(s02, sk_get(c, t, AGE_SK_SWELL2, sk));
    VF sv2 = vf_add(so2, swell);
    VF sh2 = vf_add(so2, vf_gather(t->z[AGE_Z_HALO2], z));
    VF side = vf_sqrt(vf_add(sd2, sd2));
    VF ah = vf_div(apig, sh2);
    VF fs = sk_get(c, t, AGE_SK_FS, sk);
    o->sigma = vf_sqrt(sv2);
    o->pigment = m;
    if (halo) o->halo_sigma = vf_sqrt(vf_add(sh2, swell));
    for (int b = 0; b < 3; ++b) {
        VF q = sk_get(c, t, AGE_SK_QF_R + b, sk);
        VF tr = vf_sub(one, vf_mul(a, vf_add(vf_mul(vf_gather(t->z[AGE_Z_W_R + b], z), q), fs)));
        /* a face takes more than its own area; right above it no more than all the light */
        o->trans[b] = vf_max(tr, zero);
        if (!halo) continue;
        VF h = vf_add(vf_mul(sd2, vf_gather(t->z[AGE_Z_WB_R + b], z)),
                      vf_mul(side, vf_gather(t->z[AGE_Z_I_R + b], z)));
        VF th = vf_sub(one, vf_mul(ah, vf_mul(h, q)));
        o->halo[b] = vf_max(th, zero);
    }
}

/* Writes dots [i, i + W); pigment and the halo only where out asks for them. */
static inline void k_store(const smp_dot_look *out, size_t i, const k_look *o, int stream) {
    vf_put(out->sigma_mm + i, o->sigma, stream);
    if (out->pigment) vf_put(out->pigment + i, o->pigment, stream);
    vf_put(out->trans_r + i, o->trans[0], stream);
    vf_put(out->trans_g + i, o->trans[1], stream);
    vf_put(out->trans_b + i, o->trans[2], stream);
    if (!out->halo_sigma_mm) return;
    vf_put(out->halo_sigma_mm + i, o->halo_sigma, stream);
    vf_put(out->halo_r + i, o->halo[0], stream);
    vf_put(out->halo_g + i, o->halo[1], stream);
    vf_put(out->halo_b + i, o->halo[2], stream);
}

/* Dots [i, i + W), read, evaluated, then written: no output store sits between table reads. */
static inline void k_dots(const age_tables *t, const sk_state *c, const smp_dot_attrs *in, size_t i,
                          const smp_dot_look *out, int stream, VM *bad) {
    const k_in d = k_load(t, in, i, bad);
    k_look o = {0}; /* the halo stays 0 where out has none: it is not written */
    k_eval(t, c, &d, out->halo_sigma_mm != NULL, &o);
    k_store(out, i, &o, stream);
}

enum { K_ALIGN_MASK = K_STREAM_ALIGN ? K_STREAM_ALIGN - 1 : 0 };

static inline int k_aligned(const float *p) { return !((uintptr_t)p & K_ALIGN_MASK); }

/* Whether every output array is aligned for streaming stores at dot i. */
static inline int k_can_stream(const smp_dot_look *out, size_t i) {
    const float *p[9] = {out->sigma_mm,      out->pigment, out->trans_r, out->trans_g, out->trans_b,
                         out->halo_sigma_mm, out->halo_r,  out->halo_g,  out->halo_b};
    for (int k = 0; k < 9; ++k)
        if (p[k] && !k_aligned(p[k] + i)) return 0;
    return 1;
}

/* Where the vector loop starts. Outputs far larger than the caches (t->stream) are written
 * around them on paths that can: the dots up to sigma_mm's vector alignment go to the scalar
 * kernel, then the loop streams if every output array is aligned alike there. */
static inline size_t k_peel(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                            const smp_dot_look *out, unsigned *bad, int *stream) {
    *stream = 0;
    if (!K_STREAM_ALIGN || !t->stream) return begin;
    size_t head = begin;
    while (head < end && !k_aligned(out->sigma_mm + head)) ++head;
    if (head + W > end || !k_can_stream(out, head)) return begin;
    smp_age_kernel_scalar(t, in, begin, head, out, bad);
    *stream = 1;
    return head;
}

void KERNEL_NAME(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                 const smp_dot_look *out, unsigned *bad) {
    sk_state c;
    sk_init(&c, t);
    VM badm = vm_none();
    int stream;
    size_t i = k_peel(t, in, begin, end, out, bad, &stream);
    for (; i + W <= end; i += W) k_dots(t, &c, in, i, out, stream, &badm);
    if (vm_any(badm)) *bad |= 1u;
    if (stream) k_fence();
    if (W > 1) smp_age_kernel_scalar(t, in, i, end, out, bad); /* fewer than W dots left */
}
