#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_internal.h"
#include "smp/simd.h"

/* ---- Model constants (docs/MODEL.md gives each one's source or reasoning) ---------------- */

#define DAYS_PER_YEAR 365.25

/* Healing: a third of the deposit is lost within weeks (Bäumler 2015; Engel 2008) with a time
 * constant of about ten days; the fresh mark is twice the healed size. */
#define HEAL_LOSS      0.33
#define HEAL_TAU_YEARS (10.0 / DAYS_PER_YEAR)
#define FRESH_SIZE     2.0
/* Early loss over the first months: visual density 8.7 → 7.7 at 6 months (JCD 2025). */
#define EARLY_LOSS      0.10
#define EARLY_TAU_YEARS 0.125
/* Long-term fading, 1/year: dermal clearance plus a UV term per daily outdoor hour. */
#define FADE_DERMAL_PER_YEAR 0.025
#define FADE_UV_PER_HOUR     0.025
#define SPF_EFFECT_EXPONENT  0.5
/* Temporary pigment, reabsorbed in 2–3 years: retention exp(−(t/τ)³). */
#define TEMPORARY_TAU_YEARS 1.6
/* Shallow deposits are shed with the epidermis: logistic in depth, over about a month. */
#define SHED_DEPTH_MM  0.10
#define SHED_WIDTH_MM  0.015
#define SHED_TAU_YEARS (28.0 / DAYS_PER_YEAR)
/* Spreading: D at the correct depth, D in the loose reticular dermis, and the depth where
 * the one turns into the other; a too-deep deposit also spreads at once ("blowout"). */
#define DIFFUSION_MM2_PER_YEAR      0.0015
#define DIFFUSION_DEEP_MM2_PER_YEAR 0.012
#define BLOWOUT_DEPTH_MM            0.9
#define BLOWOUT_WIDTH_MM            0.08
#define BLOWOUT_VARIANCE_MM2        0.01
/* A healed deposit is a column of pigment along the needle's track: from the dermal–epidermal
 * junction (what lay above it was shed with the epidermis) down to the needle's depth, at most
 * this long (a deeper needle leaves its ink near the tip, in the last part of the track). */
#define COLUMN_MM 0.40
/* Optics of a buried black absorber, fitted to the Monte Carlo of light in skin
 * (tests/mc_skin.c; docs/MODEL.md §3): the depth weight exp(−2 · dermal depth / (s_c · δ_c))
 * per band, and how much a face and the side of the absorber take per unit of their area. */
static const double k_depth_scale[SMP_BANDS] = {1.8, 1.3, 0.8};
#define FACE_EFFICIENCY SMP_OPTICS_FACE_EFFICIENCY
#define SIDE_EFFICIENCY SMP_OPTICS_SIDE_EFFICIENCY
/* Light coming back straight above a deposit's top face is blurred by the epidermis and by the
 * dermis above the face; light taken by its bottom face and sides comes back around it, spread
 * over about the depth it travelled (fitted to the Monte Carlo's peak darkening and half-max
 * radius). */
#define CORE_BLUR_MM           0.08
#define OPTICAL_BLUR_PER_DEPTH 0.5
#define HALO_BASE_MM           0.45
#define HALO_PER_DEPTH         0.5
#define DEFAULT_REDEPOSIT      0.6

/* Per tissue: factor on long-term fading, on early loss, on diffusion. */
static const double k_tissue_fade[SMP_TISSUE_COUNT] = {1.0, 1.75, 1.5, 2.0};
static const double k_tissue_early[SMP_TISSUE_COUNT] = {1.0, 1.8, 1.5, 2.0};
static const double k_tissue_diffusion[SMP_TISSUE_COUNT] = {1.0, 2.5, 2.0, 3.0};
/* Fitzpatrick I..VI: UV reaching the dermis relative to type III. */
static const double k_fitzpatrick_uv[6] = {1.4, 1.2, 1.0, 0.8, 0.6, 0.45};
static const double k_luma[SMP_BANDS] = {0.2126, 0.7152, 0.0722};

