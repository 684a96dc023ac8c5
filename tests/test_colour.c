/* CIEDE2000 against Sharma, Wu and Dalal's supplementary test data (Color Res Appl 2005),
 * which exercise every branch of the formula (hue wrap, neutral colours, the rotation term). */
#include <criterion/criterion.h>
#include <math.h>

#include "smp/colour.h"

static const double k_pairs[][7] = {
    /* L1, a1, b1, L2, a2, b2, ΔE00 */
    {50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425},
    {50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615},
    {50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412},
    {50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669},
    {50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045},
    {50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065},
    {50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492},
    {50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030},
    {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
    {63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630},
    {22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373},
    {90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441},
    {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
};

Test(colour, ciede2000_matches_the_published_test_data) {
    for (size_t i = 0; i < sizeof k_pairs / sizeof *k_pairs; ++i) {
        const double *p = k_pairs[i];
        double e = smp_ciede2000(p, p + 3), back = smp_ciede2000(p + 3, p);
        cr_assert_lt(fabs(e - p[6]), 1e-4, "pair %zu: %.5f, published %.4f", i + 1, e, p[6]);
        cr_assert_lt(fabs(back - e), 1e-9, "pair %zu is not symmetric", i + 1);
    }
}

Test(colour, lab_of_white_grey_and_black) {
    double lab[3];
    smp_linear_to_lab((double[3]){1, 1, 1}, lab);
    cr_assert_lt(fabs(lab[0] - 100.0) + fabs(lab[1]) + fabs(lab[2]), 0.05); /* 4-digit matrix */
    smp_linear_to_lab((double[3]){0.18418, 0.18418, 0.18418}, lab);         /* L* 50 */
    cr_assert_lt(fabs(lab[0] - 50.0), 0.01, "%f", lab[0]);
    smp_linear_to_lab((double[3]){0, 0, 0}, lab);
    cr_assert_lt(fabs(lab[0]), 1e-9);
    cr_assert_eq(smp_ciede2000_linear((double[3]){0.3, 0.2, 0.1}, (double[3]){0.3, 0.2, 0.1}), 0.0);
}
