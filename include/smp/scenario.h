/*
 * smp/scenario.h — the same client under another plan or lifestyle.
 *
 * A scenario is a scene with a few overrides, written as `--set` takes them, and a label:
 * "SPF 50: lifestyle.sunscreen_spf=50" or "Touch-up at year 4: plan.sessions[3].kind=touch-up;
 * plan.sessions[3].day=1581". `smpsim render --scenario` and the viewer's scenario comparison
 * read them here, so both accept the same text and refuse it with the same words.
 *
 *   smp_scenario sc;
 *   if (smp_scenario_parse("No sunscreen: lifestyle.sunscreen_spf=none", &sc, &err) == SMP_OK)
 *       smp_scenario_apply(&scene, &sc, &other, &rep);   // checked as a scene file is
 *
 * Does NOT: build or draw anything.
 */
#ifndef SMP_SCENARIO_H
#define SMP_SCENARIO_H

#include "smp/scene.h"
#include "smp/status.h"

enum {
    SMP_SCENARIO_MAX_SETS = 16,  /* overrides in one scenario */
    SMP_SCENARIO_TEXT_MAX = 512, /* one scenario's whole text */
    SMP_SCENARIO_LABEL_MAX = 64,
};

typedef struct smp_scenario {
    char label[SMP_SCENARIO_LABEL_MAX];
    int set_count;
    char sets[SMP_SCENARIO_MAX_SETS][SMP_SCENARIO_TEXT_MAX]; /* "PATH=VALUE", trimmed */
} smp_scenario;

/* Parses "LABEL: PATH=VALUE; PATH=VALUE". The label may be left out (the first override then
 * names the scenario); a colon inside the first override's value is not taken for one. Fails
 * with SMP_ERR_INVALID_ARG saying what was found: no overrides, a part without '=', too
 * many, too long. The overrides themselves are checked by smp_scenario_apply. */
smp_status smp_scenario_parse(const char *spec, smp_scenario *out, smp_error *err);

/* The overrides as smp_scene_source.sets takes them (pointers into sc). */
void smp_scenario_sets(const smp_scenario *sc, const char *sets[SMP_SCENARIO_MAX_SETS]);

/* base with the scenario's overrides applied, checked as a scene file with --set is: every
 * problem goes to rep (naming the override at fault), and the status is returned. */
smp_status smp_scenario_apply(const smp_scene *base, const smp_scenario *sc, smp_scene *out,
                              smp_scene_report *rep);

#endif