struct smp_age_model {
    smp_skin skin;
    smp_age_session sessions[SMP_AGE_MAX_SESSIONS];
    int session_count;
    double uv_rate; /* fading per year from UV, before tissue factors */
    double spread_factor;
    float *ztab; /* AGE_Z_COUNT tables of AGE_Z_LEN floats */
};

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* ---- Optics of a buried deposit ---------------------------------------------------------- */

double smp_depth_weight_length_mm(const smp_skin *skin, int band) {
    return k_depth_scale[band] * skin->penetration_mm[band];
}

double smp_depth_weight(const smp_skin *skin, int band, double z_mm) {
    double dermal = z_mm > skin->epidermis_mm ? z_mm - skin->epidermis_mm : 0.0;
    return exp(-2.0 * dermal / smp_depth_weight_length_mm(skin, band));
}

double smp_depth_weight_integral(const smp_skin *skin, int band, double z0_mm, double z1_mm) {
    if (!(z1_mm > z0_mm)) return 0.0;
    double e = skin->epidermis_mm, half = 0.5 * smp_depth_weight_length_mm(skin, band);
    double sum = 0.0;
    if (z0_mm < e) sum += (z1_mm < e ? z1_mm : e) - z0_mm; /* the weight is 1 above the dermis */
    double a = z0_mm > e ? z0_mm - e : 0.0, b = z1_mm > e ? z1_mm - e : 0.0;
    return sum + half * (exp(-a / half) - exp(-b / half));
}

void smp_column_optics(const smp_skin *skin, double top_mm, double bottom_mm,
                       smp_column_optics_out *out) {
    double e = skin->epidermis_mm;
    double top_dermal = top_mm > e ? top_mm - e : 0.0;
    double bottom_dermal = bottom_mm > e ? bottom_mm - e : 0.0;
    out->top_mm = top_mm;
    out->bottom_mm = bottom_mm;
    out->core_blur_mm = CORE_BLUR_MM + OPTICAL_BLUR_PER_DEPTH * top_dermal;
    out->halo_spread_mm = HALO_BASE_MM + HALO_PER_DEPTH * bottom_dermal;
    for (int b = 0; b < SMP_BANDS; ++b) {
        out->top[b] = FACE_EFFICIENCY * smp_depth_weight(skin, b, top_mm);
        out->bottom[b] = FACE_EFFICIENCY * smp_depth_weight(skin, b, bottom_mm);
        out->side_mm[b] = SIDE_EFFICIENCY * smp_depth_weight_integral(skin, b, top_mm, bottom_mm);
    }
}

void smp_deposit_column(const smp_skin *skin, double depth_mm, double *top_mm) {
    double e = skin->epidermis_mm;
    *top_mm = depth_mm <= e ? depth_mm : fmax(e, depth_mm - COLUMN_MM);
}

void smp_absorber_look(const smp_skin *skin, int tissue, double radius_mm, double top_mm,
                       double bottom_mm, smp_absorber_look_out *out) {
    const double pi = 3.14159265358979323846;
    smp_column_optics_out o;
    smp_column_optics(skin, top_mm, bottom_mm, &o);
    double sd2 = 0.5 * radius_mm * radius_mm; /* the disc's second moment */
    double so2 = sd2 + o.core_blur_mm * o.core_blur_mm;
    double sh2 = so2 + o.halo_spread_mm * o.halo_spread_mm;
    out->core_sigma_mm = sqrt(so2);
    out->halo_sigma_mm = sqrt(sh2);
    for (int b = 0; b < SMP_BANDS; ++b) {
        double q = skin->tissue_dermal_share[tissue][b];
        double core = q * o.top[b] * sd2,
               halo = q * (o.bottom[b] * sd2 + sqrt(2.0 * sd2) * o.side_mm[b]);
        out->sigma_eff_mm2[b] = 2.0 * pi * (core + halo);
        out->core_peak[b] = core / so2;
        out->halo_peak[b] = halo / sh2;
        out->peak[b] =
            1.0 - (1.0 - fmin(out->core_peak[b], 1.0)) * (1.0 - fmin(out->halo_peak[b], 1.0));
    }
}

