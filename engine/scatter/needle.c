/* The needle's geometry: how wide a grouping of needles punctures. */
#include <math.h>

#include "smp/scatter.h"

double smp_needle_group_diameter_mm(double needle_mm, int points) {
    if (points <= 1) return needle_mm;
    if (points == 2) return 2.0 * needle_mm;
    return needle_mm * (1.0 + 1.0 / sin(3.14159265358979 / points));
}
