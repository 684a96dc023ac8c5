#include "smp/describe.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void smp_describe_title(const smp_scene *s, char *out, size_t size) {
    size_t n = 0;
    if (s->client.name[0]) n = (size_t)snprintf(out, size, "%s · ", s->client.name);
    if (n >= size) return;
    if (s->name[0] && strcmp(s->name, SMP_SCENE_UNTITLED) != 0) {
        snprintf(out + n, size - n, "%s", s->name);
        return;
    }
    static const char *const shapes[] = {"no hairline", "straight hairline", "rounded hairline",
                                         "widow's peak", "winged hairline"};
    const smp_scene_client *c = &s->client;
    char pattern[64];
    if (c->pattern == SMP_PATTERN_NORWOOD || c->pattern == SMP_PATTERN_LUDWIG)
        snprintf(pattern, sizeof pattern, "%s %.16s",
                 c->pattern == SMP_PATTERN_NORWOOD ? "Norwood" : "Ludwig", c->stage);
    else
        snprintf(pattern, sizeof pattern, "%s",
                 c->pattern == SMP_PATTERN_TOTALIS ? "alopecia totalis" : "no hair loss");
    int hairline = (int)s->plan.hairline;
    snprintf(out + n, size - n, "%s · MST %d · %s · %d session%s%s", pattern, c->mst,
             hairline >= 0 && hairline < 5 ? shapes[hairline] : "hairline", s->plan.session_count,
             s->plan.session_count == 1 ? "" : "s", c->scar_count ? " · scar work" : "");
}

void smp_describe_scene(const smp_scene *s, char lines[3][256]) {
    static const char *const patterns[] = {"no pattern", "Norwood", "Ludwig", "alopecia totalis"};
    static const char *const fitz[] = {"I", "II", "III", "IV", "V", "VI"};
    snprintf(lines[0], 256, "Skin MST %d, Fitzpatrick %s · %s %.16s", s->client.mst,
             fitz[s->client.fitzpatrick - 1], patterns[s->client.pattern],
             s->client.pattern == SMP_PATTERN_NORWOOD || s->client.pattern == SMP_PATTERN_LUDWIG
                 ? s->client.stage
                 : "");
    const smp_scene_plan *pl = &s->plan;
    int touch_ups = 0;
    for (int i = 0; i < pl->session_count; ++i)
        touch_ups += pl->sessions[i].kind == SMP_SESSION_TOUCH_UP;
    char sessions[64];
    if (touch_ups)
        snprintf(sessions, sizeof sessions, "%d sessions + %d touch-up%s",
                 pl->session_count - touch_ups, touch_ups, touch_ups > 1 ? "s" : "");
    else
        snprintf(sessions, sizeof sessions, "%d sessions", pl->session_count);
    snprintf(lines[1], 256, "%s · %.0f dots/cm² · depth %.2f mm · hairline %.0f mm", sessions,
             pl->full_density_per_cm2, pl->session_count ? pl->sessions[0].depth_mm : 0.0,
             pl->hairline_height_mm);
    snprintf(lines[2], 256, "Outdoors %.1f h/day · sunscreen %s", s->outdoor_hours_per_day,
             s->sunscreen_spf <= 1 ? "none" : "SPF");
    if (s->sunscreen_spf > 1) {
        size_t n = strlen(lines[2]);
        snprintf(lines[2] + n, 256 - n, " %.0f", s->sunscreen_spf);
    }
}

void smp_describe_plan(const smp_scene *s, char *out, size_t size) {
    char lines[3][256];
    smp_describe_scene(s, lines);
    lines[2][0] = (char)tolower((unsigned char)lines[2][0]);
    snprintf(out, size, "%s · %s", lines[1], lines[2]);
}

void smp_describe_times(const smp_scene *s, char *line, size_t size) {
    int last = (int)(smp_scene_completion_years(s) * 365.25 + 0.5);
    if (s->plan.session_count == 0)
        snprintf(line, size, "No treatment planned: every time shows the untreated scalp");
    else
        snprintf(line, size,
                 "Years count from the completion of treatment (the last session, day %d); "
                 "healed = %d days after it",
                 last, SMP_HEALED_DAYS);
}

void smp_describe_figures(const smp_pipeline *p, const smp_scene *s, double year, char *out,
                          size_t size) {
    smp_blend b;
    *out = '\0';
    if (!smp_pipeline_blend_at(p, s, year, &b)) return;
    if (p->fringe.present)
        snprintf(out, size, "ΔE00 %.1f to the fringe · darker: treated %.0f %%, fringe %.0f %%",
                 b.delta_e_treated_fringe, 100.0 * b.treated_darkening, 100.0 * b.fringe_darkening);
    else
        snprintf(out, size, "ΔE00 %.1f to bare skin · treated %.0f %% darker",
                 b.delta_e_treated_bare, 100.0 * b.treated_darkening);
}

void smp_describe_blend(const smp_pipeline *p, const smp_scene *s, double year, char *out,
                        size_t size) {
    smp_year_label(year, out, size);
    smp_blend b;
    if (!smp_pipeline_blend_at(p, s, year, &b)) return;
    size_t n = strlen(out);
    if (p->fringe.present)
        snprintf(out + n, size - n, " · darker: treated %.0f %%, fringe %.0f %% · ΔE00 %.1f",
                 100.0 * b.treated_darkening, 100.0 * b.fringe_darkening, b.delta_e_treated_fringe);
    else
        snprintf(out + n, size - n, " · treated %.0f %% darker · ΔE00 %.1f to bare skin",
                 100.0 * b.treated_darkening, b.delta_e_treated_bare);
}

void smp_describe_picture(const smp_pipeline *p, const smp_scene *s, double year, const char *view,
                          smp_picture_words *w) {
    smp_describe_title(s, w->heading, sizeof w->heading);
    char when[128];
    smp_year_label(year, when, sizeof when);
    if (view)
        snprintf(w->time, sizeof w->time, "%s · %s", when, view);
    else
        snprintf(w->time, sizeof w->time, "%s", when);
    smp_describe_figures(p, s, year, w->figures, sizeof w->figures);
    smp_describe_plan(s, w->plan, sizeof w->plan);
}

void smp_describe_due(const smp_pipeline *p, const smp_scene *s, char *line, size_t size) {
    double due;
    *line = '\0';
    if (!smp_pipeline_touch_up_due(p, s, &due)) return;
    if (isfinite(due))
        snprintf(line, size, " · touch-up due %.1f years after completion", due);
    else
        snprintf(line, size, " · no touch-up due within 100 years");
}