static smp_status check(const char *field, double v, double lo, double hi, const char *unit,
                        smp_error *err) {
    if (!(v >= lo && v <= hi))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: found %g, expected %g to %g%s", field,
                             v, lo, hi, unit);
    return SMP_OK;
}

static smp_status check_session(const smp_age_session *s, int i, double prev_t, smp_error *err) {
    char f[64];
#define CHECK(name, v, lo, hi, unit)                                                               \
    do {                                                                                           \
        snprintf(f, sizeof f, "sessions[%d].%s", i, name);                                         \
        if (check(f, v, lo, hi, unit, err) != SMP_OK) return SMP_ERR_INVALID_ARG;                  \
    } while (0)
    CHECK("t_years", s->t_years, i ? prev_t : 0.0, i ? 200.0 : 0.0,
          i ? " years (dates in order)" : " (the first session is year 0)");
    if (s->touch_up != 0 && s->touch_up != 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "sessions[%d].touch_up: found %d, expected 0 or 1", i, s->touch_up);
    if (s->ink_class != SMP_INK_CARBON && s->ink_class != SMP_INK_TEMPORARY)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "sessions[%d].ink_class: found %d, expected SMP_INK_CARBON or "
                             "SMP_INK_TEMPORARY",
                             i, (int)s->ink_class);
    CHECK("dilution", s->dilution, SMP_PARAM_LO(SMP_AGE_DILUTION), SMP_PARAM_HI(SMP_AGE_DILUTION),
          "");
    CHECK("redeposit", s->redeposit, 0.0, 1.0, "");
    if (s->tissues >> SMP_TISSUE_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "sessions[%d].tissues: found 0x%x, expected bits below 0x%x", i,
                             s->tissues, 1u << SMP_TISSUE_COUNT);
    if (s->density_per_cm2 != 0.0) CHECK("density_per_cm2", s->density_per_cm2, 0.0, 400.0, "");
    if (s->radius_mm != 0.0) CHECK("radius_mm", s->radius_mm, 0.02, 0.5, " mm");
    if (s->depth_mm != 0.0) CHECK("depth_mm", s->depth_mm, 0.01, 5.0, " mm");
#undef CHECK
    return SMP_OK;
}

/* Fills the AGE_Z_COUNT per-micrometre depth tables (age_internal.h) for this skin. */
static void depth_tables(const smp_skin *skin, float *ztab) {
    for (int z = 0; z < AGE_Z_LEN; ++z) {
        double zmm = z * 0.001;
        double top;
        smp_deposit_column(skin, zmm, &top);
        smp_column_optics_out o;
        smp_column_optics(skin, top, zmm, &o);
        double deep = logistic((zmm - BLOWOUT_DEPTH_MM) / BLOWOUT_WIDTH_MM);
        ztab[AGE_Z_LSHED * AGE_Z_LEN + z] =
            (float)(1.0 - logistic((zmm - SHED_DEPTH_MM) / SHED_WIDTH_MM));
        ztab[AGE_Z_VBLOW * AGE_Z_LEN + z] = (float)(BLOWOUT_VARIANCE_MM2 * deep);
        ztab[AGE_Z_D * AGE_Z_LEN + z] =
            (float)(DIFFUSION_MM2_PER_YEAR +
                    (DIFFUSION_DEEP_MM2_PER_YEAR - DIFFUSION_MM2_PER_YEAR) * deep);
        ztab[AGE_Z_BLUR * AGE_Z_LEN + z] = (float)(o.core_blur_mm * o.core_blur_mm);
        ztab[AGE_Z_HALO2 * AGE_Z_LEN + z] = (float)(o.halo_spread_mm * o.halo_spread_mm);
        for (int b = 0; b < SMP_BANDS; ++b) {
            ztab[(AGE_Z_W_R + b) * AGE_Z_LEN + z] = (float)o.top[b];
            ztab[(AGE_Z_WB_R + b) * AGE_Z_LEN + z] = (float)o.bottom[b];
            ztab[(AGE_Z_I_R + b) * AGE_Z_LEN + z] = (float)o.side_mm[b];
        }
    }
}

