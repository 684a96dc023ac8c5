/*
 * smp/skin.h — the client's skin as an optical medium: its colour and how deep light reaches.
 *
 * Skin is modelled as two layers seen in three bands (R, G, B sampled at 650, 550 and 450 nm):
 * an epidermis whose melanosomes (eumelanin and pheomelanin) absorb on the way in and out, over
 * a semi-infinite dermis whose blood and bloodless tissue absorb and whose collagen scatters.
 * From the published absorption and scattering formulas (docs/MODEL.md) this module derives,
 * per band, the epidermal transmission, the dermal diffuse reflectance, the skin's albedo and
 * the optical penetration depth δ of the dermis. The ink model (smp/age.h) uses δ to say how
 * much a dot at a given depth darkens each band, which is where the blue-grey cast of buried
 * carbon comes from. Monk Skin Tone presets MST1–10 are fitted to Google's published swatches.
 * Fitzpatrick type is carried alongside for sun behaviour only; it never changes the colour.
 *
 *   smp_skin_desc d = {0};            // MST 4, Fitzpatrick III
 *   d.mst = 8;                        // or: d.set = SMP_SKIN_SET_MELANIN; d.melanin_fraction = .3
 *   smp_skin skin;
 *   if (smp_skin_resolve(&d, &skin, &err) != SMP_OK) ...;   // err names the field and range
 *   skin.albedo_linear[0..2]          // what the renderer shades the scalp with
 *
 * Does NOT: model time, ink or dots (smp/age.h), specular reflection or lighting (the renderer),
 * or spectral rendering beyond the three bands.
 */
#ifndef SMP_SKIN_H
#define SMP_SKIN_H

#include "smp/dots.h"
#include "smp/param.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_BANDS = 3 }; /* R, G, B */

/* Wavelength standing for each band, nm: 650, 550, 450. */
extern const double smp_band_nm[SMP_BANDS];

/* Which of the desc's three fractions replace the MST preset's. */
enum {
    SMP_SKIN_SET_MELANIN = 1u << 0,
    SMP_SKIN_SET_EUMELANIN = 1u << 1,
    SMP_SKIN_SET_BLOOD = 1u << 2,
};

/* Valid ranges, inclusive; the same as the scene schema's. */
#define SMP_SKIN_MELANIN_MIN 0.01
#define SMP_SKIN_MELANIN_MAX 0.45
#define SMP_SKIN_BLOOD_MIN   0.001
#define SMP_SKIN_BLOOD_MAX   0.1

/* Ranges and defaults (lo, hi, default: smp/param.h), shared with the scene schema. */
#define SMP_SKIN_MST         1, 10, 4 /* Monk Skin Tone */
#define SMP_SKIN_FITZPATRICK 1, 6, 3  /* I..VI */

typedef struct smp_skin_desc {
    int mst;                 /* Monk Skin Tone (SMP_SKIN_MST): the colour; 0 = default */
    int fitzpatrick;         /* Fitzpatrick I..VI (SMP_SKIN_FITZPATRICK) as 1..6: sun
                                behaviour only; 0 = default */
    unsigned set;            /* SMP_SKIN_SET_* bits; unset fractions come from the MST preset */
    double melanin_fraction; /* epidermal melanosome volume fraction, 0.01..0.45 */
    double eumelanin_share;  /* eumelanin share of the melanin (rest pheomelanin), 0..1 */
    double blood_fraction;   /* dermal blood volume fraction, 0.001..0.1 */
} smp_skin_desc;

/* A resolved skin: everything the model and renderer read, computed once. */
typedef struct smp_skin {
    int mst, fitzpatrick;
    double melanin_fraction, eumelanin_share, blood_fraction;
    double epidermis_mm;                  /* where the dermis begins below the surface */
    double epidermis_transmit[SMP_BANDS]; /* one pass through the epidermis, 0..1 */
    double dermis_reflect[SMP_BANDS];     /* diffuse reflectance of the dermis alone */
    double penetration_mm[SMP_BANDS];     /* dermal optical penetration depth δ */
    double albedo_linear[SMP_BANDS];      /* normal skin, linear RGB */
    /* Per tissue (smp_tissue): the tissue's albedo (scars are paler) and the share of its
     * remitted light that came back from the dermis, the part a buried dot can darken. */
    double tissue_albedo_linear[SMP_TISSUE_COUNT][SMP_BANDS];
    double tissue_dermal_share[SMP_TISSUE_COUNT][SMP_BANDS];
    double ita_deg; /* individual typology angle of albedo_linear (CIELAB, D65) */
} smp_skin;

/* Validates desc (every field: NaN and out-of-range values are refused, the message names the
 * field and its range) and computes the skin. Cost: a few hundred flops. */
smp_status smp_skin_resolve(const smp_skin_desc *desc, smp_skin *out, smp_error *err);

/* The MST preset's fitted fractions (mst 1..10; returns SMP_ERR_INVALID_ARG otherwise). */
smp_status smp_skin_preset(int mst, double *melanin_fraction, double *eumelanin_share,
                           double *blood_fraction, smp_error *err);

/* Google's published MST swatch, sRGB 0..255 (mst 1..10; NULL otherwise). */
const unsigned char *smp_mst_swatch_srgb8(int mst);

/* ---- The published formulas, exposed for tests and docs (λ in nm, results in cm⁻¹). ---- */
double smp_eumelanin_mua(double lambda_nm);   /* 6.6e11 · λ^-3.33          (Jacques 1998) */
double smp_pheomelanin_mua(double lambda_nm); /* 2.9e15 · λ^-4.75      (Donner, Jensen 2006) */
double smp_baseline_mua(double lambda_nm);    /* 0.244 + 85.3·e^(-(λ-154)/66.2) (Jacques) */
/* Whole blood at 150 g/L haemoglobin and 75 % oxygen saturation; bands only (450/550/650),
 * NaN for other wavelengths. */
double smp_blood_mua(double lambda_nm);
double smp_dermis_musp(double lambda_nm); /* 2e12·λ^-4 + 2e5·λ^-1.5            (Jacques) */
/* δ = 1/√(3·μa·(μa+μs')), in mm for coefficients in cm⁻¹. */
double smp_penetration_depth_mm(double mua_per_cm, double musp_per_cm);

/* Linear <-> sRGB transfer for one channel in 0..1. */
double smp_srgb_encode(double linear);
double smp_srgb_decode(double encoded);

/* ITA° classes (Chardon/Del Bino): "very light" (> 55), "light" (> 41), "intermediate"
 * (> 28), "tan" (> 10), "brown" (> -30), "dark". */
const char *smp_ita_class(double ita_deg);

#ifdef __cplusplus
}
#endif
#endif
