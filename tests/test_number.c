/* Numbers people type: plain decimals only (smp/number.h). */
#include <criterion/criterion.h>

#include "smp/number.h"

/* Numbers people type are plain decimals: what strtod alone also takes (hexadecimal, inf,
 * nan, spaces, an empty string) is refused, and a value past a double's range too. */
Test(number, only_plain_decimals_are_numbers) {
    const char *good[] = {"5", "-2.5", "+0.125", ".5", "5.", "1e3", "2.5E-2"};
    const double want[] = {5, -2.5, 0.125, 0.5, 5, 1000, 0.025};
    for (int i = 0; i < 7; ++i) {
        double v = -1;
        cr_assert(smp_parse_decimal(good[i], &v), "%s refused", good[i]);
        cr_assert_eq(v, want[i], "%s gave %g", good[i], v);
    }
    const char *bad[] = {"", "0x5", "inf", "nan", " 1", "1 ", "1e", "e5", ".", "-", "1,5", "1e999"};
    for (int i = 0; i < 12; ++i) {
        double v = 42;
        cr_assert(!smp_parse_decimal(bad[i], &v), "'%s' taken", bad[i]);
        cr_assert_eq(v, 42, "'%s' wrote %g", bad[i], v);
    }
}