smp_status smp_age_create(const smp_age_desc *desc, smp_age_model **out, smp_error *err) {
    *out = NULL;
    if (!desc || !desc->skin)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "age: skin: missing (smp_skin_resolve)");
    if (desc->session_count < 1 || desc->session_count > SMP_AGE_MAX_SESSIONS || !desc->sessions)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "age: session_count: found %d, expected 1 to %d sessions",
                             desc->session_count, SMP_AGE_MAX_SESSIONS);
    const smp_skin *skin = desc->skin;
    if (skin->fitzpatrick < 1 || skin->fitzpatrick > 6 || !(skin->penetration_mm[0] > 0.0))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "age: skin: not resolved (fill it with smp_skin_resolve)");
    if (check("age: outdoor_hours_per_day", desc->outdoor_hours_per_day,
              SMP_PARAM_LO(SMP_AGE_OUTDOOR_HOURS), SMP_PARAM_HI(SMP_AGE_OUTDOOR_HOURS), " h/day",
              err) != SMP_OK)
        return SMP_ERR_INVALID_ARG;
    double spf =
        desc->sunscreen_spf == 0.0 ? SMP_PARAM_DEFAULT(SMP_AGE_SUNSCREEN_SPF) : desc->sunscreen_spf;
    if (check("age: sunscreen_spf", spf, SMP_PARAM_LO(SMP_AGE_SUNSCREEN_SPF),
              SMP_PARAM_HI(SMP_AGE_SUNSCREEN_SPF), " (1 = none)", err) != SMP_OK)
        return SMP_ERR_INVALID_ARG;
    double spread = desc->spread_factor == 0.0 ? 1.0 : desc->spread_factor;
    if (check("age: spread_factor", spread, 0.1, 10.0, "", err) != SMP_OK)
        return SMP_ERR_INVALID_ARG;
    for (int i = 0; i < desc->session_count; ++i)
        if (check_session(&desc->sessions[i], i, i ? desc->sessions[i - 1].t_years : 0.0, err) !=
            SMP_OK) {
            smp_error_prefix(err, "age");
            return SMP_ERR_INVALID_ARG;
        }

    smp_age_model *m = calloc(1, sizeof *m);
    float *ztab = m ? malloc(sizeof(float) * AGE_Z_COUNT * AGE_Z_LEN) : NULL;
    if (!ztab) {
        free(m);
        return smp_error_set(err, SMP_ERR_NOMEM, "age: out of memory for the depth tables");
    }
    m->skin = *skin;
    m->session_count = desc->session_count;
    for (int i = 0; i < desc->session_count; ++i) {
        smp_age_session s = desc->sessions[i];
        if (s.touch_up && s.redeposit == 0.0) s.redeposit = DEFAULT_REDEPOSIT;
        if (!s.touch_up) s.redeposit = 0.0;
        if (s.tissues == 0) s.tissues = (1u << SMP_TISSUE_COUNT) - 1;
        if (s.density_per_cm2 == 0.0 && !s.touch_up) s.density_per_cm2 = 27.0;
        if (s.radius_mm == 0.0) s.radius_mm = 0.075;
        if (s.depth_mm == 0.0) s.depth_mm = 0.4;
        m->sessions[i] = s;
    }
    m->uv_rate = FADE_UV_PER_HOUR * desc->outdoor_hours_per_day *
                 k_fitzpatrick_uv[skin->fitzpatrick - 1] * pow(spf, -SPF_EFFECT_EXPONENT);
    m->spread_factor = spread;
    m->ztab = ztab;

    depth_tables(skin, ztab);
    *out = m;
    return SMP_OK;
}

void smp_age_destroy(smp_age_model *m) {
    if (!m) return;
    free(m->ztab);
    free(m);
}

int smp_age_session_count(const smp_age_model *m) { return m->session_count; }

