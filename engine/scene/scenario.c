/* Scenarios: a label and --set overrides, applied to a scene. */
#include "smp/scenario.h"

#include <stdlib.h>
#include <string.h>

/* The part [from, to) without the blanks around it, into out (size bytes); 0 if too long. */
static int trimmed(const char *from, const char *to, char *out, size_t size) {
    while (from < to && (*from == ' ' || *from == '\t')) ++from;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t')) --to;
    if ((size_t)(to - from) >= size) return 0;
    memcpy(out, from, (size_t)(to - from));
    out[to - from] = '\0';
    return 1;
}

smp_status smp_scenario_parse(const char *spec, smp_scenario *out, smp_error *err) {
    memset(out, 0, sizeof *out);
    size_t n = strlen(spec);
    if (n >= SMP_SCENARIO_TEXT_MAX)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "'%.40s...': longer than %d characters",
                             spec, SMP_SCENARIO_TEXT_MAX - 1);
    const char *body = spec, *end = spec + n, *colon = strchr(spec, ':');
    /* a colon before any '=' ends the label */
    if (colon && memchr(spec, '=', (size_t)(colon - spec)) == NULL) {
        if (!trimmed(spec, colon, out->label, sizeof out->label))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "'%s': the label is longer than %d characters", spec,
                                 SMP_SCENARIO_LABEL_MAX - 1);
        body = colon + 1;
    }
    while (body < end) {
        const char *semi = memchr(body, ';', (size_t)(end - body));
        const char *stop = semi ? semi : end;
        char set[SMP_SCENARIO_TEXT_MAX];
        trimmed(body, stop, set, sizeof set);
        body = semi ? semi + 1 : end;
        if (!*set) continue;
        if (!strchr(set, '=') || set[0] == '=')
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "'%s': found '%s', expected PATH=VALUE overrides separated by "
                                 "';'",
                                 spec, set);
        if (out->set_count == SMP_SCENARIO_MAX_SETS)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "'%s': more than %d overrides", spec,
                                 SMP_SCENARIO_MAX_SETS);
        memcpy(out->sets[out->set_count++], set, strlen(set) + 1);
    }
    if (out->set_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "'%s': no overrides; expected 'LABEL: PATH=VALUE; ...' (smpsim "
                             "check --schema lists the fields)",
                             spec);
    if (!out->label[0]) { /* the first override names it, cut to the label's size */
        size_t k = strlen(out->sets[0]);
        if (k >= sizeof out->label) k = sizeof out->label - 1;
        memcpy(out->label, out->sets[0], k);
        out->label[k] = '\0';
    }
    return SMP_OK;
}

void smp_scenario_sets(const smp_scenario *sc, const char *sets[SMP_SCENARIO_MAX_SETS]) {
    for (int i = 0; i < sc->set_count; ++i) sets[i] = sc->sets[i];
}

smp_status smp_scenario_apply(const smp_scene *base, const smp_scenario *sc, smp_scene *out,
                              smp_scene_report *rep) {
    memset(rep, 0, sizeof *rep);
    char *json = smp_scene_to_json(base);
    if (!json) {
        rep->count = 1;
        smp_error_set(&rep->first, SMP_ERR_NOMEM, "out of memory applying a scenario");
        memcpy(rep->messages[0], rep->first.message, sizeof rep->messages[0] - 1);
        return SMP_ERR_NOMEM;
    }
    const char *sets[SMP_SCENARIO_MAX_SETS];
    smp_scenario_sets(sc, sets);
    smp_scene_source src = {.path = base->source,
                            .text = json,
                            .text_size = strlen(json),
                            .sets = sets,
                            .set_count = sc->set_count};
    smp_status st = smp_scene_load(&src, out, rep);
    free(json);
    return st;
}
