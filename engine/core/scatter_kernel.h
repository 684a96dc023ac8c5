/* The Poisson kernel's body, written once over a small vector vocabulary that each ISA file
 * (scatter_sse41.c, scatter_avx2.c, scatter_avx512.c) defines before including it:
 *
 *   VF VI VM W                 float vector, int vector, lane mask, lane count
 *   KERNEL_NAME                the function to define
 *   vi_set1 vi_add vi_xor vi_and vi_srli vi_slli vi_mullo vi_mulhi_u32 vi_lt vi_sel vi_iota
 *   vf_set1 vf_add vf_sub vf_mul vf_min vf_max vf_ge vf_gt vf_sel vf_from_i vi_from_f_trunc
 *   vf_gather vi_gather vf_store vi_store store_u16 store_u8
 *
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
    VI m = vi_set1(0xff);
    VI s = vi_add(vi_add(vi_and(h, m), vi_and(vi_srli(h, 8), m)),
                  vi_add(vi_and(vi_srli(h, 16), m), vi_srli(h, 24)));
    VF sum = vf_add(vf_mul(vf_from_i(s), vf_set1(1.0f / 256.0f)), vf_set1(4.0f / 512.0f));
    return vf_mul(vf_sub(sum, vf_set1(2.0f)), vf_set1(1.7320508f));
}

static inline VF k_clamp(VF x, float lo, float hi) {
    return vf_max(vf_min(x, vf_set1(hi)), vf_set1(lo));
}

static inline VI k_round_u(VF x) { return vi_from_f_trunc(vf_add(x, vf_set1(0.5f))); }

void KERNEL_NAME(const scatter_kernel_ctx *c, uint32_t first, size_t n, const smp_dots *d,
                 size_t o) {
    const scatter_tris *T = c->tris;
    const VI key_col = vi_set1((int)c->key[KEY_COLUMN]), key_coin = vi_set1((int)c->key[KEY_COIN]);
    const VI key_ab = vi_set1((int)c->key[KEY_BETA_AB]), key_cs = vi_set1((int)c->key[KEY_BETA_CS]);
    const VI key_dep = vi_set1((int)c->key[KEY_DEPTH]), key_rad = vi_set1((int)c->key[KEY_RADIUS]);
    const VI key_ink = vi_set1((int)c->key[KEY_INK]);
    const VI tri_count = vi_set1((int)T->count), lo16 = vi_set1(0xffff), lo8 = vi_set1(0xff);
    size_t i = 0;
    for (; i + W <= n; i += W, o += W) {
        VI ctr = vi_add(vi_set1((int)(first + (uint32_t)i)), vi_iota());

        VI col = vi_mulhi_u32(k_hash(key_col, ctr), tri_count);
        VI h1 = k_hash(key_coin, ctr);
        VI col2 = vi_add(col, col);
        VI thr = vi_gather(T->alias, col2);
        VI t = vi_sel(vi_lt(vi_and(h1, lo16), thr), col, vi_gather(T->alias + 1, col2));
        VI line = vi_slli(t, 4); /* SC_TRI_WORDS words a triangle */
        const float *tf = (const float *)(const void *)T->tri;
        const uint32_t *tu = (const uint32_t *)(const void *)T->tri;

        VI hab = k_hash(key_ab, ctr), hcs = k_hash(key_cs, ctr);
        VF v = k_unit16(vi_srli(h1, 16));
        VF ua = k_unit16(vi_and(hab, lo16)), ub = k_unit16(vi_srli(hab, 16));
        VF uc = k_unit16(vi_and(hcs, lo16)), s = k_unit16(vi_srli(hcs, 16));
        VF m = vf_max(vf_min(ua, ub), vf_min(vf_max(ua, ub), uc));
        VF rest = vf_sub(vf_set1(1.0f), m);
        VF q = vf_mul(rest, s);
        VF w = vf_sub(rest, q);
        VM ge0 = vf_ge(v, vf_gather(tf + SC_TRI_C0, line));
        VM ge1 = vf_ge(v, vf_gather(tf + SC_TRI_C1, line));
        VF b0 = vf_sel(ge1, q, vf_sel(ge0, w, m));
        VF b1 = vf_sel(ge1, w, vf_sel(ge0, m, q));
        VF b2 = vf_sel(ge1, m, vf_sel(ge0, q, w));

        for (int k = 0; k < 3; ++k) {
            VF p = vf_add(vf_add(vf_gather(tf + SC_TRI_P0 + k, line),
                                 vf_mul(b1, vf_gather(tf + SC_TRI_E1 + k, line))),
                          vf_mul(b2, vf_gather(tf + SC_TRI_E2 + k, line)));
            vf_store((k == 0 ? d->x : k == 1 ? d->y : d->z) + o, p);
        }
        vi_store(d->normal + o, vi_gather(tu + SC_TRI_NORMAL, line));
        vi_store(d->triangle + o, t);
        store_u16(d->bary_u + o, k_round_u(vf_mul(b1, vf_set1(65535.0f))));
        store_u16(d->bary_v + o, k_round_u(vf_mul(b2, vf_set1(65535.0f))));

        VI t3 = vi_gather(tu + SC_TRI_TISSUE3, line);
        VM big = vf_gt(b1, b0);
        VM top = vf_gt(b2, vf_max(b0, b1));
        VI tis = vi_sel(top, vi_srli(t3, 16), vi_sel(big, vi_srli(t3, 8), t3));
        store_u8(d->tissue + o, vi_and(tis, lo8));

        VF gd = k_normal4(k_hash(key_dep, ctr));
        VF gr = k_normal4(k_hash(key_rad, ctr));
        VF gi = k_normal4(k_hash(key_ink, ctr));
        VF depth = k_clamp(vf_add(vf_set1(c->depth_mean_um), vf_mul(vf_set1(c->depth_sd_um), gd)),
                           0.0f, 5000.0f);
        VF radius =
            k_clamp(vf_add(vf_set1(c->radius_mean_um), vf_mul(vf_set1(c->radius_sd_um), gr)), 1.0f,
                    65535.0f);
        VF ink =
            k_clamp(vf_add(vf_set1(c->ink_mean), vf_mul(vf_set1(c->ink_sd), gi)), 0.0f, 255.0f);
        store_u16(d->depth_um + o, k_round_u(depth));
        store_u16(d->radius_um + o, k_round_u(radius));
        store_u8(d->ink + o, k_round_u(ink));
        memset(d->session + o, c->session, W);
    }
    for (; i < n; ++i, ++o) sc_poisson_dot(c, first + (uint32_t)i, d, o);
}