const smp_skin *smp_age_skin(const smp_age_model *m) { return &m->skin; }

double smp_age_healed_years(const smp_age_model *m) {
    return m->sessions[m->session_count - 1].t_years + SMP_HEALED_DAYS / DAYS_PER_YEAR;
}

/* ---- Time: everything that depends on t, once per (session, tissue) ---------------------- */

/* Fraction of a deposit of this ink in this tissue left tau years after it was laid. */
static double retention(const smp_age_model *m, double tau, smp_ink_class ink, int tissue) {
    double heal = (1.0 - HEAL_LOSS) + HEAL_LOSS * exp(-tau / HEAL_TAU_YEARS);
    double early = 1.0 - EARLY_LOSS * k_tissue_early[tissue] * (1.0 - exp(-tau / EARLY_TAU_YEARS));
    double rate = k_tissue_fade[tissue] * (FADE_DERMAL_PER_YEAR + m->uv_rate);
    double r = heal * early * exp(-rate * tau);
    if (ink == SMP_INK_TEMPORARY) r *= exp(-pow(tau / TEMPORARY_TAU_YEARS, 3.0));
    return r;
}

static double shed_clock(double tau) { return 1.0 - exp(-tau / SHED_TAU_YEARS); }

/* Fills sk[AGE_SK_COUNT][session_count · 4]. */
static void time_factors(const smp_age_model *m, double t, float *sk, int stride) {
    for (int s = 0; s < m->session_count; ++s)
        for (int k = 0; k < SMP_TISSUE_COUNT; ++k) {
            const smp_age_session *ses = &m->sessions[s];
            double tau = t - ses->t_years;
            double f[AGE_SK_COUNT] = {0};
            double fs = 0.0;
            if (tau >= 0.0) {
                double pown = retention(m, tau, ses->ink_class, k);
                double heal = (1.0 - HEAL_LOSS) + HEAL_LOSS * exp(-tau / HEAL_TAU_YEARS);
                double swell = 1.0 + (FRESH_SIZE - 1.0) * exp(-tau / HEAL_TAU_YEARS);
                fs = HEAL_LOSS * exp(-tau / HEAL_TAU_YEARS) / heal;
                f[AGE_SK_POWN] = pown;
                f[AGE_SK_PH] = pown * shed_clock(tau);
                f[AGE_SK_D2T] = 2.0 * tau * k_tissue_diffusion[k] * m->spread_factor;
                f[AGE_SK_SWELL2] = swell * swell - 1.0;
                for (int u = s + 1; u < m->session_count; ++u) {
                    const smp_age_session *tu = &m->sessions[u];
                    double tau_u = t - tu->t_years;
                    if (!tu->touch_up || tau_u < 0.0 || !(tu->tissues & (1u << k))) continue;
                    double add = tu->redeposit * (1.0 - tu->dilution) *
                                 retention(m, tau_u, tu->ink_class, k);
                    f[AGE_SK_ADD] += add;
                    f[AGE_SK_ADDH] += add * shed_clock(tau_u);
                }
            }
            f[AGE_SK_FS] = fs;
            for (int b = 0; b < SMP_BANDS; ++b)
                f[AGE_SK_QF_R + b] = m->skin.tissue_dermal_share[k][b] * (1.0 - fs);
            for (int i = 0; i < AGE_SK_COUNT; ++i) sk[i * stride + s * 4 + k] = (float)f[i];
        }
}

static void make_tables(const smp_age_model *m, const float *sk, int stride, age_tables *t) {
    for (int i = 0; i < AGE_Z_COUNT; ++i) t->z[i] = m->ztab + (size_t)i * AGE_Z_LEN;
    for (int i = 0; i < AGE_SK_COUNT; ++i) t->sk[i] = sk + (size_t)i * stride;
    t->session_count = m->session_count;
    t->stream = 0;
}

/* ---- Evaluation -------------------------------------------------------------------------- */

/* One kernel per path, in smp_simd_path's order: a path added without its kernel here fails to
 * compile. Paths this build or CPU cannot run are refused before the table is read. */
