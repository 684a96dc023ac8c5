/* smp/json_strict.h: RFC 8259 JSON, each kind of fault found where it is. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/json_strict.h"

static int check(const char *text, int duplicates, smp_json_fault *f) {
    smp_json_rules rules = {.max_depth = 16, .refuse_duplicates = duplicates};
    return smp_json_strict(text, strlen(text), &rules, f);
}

Test(json_strict, the_standard_s_json_passes) {
    const char *good[] = {"{}",
                          "[]",
                          " 0 ",
                          "-0.5e+10",
                          "1E-3",
                          "\"\"",
                          "true",
                          "null",
                          "{\"a\": [1, 2.5, -3e2, true, false, null, {\"b\": \"c\"}]}",
                          "\"tab\\tquote\\\"slash\\/u\\u00e9 pair \\ud83d\\ude00\"",
                          "\"UTF-8 é · 😀\"",
                          "\r\n\t[1]\n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; ++i) {
        smp_json_fault f;
        cr_assert(check(good[i], 1, &f), "'%s': %s", good[i], f.what);
    }
}

Test(json_strict, each_fault_is_named_at_its_line_and_column) {
    const struct {
        const char *text, *what;
        int line, column;
    } bad[] = {
        {"{\"a\": \"x\ty\"}", "control character (0x09)", 1, 9},
        {"{\n  \"a\": 007\n}", "leading zero", 2, 8},
        {"[1.]", "no digits after", 1, 2},
        {"[1e]", "exponent", 1, 2},
        {"[-]", "without digits", 1, 2},
        {"\"\xff\"", "not UTF-8", 1, 2},
        {"\"\xc0\xaf\"", "not UTF-8", 1, 2},         /* an overlong '/' */
        {"\"\xed\xa0\x80\"", "not UTF-8", 1, 2},     /* a surrogate written as UTF-8 */
        {"\"\xf4\x90\x80\x80\"", "not UTF-8", 1, 2}, /* past U+10FFFF */
        {"\"\\ud800 alone\"", "high surrogate", 1, 2},
        {"\"\\udc00\"", "low surrogate", 1, 2},
        {"\"\\x41\"", "not a JSON escape", 1, 2},
        {"\"\\u12g4\"", "four hex digits", 1, 2},
        {"{\"a\": 1,}", "key in double quotes", 1, 9},
        {"[1, 2", "never ends", 1, 6},
        {"{\"a\" 1}", "':'", 1, 6},
        {"[1] [2]", "more after the value", 1, 5},
        {"\"open", "never ends", 1, 1},
        {"[tru]", "expected a value", 1, 2},
        {"", "end of the text", 1, 1},
        {"[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", "deeper than 16", 1, 17},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        smp_json_fault f;
        cr_assert_eq(check(bad[i].text, 0, &f), 0, "'%s' passed", bad[i].text);
        cr_assert_not_null(strstr(f.what, bad[i].what), "'%s': %s", bad[i].text, f.what);
        cr_assert_eq(f.line, bad[i].line, "'%s': line %d", bad[i].text, f.line);
        cr_assert_eq(f.column, bad[i].column, "'%s': column %d (%s)", bad[i].text, f.column,
                     f.what);
    }
}

Test(json_strict, duplicate_keys_are_refused_when_asked_at_the_second) {
    smp_json_fault f;
    const char *twice = "{\"a\": 1, \"b\": {\"a\": 2, \"c\": 3}, \"a\": 4}";
    cr_assert(check(twice, 0, &f), "%s", f.what);
    cr_assert_eq(check(twice, 1, &f), 0);
    cr_assert_not_null(strstr(f.what, "\"a\" twice"), "%s", f.what);
    cr_assert_eq(f.column, 33, "the second \"a\" opens at column 33, not %d", f.column);
    /* the same key in different objects is no duplicate */
    cr_assert(check("[{\"a\": 1}, {\"a\": 2}]", 1, &f), "%s", f.what);
    /* many keys (sorted, not compared pairwise): the one repeat among 20,000 is found */
    size_t n = 20000, size = n * 16 + 64;
    char *big = malloc(size);
    size_t k = (size_t)snprintf(big, size, "{");
    for (size_t i = 0; i < n; ++i)
        k += (size_t)snprintf(big + k, size - k, "%s\"k%zu\": %zu", i ? ", " : "",
                              i == n - 1 ? (size_t)7 : i, i);
    snprintf(big + k, size - k, "}");
    cr_assert_eq(check(big, 1, &f), 0);
    cr_assert_not_null(strstr(f.what, "\"k7\" twice"), "%s", f.what);
    free(big);
}
