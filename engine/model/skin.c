#include "smp/skin.h"

#include <math.h>
#include <stddef.h>

#include "smp/colour.h"

const double smp_band_nm[SMP_BANDS] = {650.0, 550.0, 450.0};

/* Haemoglobin molar extinction, cm⁻¹/M, at the three band wavelengths (Prahl's compilation of
 * Gratzer and Kollias): oxy, deoxy. */
static const double k_hbo2_ext[SMP_BANDS] = {368.0, 43016.0, 62816.0};
static const double k_hb_ext[SMP_BANDS] = {3750.12, 53412.0, 103292.0};
static const double k_blood_hb_g_per_l = 150.0;
static const double k_hb_g_per_mol = 64500.0;
static const double k_blood_saturation = 0.75; /* assumption: mixed arterial/venous dermis */

/* Scalp epidermis thickness (Selcuk Med J), and the fitted constants of the reflectance model
 * (docs/MODEL.md, "Skin colour"): the effective path of diffuse light through the epidermis,
 * the share of that light which slips between melanin clusters (the packaging or sieve effect),
 * the fraction the epidermis itself scatters back before reaching the dermis (it never sees a
 * dot buried below it), and a display gain that maps the model's albedo onto the swatches. */
#define EPIDERMIS_MM       0.066
#define EPIDERMIS_PATH_MM  0.231
#define MELANIN_SIEVE      0.129
#define EPIDERMIS_REMIT    0.095
#define DISPLAY_GAIN       1.487
#define SKIN_REFRACTIVE_IX 1.4

/* Scar tissue: fewer melanocytes and a thinner capillary bed than the skin around it
 * (assumption, docs/MODEL.md): scale factors on melanin and blood. */
static const double k_scar_melanin[SMP_TISSUE_COUNT] = {1.0, 0.55, 0.45, 0.3};
static const double k_scar_blood[SMP_TISSUE_COUNT] = {1.0, 0.7, 0.8, 0.5};

/* MST presets: melanin fraction, eumelanin share, blood fraction, fitted to the swatches in
 * CIELAB together with the constants above, keeping melanin increasing with MST, blood within a
 * physiological range, and enough light reaching the dermis of the darkest skins for dots to
 * show (they do, clinically). ΔE76 per preset: docs/MODEL.md. */
static const double k_mst_preset[10][3] = {
    {0.0100, 0.00, 0.0020}, {0.0120, 0.00, 0.0020}, {0.0140, 0.00, 0.0020}, {0.0173, 0.08, 0.0020},
    {0.0282, 1.00, 0.0020}, {0.0885, 1.00, 0.0020}, {0.1668, 1.00, 0.0020}, {0.2572, 1.00, 0.0020},
    {0.4200, 1.00, 0.0020}, {0.4500, 1.00, 0.0051},
};

static const unsigned char k_mst_swatch[10][3] = {
    {0xf6, 0xed, 0xe4}, {0xf3, 0xe7, 0xdb}, {0xf7, 0xea, 0xd0}, {0xea, 0xda, 0xba},
    {0xd7, 0xbd, 0x96}, {0xa0, 0x7e, 0x56}, {0x82, 0x5c, 0x43}, {0x60, 0x41, 0x34},
    {0x3a, 0x31, 0x2a}, {0x29, 0x24, 0x20},
};

double smp_eumelanin_mua(double lambda_nm) { return 6.6e11 * pow(lambda_nm, -3.33); }
double smp_pheomelanin_mua(double lambda_nm) { return 2.9e15 * pow(lambda_nm, -4.75); }
double smp_baseline_mua(double lambda_nm) {
    return 0.244 + 85.3 * exp(-(lambda_nm - 154.0) / 66.2);
}
double smp_dermis_musp(double lambda_nm) {
    return 2e12 * pow(lambda_nm, -4.0) + 2e5 * pow(lambda_nm, -1.5);
}