#if defined(__x86_64__) || defined(__i386__)
#define AGE_X86_KERNEL(fn) fn
#else
#define AGE_X86_KERNEL(fn) smp_age_kernel_scalar
#endif
static const age_kernel_fn k_kernels[] = {
    smp_age_kernel_scalar,                 /* SMP_SIMD_SCALAR */
    AGE_X86_KERNEL(smp_age_kernel_sse41),  /* SMP_SIMD_SSE41 */
    AGE_X86_KERNEL(smp_age_kernel_avx2),   /* SMP_SIMD_AVX2 */
    AGE_X86_KERNEL(smp_age_kernel_avx512), /* SMP_SIMD_AVX512 */
    smp_age_kernel_scalar,                 /* SMP_SIMD_NEON: the model has no NEON kernel */
};
_Static_assert(sizeof k_kernels / sizeof k_kernels[0] == SMP_SIMD_COUNT,
               "one ageing kernel per smp_simd_path");

/* Names the first offending dot; only runs when a kernel flagged one. */
static smp_status first_bad_dot(const smp_age_model *m, const smp_dot_attrs *in, size_t first,
                                size_t count, smp_error *err) {
    for (size_t i = first; i < first + count; ++i) {
        if (in->depth_um[i] > SMP_AGE_MAX_DEPTH_UM)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "age: dot %zu: depth_um: found %u, expected 0 to %d", i,
                                 in->depth_um[i], SMP_AGE_MAX_DEPTH_UM);
        if (in->radius_um[i] == 0)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "age: dot %zu: radius_um: found 0, expected 1 to 65535", i);
        if (in->session[i] >= m->session_count)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "age: dot %zu: session: found %u, expected 0 to %d", i,
                                 in->session[i], m->session_count - 1);
        if (in->tissue[i] >= SMP_TISSUE_COUNT)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "age: dot %zu: tissue: found %u, expected 0 to %d", i,
                                 in->tissue[i], SMP_TISSUE_COUNT - 1);
    }
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "age: a dot is out of range");
}

static smp_status check_year(double t, smp_error *err) {
    return check("age: t_years", t, 0.0, 200.0, " years", err);
}

smp_status smp_age_eval_path(const smp_age_model *m, double t_years, const smp_dot_attrs *in,
                             size_t first, size_t count, const smp_dot_look *out, int threads,
                             smp_simd_path path, smp_error *err) {
    if (check_year(t_years, err) != SMP_OK) return SMP_ERR_INVALID_ARG;
    if (threads < 0 || threads > 256)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "age: threads: found %d, expected 0 (OpenMP's default) to 256",
                             threads);
    if (!smp_simd_supported(path))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "age: this CPU cannot run the %s path",
                             smp_simd_name(path) ? smp_simd_name(path) : "?");
    if (!in || !out || !out->sigma_mm || !out->trans_r || !out->trans_g || !out->trans_b ||
        (out->halo_sigma_mm && (!out->halo_r || !out->halo_g || !out->halo_b)) ||
        (count && (!in->radius_um || !in->depth_um || !in->ink || !in->session || !in->tissue)))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "age: a dot or output array is NULL");
    if (count == 0) return SMP_OK;

    float sk[AGE_SK_COUNT * SMP_AGE_MAX_SESSIONS * 4] = {0}; /* vector paths load whole rows */
    const int stride = SMP_AGE_MAX_SESSIONS * 4;
    time_factors(m, t_years, sk, stride);
    age_tables t;
    make_tables(m, sk, stride, &t);
    age_kernel_fn kernel = k_kernels[path];
    /* Outputs that cannot stay in cache are written around it: no read-for-ownership of lines
     * that are about to be overwritten whole. */
    t.stream = count >= ((size_t)1 << 20);

    /* Fixed chunks: which thread runs a chunk never changes a result. */
    const size_t chunk = 16384;
    const long chunks = (long)((count + chunk - 1) / chunk);
    unsigned bad = 0;
    int nthreads = threads ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(nthreads) reduction(| : bad)
    for (long c = 0; c < chunks; ++c) {
        size_t b = first + (size_t)c * chunk;
        size_t e = b + chunk < first + count ? b + chunk : first + count;
        kernel(&t, in, b, e, out, &bad);
    }
    if (bad) return first_bad_dot(m, in, first, count, err);
    return SMP_OK;
}

