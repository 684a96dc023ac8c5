/* The Poisson kernel's body, written once over a small vector vocabulary that each ISA file
 * (scatter_sse41.c, scatter_avx2.c, scatter_avx512.c) defines before including it:
 *
 *   VF VI VM W                 float vector, int vector, lane mask, lane count
 *   KERNEL_NAME                the function to define
 *   vi_set1 vi_add vi_xor vi_and vi_srli vi_mullo vi_sel vi_iota vi_store vi_from_f_trunc
 *   vf_set1 vf_add vf_sub vf_mul vf_min vf_max vf_ge vf_gt vf_sel vf_from_i vf_store
 *   vi_bytesum (the four bytes of each lane added) store_u16 store_u8
 *
 * One call writes one triangle's dots, its data broadcast in registers, W dots a step; the
 * last step writes whole vectors past n unless the remainder is small, which goes dot by dot.
 * Every step mirrors sc_poisson_dot (scatter_internal.h) in the same order with the same
 * rounding, and no step fuses a multiply with an add, so the bits match the scalar path. */

static inline VI k_hash(VI key, VI counter) {
    VI x = vi_add(counter, key);
    x = vi_xor(x, vi_srli(x, 17));
    x = vi_mullo(x, vi_set1((int)0xed5ad4bbu));
    x = vi_xor(x, vi_srli(x, 11));
    x = vi_mullo(x, vi_set1((int)0xac4c1b51u));
    x = vi_xor(x, vi_srli(x, 15));
    x = vi_mullo(x, vi_set1((int)0x31848babu));
    x = vi_xor(x, vi_srli(x, 14));
    return x;
}

static inline VF k_unit16(VI bits16) {
    return vf_add(vf_mul(vf_from_i(bits16), vf_set1(1.0f / 65536.0f)), vf_set1(1.0f / 131072.0f));
}

static inline VF k_normal4(VI h) {
    VI s = vi_bytesum(h);
    VF sum = vf_add(vf_mul(vf_from_i(s), vf_set1(1.0f / 256.0f)), vf_set1(4.0f / 512.0f));
    return vf_mul(vf_sub(sum, vf_set1(2.0f)), vf_set1(1.7320508f));
}

static inline VF k_clamp(VF x, float lo, float hi) {
    return vf_max(vf_min(x, vf_set1(hi)), vf_set1(lo));
}

static inline VI k_round_u(VF x) { return vi_from_f_trunc(vf_add(x, vf_set1(0.5f))); }