double smp_blood_mua(double lambda_nm) {
    for (int b = 0; b < SMP_BANDS; ++b)
        if (lambda_nm == smp_band_nm[b]) {
            double molar = k_blood_hb_g_per_l / k_hb_g_per_mol;
            double ext =
                k_blood_saturation * k_hbo2_ext[b] + (1.0 - k_blood_saturation) * k_hb_ext[b];
            return log(10.0) * ext * molar;
        }
    return NAN;
}

double smp_penetration_depth_mm(double mua, double musp) {
    return 10.0 / sqrt(3.0 * mua * (mua + musp));
}

double smp_srgb_encode(double c) {
    if (c <= 0.0031308) return 12.92 * c;
    return 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}

double smp_srgb_decode(double c) {
    if (c <= 0.04045) return c / 12.92;
    return pow((c + 0.055) / 1.055, 2.4);
}

/* Total diffuse reflectance of a semi-infinite scattering medium in the dipole approximation
 * (Jensen et al. 2001), from its reduced albedo; the boundary term uses the skin's index. */
static double dipole_reflectance(double mua, double musp) {
    const double eta = SKIN_REFRACTIVE_IX;
    double fdr = -1.440 / (eta * eta) + 0.710 / eta + 0.668 + 0.0636 * eta;
    double a_boundary = (1.0 + fdr) / (1.0 - fdr);
    double albedo = musp / (mua + musp);
    double s = sqrt(3.0 * (1.0 - albedo));
    return 0.5 * albedo * (1.0 + exp(-4.0 / 3.0 * a_boundary * s)) * exp(-s);
}

typedef struct layer_optics {
    double t_epi[SMP_BANDS], r_derm[SMP_BANDS], delta_mm[SMP_BANDS];
    double albedo[SMP_BANDS], dermal_share[SMP_BANDS];
} layer_optics;

static void skin_optics(double melanin, double eumelanin, double blood, layer_optics *o) {
    for (int b = 0; b < SMP_BANDS; ++b) {
        double nm = smp_band_nm[b];
        double base = smp_baseline_mua(nm);
        double mel =
            eumelanin * smp_eumelanin_mua(nm) + (1.0 - eumelanin) * smp_pheomelanin_mua(nm);
        double mua_epi = melanin * mel + (1.0 - melanin) * base;
        double mua_derm = blood * smp_blood_mua(nm) + (1.0 - blood) * base;
        double musp = smp_dermis_musp(nm);
        /* cm⁻¹ · mm → optical depth; part of the light misses the melanin clusters */
        double t = (1.0 - MELANIN_SIEVE) * exp(-mua_epi * EPIDERMIS_PATH_MM * 0.1) +
                   MELANIN_SIEVE * exp(-base * EPIDERMIS_PATH_MM * 0.1);
        double r = dipole_reflectance(mua_derm, musp);
        double from_surface = EPIDERMIS_REMIT * t;
        double from_dermis = t * t * r;
        o->t_epi[b] = t;
        o->r_derm[b] = r;
        o->delta_mm[b] = smp_penetration_depth_mm(mua_derm, musp);
        o->albedo[b] = DISPLAY_GAIN * (from_surface + from_dermis);
        o->dermal_share[b] = from_dermis / (from_surface + from_dermis);
    }
}

const unsigned char *smp_mst_swatch_srgb8(int mst) {
    return mst >= 1 && mst <= 10 ? k_mst_swatch[mst - 1] : NULL;
}

smp_status smp_skin_preset(int mst, double *melanin, double *eumelanin, double *blood,
                           smp_error *err) {
    if (mst < 1 || mst > 10)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "skin.mst: found %d, expected a whole number from 1 to 10", mst);
    *melanin = k_mst_preset[mst - 1][0];
    *eumelanin = k_mst_preset[mst - 1][1];
    *blood = k_mst_preset[mst - 1][2];
    return SMP_OK;
}

static smp_status check_range(const char *field, double v, double lo, double hi, smp_error *err) {
    if (!(v >= lo && v <= hi)) /* also refuses NaN */
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: found %g, expected %g to %g", field, v,
                             lo, hi);
    return SMP_OK;
}

