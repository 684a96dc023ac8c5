/*
 * smp/json_strict.h — JSON as RFC 8259 writes it, checked before a lenient parser reads it.
 *
 * cJSON takes text the standard refuses: control characters inside strings, numbers with
 * leading zeros ("007"), invalid UTF-8, nesting as deep as the stack allows. Scene and session
 * files are checked here first, so a file is either JSON everywhere or refused with the line
 * and column of its first fault, whatever reads it later.
 *
 *   smp_json_fault f;
 *   if (!smp_json_strict(text, size, &(smp_json_rules){.max_depth = 64}, &f))
 *       printf("%s:%d:%d: %s\n", path, f.line, f.column, f.what);
 *
 * Does NOT: build a tree (the caller's parser does), or compare keys after unescaping them
 * ("a" and "\u0061" are different keys here).
 */
#ifndef SMP_JSON_STRICT_H
#define SMP_JSON_STRICT_H

#include <stddef.h>

typedef struct smp_json_rules {
    int max_depth;         /* arrays and objects nested deeper are refused (0: 512) */
    int refuse_duplicates; /* a key twice in one object is a fault */
} smp_json_rules;

typedef struct smp_json_fault {
    size_t offset;    /* byte offset of the fault */
    int line, column; /* 1-based; the column counts bytes */
    char what[160];   /* "a control character (0x09) inside a string", ... */
} smp_json_fault;

/* Whether text (size bytes; one value, blanks around it) is JSON by RFC 8259 and the rules:
 * 1 if so, else 0 with the first fault. Linear in size (duplicate keys: n log n per object);
 * allocates only to remember keys. Out of memory is reported as a fault that says so. */
int smp_json_strict(const char *text, size_t size, const smp_json_rules *rules,
                    smp_json_fault *fault);

/* Whether text (size bytes) is UTF-8 by RFC 3629 (no overlong forms, surrogates or code
 * points past U+10FFFF): 1 if so, else 0 with the offset of the first bad byte in *bad (may be
 * NULL). What a text field may hold, since a scene file that holds it must be JSON. */
int smp_utf8_valid(const char *text, size_t size, size_t *bad);

#endif