void KERNEL_NAME(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t, uint32_t first,
                 size_t n, const smp_dots *d, size_t o) {
    const VI key_coin = vi_set1((int)c->key[KEY_COIN]);
    const VI key_ab = vi_set1((int)c->key[KEY_BETA_AB]), key_cs = vi_set1((int)c->key[KEY_BETA_CS]);
    const VI key_dep = vi_set1((int)c->key[KEY_DEPTH]), key_rad = vi_set1((int)c->key[KEY_RADIUS]);
    const VI key_ink = vi_set1((int)c->key[KEY_INK]);
    const VI lo16 = vi_set1(0xffff), lo8 = vi_set1(0xff);
    const VF c0 = vf_set1(T->c0), c1 = vf_set1(T->c1);
    const VF p0[3] = {vf_set1(T->p0[0]), vf_set1(T->p0[1]), vf_set1(T->p0[2])};
    const VF e1[3] = {vf_set1(T->e1[0]), vf_set1(T->e1[1]), vf_set1(T->e1[2])};
    const VF e2[3] = {vf_set1(T->e2[0]), vf_set1(T->e2[1]), vf_set1(T->e2[2])};
    const VI normal = vi_set1((int)T->normal), tri = vi_set1((int)t);
    const VI t3 = vi_set1((int)T->tissue3);
    const VI t3_b1 = vi_srli(t3, 8), t3_b2 = vi_srli(t3, 16);
    const VF dm = vf_set1(c->depth_mean_um), ds = vf_set1(c->depth_sd_um);
    const VF rm = vf_set1(c->radius_mean_um), rs = vf_set1(c->radius_sd_um);
    const VF im = vf_set1(c->ink_mean), is = vf_set1(c->ink_sd);
    float *restrict x = d->x + o, *restrict y = d->y + o, *restrict z = d->z + o;
    uint32_t *restrict nrm = d->normal + o, *restrict tri_out = d->triangle + o;
    uint16_t *restrict bu = d->bary_u + o, *restrict bv = d->bary_v + o;
    uint16_t *restrict dep = d->depth_um + o, *restrict rad = d->radius_um + o;
    uint8_t *restrict tis_out = d->tissue + o, *restrict ink_out = d->ink + o;
    /* A remainder under a quarter vector is cheaper dot by dot. */
    size_t vec_n = n % W < (W + 3) / 4 ? n - n % W : n;
    size_t i = 0;
    for (; i < vec_n; i += W) {
        VI ctr = vi_add(vi_set1((int)(first + (uint32_t)i)), vi_iota());

        VI h1 = k_hash(key_coin, ctr);
        VI hab = k_hash(key_ab, ctr), hcs = k_hash(key_cs, ctr);
        VF v = k_unit16(vi_srli(h1, 16));
        VF ua = k_unit16(vi_and(hab, lo16)), ub = k_unit16(vi_srli(hab, 16));
        VF uc = k_unit16(vi_and(hcs, lo16)), s = k_unit16(vi_srli(hcs, 16));
        VF m = vf_max(vf_min(ua, ub), vf_min(vf_max(ua, ub), uc));
        VF rest = vf_sub(vf_set1(1.0f), m);
        VF q = vf_mul(rest, s);
        VF w = vf_sub(rest, q);
        VM ge0 = vf_ge(v, c0);
        VM ge1 = vf_ge(v, c1);
        VF b0 = vf_sel(ge1, q, vf_sel(ge0, w, m));
        VF b1 = vf_sel(ge1, w, vf_sel(ge0, m, q));
        VF b2 = vf_sel(ge1, m, vf_sel(ge0, q, w));

        vf_store(x + i, vf_add(vf_add(p0[0], vf_mul(b1, e1[0])), vf_mul(b2, e2[0])));
        vf_store(y + i, vf_add(vf_add(p0[1], vf_mul(b1, e1[1])), vf_mul(b2, e2[1])));
        vf_store(z + i, vf_add(vf_add(p0[2], vf_mul(b1, e1[2])), vf_mul(b2, e2[2])));
        vi_store(nrm + i, normal);
        vi_store(tri_out + i, tri);
        store_u16(bu + i, k_round_u(vf_mul(b1, vf_set1(65535.0f))));
        store_u16(bv + i, k_round_u(vf_mul(b2, vf_set1(65535.0f))));

        VM big = vf_gt(b1, b0);
        VM top = vf_gt(b2, vf_max(b0, b1));
        VI tis = vi_sel(top, t3_b2, vi_sel(big, t3_b1, t3));
        store_u8(tis_out + i, vi_and(tis, lo8));

        VF gd = k_normal4(k_hash(key_dep, ctr));
        VF gr = k_normal4(k_hash(key_rad, ctr));
        VF gi = k_normal4(k_hash(key_ink, ctr));
        VF depth = k_clamp(vf_add(dm, vf_mul(ds, gd)), 0.0f, 5000.0f);
        VF radius = k_clamp(vf_add(rm, vf_mul(rs, gr)), 1.0f, 65535.0f);
        VF ink = k_clamp(vf_add(im, vf_mul(is, gi)), 0.0f, 255.0f);
        store_u16(dep + i, k_round_u(depth));
        store_u16(rad + i, k_round_u(radius));
        store_u8(ink_out + i, k_round_u(ink));
    }
    for (; i < n; ++i) sc_poisson_dot(c, T, t, first + (uint32_t)i, d, o + i);
}