smp_status smp_age_eval(const smp_age_model *m, double t_years, const smp_dot_attrs *in,
                        size_t first, size_t count, const smp_dot_look *out, int threads,
                        smp_error *err) {
    return smp_age_eval_path(m, t_years, in, first, count, out, threads, smp_simd_active(), err);
}

/* One dot's outputs as the kernels' arrays, each one long. */
static smp_dot_look look_of(smp_dot_state *o) {
    smp_dot_look look = {&o->sigma_mm,      &o->pigment,       &o->trans[0],
                         &o->trans[1],      &o->trans[2],      &o->halo_sigma_mm,
                         &o->halo_trans[0], &o->halo_trans[1], &o->halo_trans[2]};
    return look;
}

smp_status smp_age_dot(const smp_age_model *m, double t_years, unsigned radius_um,
                       unsigned depth_um, unsigned ink, unsigned session, unsigned tissue,
                       smp_dot_state *out, smp_error *err) {
    if (radius_um > 65535 || depth_um > 65535 || ink > 255 || session > 255 || tissue > 255)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "age: dot field wider than the dot set stores (radius %u, depth %u, "
                             "ink %u, session %u, tissue %u)",
                             radius_um, depth_um, ink, session, tissue);
    uint16_t r = (uint16_t)radius_um, z = (uint16_t)depth_um;
    uint8_t i8 = (uint8_t)ink, s = (uint8_t)session, k = (uint8_t)tissue;
    smp_dot_attrs in = {&r, &z, &i8, &s, &k};
    smp_dot_look look = look_of(out);
    return smp_age_eval_path(m, t_years, &in, 0, 1, &look, 1, SMP_SIMD_SCALAR, err);
}

/* ---- The treated area ------------------------------------------------------------------- */

/* A session's typical dot (its radius, depth and dilution) on one tissue, on the scalar kernel;
 * the model's checks keep every field in the tables' range. */
static void typical_dot(const age_tables *t, const smp_age_session *ses, int session,
                        smp_tissue tissue, smp_dot_state *o) {
    double r_um = floor(ses->radius_mm * 1000.0 + 0.5);
    double z_um = floor(ses->depth_mm * 1000.0 + 0.5);
    double ink = floor((1.0 - ses->dilution) * 255.0 + 0.5);
    uint16_t r = (uint16_t)r_um, z = (uint16_t)(z_um < 65535 ? z_um : 65535);
    uint8_t i8 = (uint8_t)ink, s = (uint8_t)session, k = (uint8_t)tissue;
    smp_dot_attrs in = {&r, &z, &i8, &s, &k};
    smp_dot_look look = look_of(o);
    unsigned bad = 0;
    smp_age_kernel_scalar(t, &in, 0, 1, &look, &bad);
}

