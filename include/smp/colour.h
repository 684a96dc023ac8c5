/*
 * smp/colour.h — how different two colours look: CIELAB (D65) and CIEDE2000.
 *
 * The product judges its pictures the way people see them: the treated scalp against the
 * client's shaved fringe and against bare skin, in CIEDE2000 on CIELAB computed from linear
 * sRGB (white = 1, 1, 1). Perception thresholds for skin-coloured patches are in
 * docs/MODEL.md (Leow et al. 2006: perceptible 0.8 / acceptable 1.8 on fair skin, 1.3 / 2.6 on
 * dark skin).
 *
 *   double a[3], b[3];
 *   smp_linear_to_lab(rgb_a, a);  smp_linear_to_lab(rgb_b, b);
 *   double de = smp_ciede2000(a, b);
 *
 * Does NOT: adapt to other illuminants, or handle colours outside linear sRGB's [0, 1].
 */
#ifndef SMP_COLOUR_H
#define SMP_COLOUR_H

#ifdef __cplusplus
extern "C" {
#endif

/* CIELAB (D65 white) of a linear sRGB colour. */
void smp_linear_to_lab(const double rgb[3], double lab[3]);

/* CIEDE2000 colour difference (kL = kC = kH = 1) between two CIELAB colours; symmetric,
 * 0 for equal colours. Sharma, Wu and Dalal's test data hold it to 1e-4 (tests/test_colour.c). */
double smp_ciede2000(const double lab1[3], const double lab2[3]);

/* CIEDE2000 between two linear sRGB colours. */
double smp_ciede2000_linear(const double rgb1[3], const double rgb2[3]);

/* Relative luminance (Rec. 709) of a linear sRGB colour. */
double smp_luminance(const double rgb[3]);

#ifdef __cplusplus
}
#endif
#endif