smp_status smp_skin_resolve(const smp_skin_desc *desc, smp_skin *out, smp_error *err) {
    smp_skin_desc d = desc ? *desc : (smp_skin_desc){0};
    int mst = d.mst ? d.mst : SMP_PARAM_DEFAULT(SMP_SKIN_MST);
    int fitz = d.fitzpatrick ? d.fitzpatrick : SMP_PARAM_DEFAULT(SMP_SKIN_FITZPATRICK);
    if (mst < SMP_PARAM_LO(SMP_SKIN_MST) || mst > SMP_PARAM_HI(SMP_SKIN_MST))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "skin.mst: found %d, expected a whole number from %d to %d", d.mst,
                             SMP_PARAM_LO(SMP_SKIN_MST), SMP_PARAM_HI(SMP_SKIN_MST));
    if (fitz < SMP_PARAM_LO(SMP_SKIN_FITZPATRICK) || fitz > SMP_PARAM_HI(SMP_SKIN_FITZPATRICK))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "skin.fitzpatrick: found %d, expected a whole number from %d to %d",
                             d.fitzpatrick, SMP_PARAM_LO(SMP_SKIN_FITZPATRICK),
                             SMP_PARAM_HI(SMP_SKIN_FITZPATRICK));
    if (d.set & ~(unsigned)(SMP_SKIN_SET_MELANIN | SMP_SKIN_SET_EUMELANIN | SMP_SKIN_SET_BLOOD))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "skin.set: found 0x%x, expected SMP_SKIN_SET_* bits", d.set);
    double mel, eu, blood;
    smp_skin_preset(mst, &mel, &eu, &blood, NULL);
    if (d.set & SMP_SKIN_SET_MELANIN) {
        if (check_range("skin.melanin_fraction", d.melanin_fraction, SMP_SKIN_MELANIN_MIN,
                        SMP_SKIN_MELANIN_MAX, err) != SMP_OK)
            return SMP_ERR_INVALID_ARG;
        mel = d.melanin_fraction;
    }
    if (d.set & SMP_SKIN_SET_EUMELANIN) {
        if (check_range("skin.eumelanin_share", d.eumelanin_share, 0.0, 1.0, err) != SMP_OK)
            return SMP_ERR_INVALID_ARG;
        eu = d.eumelanin_share;
    }
    if (d.set & SMP_SKIN_SET_BLOOD) {
        if (check_range("skin.blood_fraction", d.blood_fraction, SMP_SKIN_BLOOD_MIN,
                        SMP_SKIN_BLOOD_MAX, err) != SMP_OK)
            return SMP_ERR_INVALID_ARG;
        blood = d.blood_fraction;
    }

    smp_skin s = {.mst = mst, .fitzpatrick = fitz};
    s.melanin_fraction = mel;
    s.eumelanin_share = eu;
    s.blood_fraction = blood;
    s.epidermis_mm = EPIDERMIS_MM;
    for (int k = 0; k < SMP_TISSUE_COUNT; ++k) {
        layer_optics o;
        skin_optics(mel * k_scar_melanin[k], eu, blood * k_scar_blood[k], &o);
        for (int b = 0; b < SMP_BANDS; ++b) {
            s.tissue_albedo_linear[k][b] = o.albedo[b];
            s.tissue_dermal_share[k][b] = o.dermal_share[b];
            if (k == SMP_TISSUE_SKIN) {
                s.epidermis_transmit[b] = o.t_epi[b];
                s.dermis_reflect[b] = o.r_derm[b];
                s.penetration_mm[b] = o.delta_mm[b];
                s.albedo_linear[b] = o.albedo[b];
            }
        }
    }
    double lab[3];
    smp_linear_to_lab(s.albedo_linear, lab);
    s.ita_deg = atan2(lab[0] - 50.0, lab[2]) * (180.0 / 3.14159265358979323846);
    *out = s;
    return SMP_OK;
}

const char *smp_ita_class(double ita) {
    if (ita > 55.0) return "very light";
    if (ita > 41.0) return "light";
    if (ita > 28.0) return "intermediate";
    if (ita > 10.0) return "tan";
    if (ita > -30.0) return "brown";
    return "dark";
}
