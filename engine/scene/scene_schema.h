/* The scene schema: one table that parsing, defaults, printing and docs/SCENE.md all walk, so
 * they cannot disagree. Private to engine/scene. */
#ifndef SMP_SCENE_SCHEMA_H
#define SMP_SCENE_SCHEMA_H

#include <stddef.h>

#include "smp/scene.h"

typedef enum field_kind {
    K_OBJECT,      /* children at off + child.off */
    K_NUMBER,      /* double; nullable: NaN stands for null */
    K_INT,         /* int */
    K_SEED,        /* unsigned long, 0 .. 2^32-1 */
    K_BOOL,        /* int 0/1 */
    K_STRING,      /* char[aux] */
    K_ENUM,        /* int index into words */
    K_VEC3,        /* double[3], nullable through an int flag at aux */
    K_NUMBER2,     /* double[2] */
    K_NUMBER_LIST, /* double[max], count int at aux; with words, an entry may be one of them,
                      stored as -1 - its index (lo must be >= 0) */
    K_ENUM_LIST,   /* int[max], count int at aux */
    K_POINT2_LIST, /* double[max][2], count int at aux */
    K_ARRAY,       /* elem_size-byte elements, count int at aux, children relative to an element */
} field_kind;

typedef struct field field;
struct field {
    const char *key;
    field_kind kind;
    size_t off; /* offset in the enclosing struct (the scene, or an array element) */
    size_t aux; /* string capacity, count offset, or null-flag offset */
    double lo, hi;
    double def;               /* numbers, ints, bools, enum indices; NaN = null */
    const char *def_text;     /* strings; default of lists as JSON text */
    const char *const *words; /* enum words, or a number list's named values; NULL-terminated.
                                 A K_NUMBER's one word (e.g. "none") and the number 0 stand for
                                 lo, which is written back as the word */
    int first;                /* enums: the value of words[0] (the next words count up) */
    const field *children;    /* objects and arrays, terminated by a NULL key */
    size_t elem_size;
    int max; /* lists and arrays */
    int nullable;
    /* Extra check for strings (colour, stage); writes what was expected into why. */
    int (*check_text)(const char *text, char *why, size_t why_size);
    /* Default content of an array absent from the file (elements written from index 0). */
    int (*fill_default)(void *elements);
    const char *unit;
    const char *doc;
};

/* The root object (key "", kind K_OBJECT). */
extern const field scene_schema_root;

/* Number of entries in a NULL-key-terminated children table. */
int schema_child_count(const field *children);

#endif
