#include "smp/colour.h"

#include <math.h>

static const double k_pi = 3.14159265358979323846;

void smp_linear_to_lab(const double rgb[3], double lab[3]) {
    double x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2];
    double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    double z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2];
    double v[3] = {x / 0.95047, y, z / 1.08883};
    for (int i = 0; i < 3; ++i)
        v[i] = v[i] > 216.0 / 24389.0 ? cbrt(v[i]) : (24389.0 / 27.0 * v[i] + 16.0) / 116.0;
    lab[0] = 116.0 * v[1] - 16.0;
    lab[1] = 500.0 * (v[0] - v[1]);
    lab[2] = 200.0 * (v[1] - v[2]);
}

double smp_luminance(const double rgb[3]) {
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static double deg(double rad) { return rad * (180.0 / k_pi); }
static double rad(double deg) { return deg * (k_pi / 180.0); }

/* Hue angle in degrees, 0..360; 0 for a neutral colour. */
static double hue(double b, double a) {
    if (a == 0.0 && b == 0.0) return 0.0;
    double h = deg(atan2(b, a));
    return h < 0.0 ? h + 360.0 : h;
}

/* Sharma, Wu, Dalal, "The CIEDE2000 color-difference formula: implementation notes,
 * supplementary test data, and mathematical observations", Color Res Appl 30(1), 2005. */
double smp_ciede2000(const double lab1[3], const double lab2[3]) {
    double c1 = hypot(lab1[1], lab1[2]), c2 = hypot(lab2[1], lab2[2]);
    double cbar7 = pow(0.5 * (c1 + c2), 7.0);
    double g = 0.5 * (1.0 - sqrt(cbar7 / (cbar7 + pow(25.0, 7.0))));
    double a1 = (1.0 + g) * lab1[1], a2 = (1.0 + g) * lab2[1];
    double cp1 = hypot(a1, lab1[2]), cp2 = hypot(a2, lab2[2]);
    double hp1 = hue(lab1[2], a1), hp2 = hue(lab2[2], a2);

    double dl = lab2[0] - lab1[0], dc = cp2 - cp1, dh = 0.0;
    if (cp1 * cp2 != 0.0) {
        dh = hp2 - hp1;
        if (dh > 180.0) dh -= 360.0;
        if (dh < -180.0) dh += 360.0;
    }
    double dH = 2.0 * sqrt(cp1 * cp2) * sin(rad(dh) / 2.0);

    double lbar = 0.5 * (lab1[0] + lab2[0]), cbar = 0.5 * (cp1 + cp2), hbar = hp1 + hp2;
    if (cp1 * cp2 != 0.0) {
        if (fabs(hp1 - hp2) <= 180.0)
            hbar *= 0.5;
        else
            hbar = hbar < 360.0 ? 0.5 * (hbar + 360.0) : 0.5 * (hbar - 360.0);
    }
    double t = 1.0 - 0.17 * cos(rad(hbar - 30.0)) + 0.24 * cos(rad(2.0 * hbar)) +
               0.32 * cos(rad(3.0 * hbar + 6.0)) - 0.20 * cos(rad(4.0 * hbar - 63.0));
    double dtheta = 30.0 * exp(-pow((hbar - 275.0) / 25.0, 2.0));
    double cbarp7 = pow(cbar, 7.0);
    double rc = 2.0 * sqrt(cbarp7 / (cbarp7 + pow(25.0, 7.0)));
    double l50 = (lbar - 50.0) * (lbar - 50.0);
    double sl = 1.0 + 0.015 * l50 / sqrt(20.0 + l50);
    double sc = 1.0 + 0.045 * cbar, sh = 1.0 + 0.015 * cbar * t;
    double rt = -sin(rad(2.0 * dtheta)) * rc;
    double x = dl / sl, y = dc / sc, z = dH / sh;
    return sqrt(x * x + y * y + z * z + rt * y * z);
}

double smp_ciede2000_linear(const double rgb1[3], const double rgb2[3]) {
    double a[3], b[3];
    smp_linear_to_lab(rgb1, a);
    smp_linear_to_lab(rgb2, b);
    return smp_ciede2000(a, b);
}