smp_status smp_age_area(const smp_age_model *m, double t_years, smp_tissue tissue,
                        smp_area_state *out, smp_error *err) {
    if (check_year(t_years, err) != SMP_OK) return SMP_ERR_INVALID_ARG;
    if ((unsigned)tissue >= SMP_TISSUE_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "age: tissue: found %d, expected 0 to %d",
                             (int)tissue, SMP_TISSUE_COUNT - 1);
    float sk[AGE_SK_COUNT * SMP_AGE_MAX_SESSIONS * 4];
    const int stride = SMP_AGE_MAX_SESSIONS * 4;
    time_factors(m, t_years, sk, stride);
    age_tables t;
    make_tables(m, sk, stride, &t);
    const double *albedo = m->skin.tissue_albedo_linear[tissue];
    double y_skin = 0.0;
    for (int b = 0; b < SMP_BANDS; ++b) y_skin += k_luma[b] * albedo[b];

    smp_area_state a = {0};
    double n_total = 0.0, optical[SMP_BANDS] = {0};
    for (int s = 0; s < m->session_count; ++s) {
        const smp_age_session *ses = &m->sessions[s];
        if (t_years < ses->t_years) continue;
        smp_dot_state o;
        typical_dot(&t, ses, s, tissue, &o);
        double n = ses->density_per_cm2, y_dot = 0.0, sigma = o.sigma_mm, halo = o.halo_sigma_mm;
        for (int b = 0; b < SMP_BANDS; ++b) {
            double tr = o.trans[b] * o.halo_trans[b];
            y_dot += k_luma[b] * albedo[b] * tr;
            a.dot_trans[b] += n * tr;
            /* per mm²: n/100 dots, each removing the integral of its core and halo */
            optical[b] +=
                n * 0.01 * 2.0 * 3.14159265358979 *
                ((1.0 - o.trans[b]) * sigma * sigma + (1.0 - o.halo_trans[b]) * halo * halo);
        }
        a.dot_contrast += n * (1.0 - y_dot / y_skin);
        a.sigma_mm += n * sigma;
        n_total += n;
    }
    if (n_total > 0.0) {
        a.dot_contrast /= n_total;
        a.sigma_mm /= n_total;
        double y_area = 0.0;
        for (int b = 0; b < SMP_BANDS; ++b) {
            a.dot_trans[b] /= n_total;
            a.area_trans[b] = exp(-optical[b]);
            y_area += k_luma[b] * albedo[b] * a.area_trans[b];
        }
        a.cover_contrast = 1.0 - y_area / y_skin;
    } else {
        for (int b = 0; b < SMP_BANDS; ++b) a.dot_trans[b] = a.area_trans[b] = 1.0;
    }
    *out = a;
    return SMP_OK;
}

/* ---- Uniforms for shaders/model.glsl ----------------------------------------------------- */

smp_status smp_age_uniforms(const smp_age_model *m, double t_years, float *sk, float *consts,
                            smp_error *err) {
    if (check_year(t_years, err) != SMP_OK) return SMP_ERR_INVALID_ARG;
    if (m->session_count > SMP_AGE_GLSL_MAX_SESSIONS)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "age: %d sessions, the shaders hold at most %d", m->session_count,
                             SMP_AGE_GLSL_MAX_SESSIONS);
    float soa[AGE_SK_COUNT * SMP_AGE_MAX_SESSIONS * 4];
    const int stride = SMP_AGE_MAX_SESSIONS * 4;
    time_factors(m, t_years, soa, stride);
    for (int p = 0; p < m->session_count * 4; ++p) {
        for (int i = 0; i < SMP_AGE_SK_FLOATS; ++i)
            sk[p * SMP_AGE_SK_FLOATS + i] = i < AGE_SK_COUNT ? soa[i * stride + p] : 0.0f;
    }
    float c[SMP_AGE_CONST_FLOATS] = {
        (float)m->skin.epidermis_mm,
        (float)smp_depth_weight_length_mm(&m->skin, 0),
        (float)smp_depth_weight_length_mm(&m->skin, 1),
        (float)smp_depth_weight_length_mm(&m->skin, 2),
        (float)SHED_DEPTH_MM,
        (float)SHED_WIDTH_MM,
        (float)BLOWOUT_DEPTH_MM,
        (float)BLOWOUT_WIDTH_MM,
        (float)BLOWOUT_VARIANCE_MM2,
        (float)DIFFUSION_MM2_PER_YEAR,
        (float)DIFFUSION_DEEP_MM2_PER_YEAR,
        (float)OPTICAL_BLUR_PER_DEPTH,
        AGE_KAPPA,
        AGE_SIGMA_PER_UM,
        (float)COLUMN_MM,
        (float)FACE_EFFICIENCY,
        (float)CORE_BLUR_MM,
        (float)HALO_BASE_MM,
        (float)HALO_PER_DEPTH,
        (float)SIDE_EFFICIENCY,
    };
    memcpy(consts, c, sizeof c);
    return SMP_OK;
}
