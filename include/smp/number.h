/* Numbers typed by people (command-line values, times in scenes and scripts), read strictly:
 * a plain decimal, [sign] digits [. digits] [e [sign] digits]. Not hexadecimal ("0x5"),
 * "inf", "nan", surrounding spaces or an empty string, all of which strtod alone accepts. */
#ifndef SMP_NUMBER_H
#define SMP_NUMBER_H

/* 1 and *out set when text is a plain decimal that fits a double, else 0 (*out untouched). */
int smp_parse_decimal(const char *text, double *out);

#endif
