/*
 * mc_skin.h — a Monte Carlo reference for light in two-layer skin with buried absorbers.
 *
 * Test support, not engine code: the engine's closed-form dot optics are validated against it.
 * A semi-infinite medium (epidermis over dermis, the same Henyey–Greenstein scattering in both,
 * index n inside and 1 outside with unpolarised Fresnel reflection) is lit at normal incidence
 * over a square of side L centred on the origin. Each photon is traced once through the bare
 * skin; the absorbers (finite cylinders) never change the transport, they only record how far
 * each photon travelled inside them, so one trace answers every absorber in the list. A black
 * absorber removes any remitted photon that crossed it; a grey one removes 1 − e^(−μa·ℓ).
 *
 * Launch points are drawn from a mixture of the uniform square and kernels around the
 * absorbers' projected axes (importance sampling, weighted back to the uniform beam), and deep
 * or faint photons are culled by Russian roulette; both keep the estimates unbiased. Results
 * are bit-identical for the same inputs and seed whatever the thread count: each photon has
 * its own random stream and partial sums are added in a fixed order.
 *
 * Units: mm and 1/mm; z points down into the skin, the surface is z = 0.
 */
#ifndef SMP_TESTS_MC_SKIN_H
#define SMP_TESTS_MC_SKIN_H

#include <stdint.h>

#include "smp/skin.h"

enum { MC_PROFILE_BINS = 200 };
#define MC_PROFILE_BIN_MM 0.01 /* radial bin width of the darkening profile */
#define MC_PEAK_RADIUS_MM 0.03 /* peak darkening: the mean over this disc */

typedef struct mc_layers {
    double t_epi_mm; /* epidermis thickness; the dermis fills z > t_epi_mm */
    double mua_epi, mua_derm;
    double musp; /* reduced scattering, both layers */
    double g;    /* Henyey–Greenstein anisotropy; μs = μs'/(1 − g) */
    double n;    /* refractive index of the skin (outside: 1) */
} mc_layers;

/* A finite cylinder from p0 to p1 (its axis) with the given radius. */
typedef struct mc_absorber {
    double p0[3], p1[3], radius_mm;
    double mua_ink; /* ≤ 0: black */
} mc_absorber;

typedef struct mc_result {
    /* The remitted light the absorber removes under a uniform beam, in mm² of fully dark skin
     * (ΔR·L²/R0 over the launch square), and its standard error. */
    double sigma_eff_mm2, sigma_eff_se;
    double peak_darkening, peak_se; /* mean darkening over r < MC_PEAK_RADIUS_MM */
    /* Where the profile (smoothed over three bins) first falls below half the peak; the
     * profile's end, 2 mm, when it never does. */
    double half_max_radius_mm;
    double r0; /* bare skin's diffuse remittance, per incident photon */
    /* Darkening (removed exitance over the bare skin's) in annuli MC_PROFILE_BIN_MM wide
     * around the axis end nearer the surface. */
    double profile[MC_PROFILE_BINS];
} mc_result;

/* What the run learnt about the bare skin. */
typedef struct mc_bare {
    double r0, r0_se;     /* diffuse remittance per incident photon (specular excluded) */
    double specular;      /* the specular loss at normal incidence */
    double steps_per_ray; /* mean scattering steps per photon, for cost */
} mc_bare;

/* Traces photons (> 0) and fills out[0..n_abs) (may be NULL when n_abs is 0) and bare (may be
 * NULL). launch_side_mm ≤ 0 means 12 mm. Returns 0, or -1 for invalid arguments, -2 when out
 * of memory. Uses OpenMP threads when available. */
int mc_skin_run(const mc_layers *layers, const mc_absorber *abs, int n_abs, long photons,
                uint64_t seed, double launch_side_mm, mc_result *out, mc_bare *bare);

/* The project's skin model (engine/model/skin.c) in band 0..2 (R, G, B) as a plain two-layer
 * medium: the same absorption and scattering formulas and epidermis thickness. The fitted
 * melanin sieve and effective epidermal path of the closed-form model are not represented (the
 * epidermis is homogeneous). Returns 0, or -1 for a bad band. */
int mc_layers_from_skin(const smp_skin *skin, int band, mc_layers *out);

/* Helpers for absorber geometry: a vertical cylinder of the given diameter between two depths
 * (a thin disc is one with a small height) centred on x = y = 0, and a straight cylinder whose
 * top end is at the surface at the origin, running along +x at elev_deg below the surface. */
mc_absorber mc_vertical_cylinder(double diameter_mm, double z_top, double z_bot, double mua);
mc_absorber mc_tilted_shaft(double diameter_mm, double length_mm, double elev_deg, double mua);

/* Total diffuse reflectance of a semi-infinite medium (dipole, Jensen et al. 2001) for index n,
 * the quantity the bare Monte Carlo approaches when diffusion holds. */
double mc_dipole_reflectance(double mua, double musp, double n);

#endif
