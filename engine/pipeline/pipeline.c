#include "smp/pipeline.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smp/clock.h"
#include "smp/head.h"
#include "smp/rng.h"
#include "smp/scatter.h"
#include "smp/training.h"

/* --- progress --------------------------------------------------------------------------- */

enum { STAGE_HEAD, STAGE_FIELDS, STAGE_SCATTER, STAGE_MODEL, STAGE_HAIR, STAGES };

/* A build's progress report: each stage's share of the whole, and the share done so far. */
typedef struct tracker {
    const smp_pipeline_progress *progress; /* NULL: nothing to report */
    double share[STAGES];
    double done;
} tracker;

static tracker tracker_start(const smp_pipeline_progress *progress, smp_pipeline_stage stage,
                             int head_given) {
    /* the default scene on a 2-core machine: the scatter is most of a build */
    static const double typical[STAGES] = {0.12, 0.01, 0.82, 0.01, 0.04};
    tracker t = {.progress = progress};
    double sum = 0;
    for (int i = 0; progress && i < STAGES; ++i) sum += progress->stage_ms[i];
    for (int i = 0; i < STAGES; ++i) {
        int built = i == STAGE_HEAD     ? !head_given
                    : i == STAGE_FIELDS ? stage >= SMP_PIPELINE_FIELDS
                                        : stage >= SMP_PIPELINE_ALL;
        /* a stage measured at 0 ms still takes a little */
        t.share[i] = built ? (sum > 0 ? progress->stage_ms[i] + 1.0 : typical[i]) : 0.0;
    }
    sum = 0;
    for (int i = 0; i < STAGES; ++i) sum += t.share[i];
    for (int i = 0; i < STAGES; ++i) t.share[i] /= sum;
    return t;
}

/* A step taking this share of the whole begins. */
static void tracker_step(tracker *t, double share) {
    if (t->progress) t->progress->step(t->progress->user, t->done, fmin(t->done + share, 1.0));
    t->done += share;
}

/* --- head ------------------------------------------------------------------------------- */

/* A mesh path in a scene is relative to the scene file's directory. */
static void resolve_mesh_path(const smp_scene *s, char *out, size_t size) {
    const char *mesh = s->head.mesh;
    const char *slash = strrchr(s->source, '/');
    if (mesh[0] == '/' || !slash || access(s->source, F_OK) != 0)
        snprintf(out, size, "%s", mesh);
    else
        snprintf(out, size, "%.*s/%s", (int)(slash - s->source), s->source, mesh);
}

/* Overrides in the file frame, for the importer. */
static unsigned file_frame_landmarks(const smp_scene *s, smp_landmarks *lm) {
    unsigned mask = 0;
    if (s->head.landmarks_frame != SMP_LANDMARKS_FILE_FRAME) return 0;
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        if (!s->head.landmark_set[i]) continue;
        mask |= 1u << i;
        for (int k = 0; k < 3; ++k) lm->p[i][k] = (float)s->head.landmarks_mm[i][k];
    }
    return mask;
}

unsigned smp_pipeline_landmark_overrides(const smp_scene *s, const smp_pipeline *p,
                                         smp_landmarks *head_frame) {
    unsigned mask = 0;
    int file = s->head.landmarks_frame == SMP_LANDMARKS_FILE_FRAME && p->imported;
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        if (!s->head.landmark_set[i]) continue;
        mask |= 1u << i;
        if (file)
            smp_mesh_import_file_to_head(&p->import, s->head.landmarks_mm[i], head_frame->p[i]);
        else
            for (int k = 0; k < 3; ++k) head_frame->p[i][k] = (float)s->head.landmarks_mm[i][k];
    }
    return mask;
}

void smp_pipeline_set_landmark(smp_scene *s, const smp_pipeline *p, smp_landmark_id id,
                               const float at[3]) {
    if ((unsigned)id >= SMP_LM_COUNT) return;
    smp_scene_head *h = &s->head;
    if (p->imported && h->landmarks_frame != SMP_LANDMARKS_FILE_FRAME) {
        smp_landmarks now;
        unsigned mask = smp_pipeline_landmark_overrides(s, p, &now);
        for (int i = 0; i < SMP_LM_COUNT; ++i)
            if (mask >> i & 1u)
                smp_mesh_import_head_to_file(&p->import, now.p[i], h->landmarks_mm[i]);
        h->landmarks_frame = SMP_LANDMARKS_FILE_FRAME;
    }
    h->landmark_set[id] = 1;
    if (p->imported && h->landmarks_frame == SMP_LANDMARKS_FILE_FRAME)
        smp_mesh_import_head_to_file(&p->import, at, h->landmarks_mm[id]);
    else
        for (int k = 0; k < 3; ++k) h->landmarks_mm[id][k] = at[k];
}

static smp_status build_head(const smp_scene *s, int guess, smp_pipeline *p, smp_error *err) {
    const char *mesh = s->head.mesh;
    int builtin = strcmp(mesh, "builtin") == 0 ||
                  (strcmp(mesh, "auto") == 0 && (!smp_mesh_import_available() ||
                                                 access(SMP_PIPELINE_MAKEHUMAN_PATH, R_OK) != 0));
    smp_status st;
    if (builtin) {
        smp_head_desc hd = {.resolution = s->head.resolution};
        if ((st = smp_head_build(&hd, &p->head, err)) != SMP_OK) return st;
        smp_landmarks_procedural(&p->landmarks);
        snprintf(p->head_source, sizeof p->head_source, "built-in head");
    } else {
        char path[SMP_SCENE_PATH_MAX + 256];
        if (strcmp(mesh, "auto") == 0)
            snprintf(path, sizeof path, "%s", SMP_PIPELINE_MAKEHUMAN_PATH);
        else
            resolve_mesh_path(s, path, sizeof path);
        smp_mesh_import_desc d = {.path = path,
                                  .units = s->head.units,
                                  .up = s->head.up,
                                  .facing = s->head.facing,
                                  .target_edge_mm = (float)s->head.edge_mm,
                                  .guess_landmarks = guess};
        smp_landmarks given;
        d.landmarks_given_mask = file_frame_landmarks(s, &given);
        d.landmarks_given = &given;
        if ((st = smp_mesh_import(&d, &p->head, &p->import, err)) != SMP_OK) {
            if (strcmp(mesh, "auto") != 0) smp_error_prefix(err, "head.mesh");
            return st;
        }
        p->landmarks = p->import.landmarks;
        p->imported = 1;
        snprintf(p->head_source, sizeof p->head_source, "%.1000s", path);
    }
    /* The scene may move any landmark; each must still lie on this head. Those in the file
     * frame went into the import (the built-in head's file frame is the head frame). */
    if (!p->imported || s->head.landmarks_frame != SMP_LANDMARKS_FILE_FRAME)
        for (int i = 0; i < SMP_LM_COUNT; ++i)
            if (s->head.landmark_set[i])
                for (int k = 0; k < 3; ++k)
                    p->landmarks.p[i][k] = (float)s->head.landmarks_mm[i][k];
    if ((st = smp_landmarks_check_on_surface(&p->head, &p->landmarks, 2.0f, err)) != SMP_OK) {
        smp_error_prefix(err, "head.landmarks");
        if (st != SMP_ERR_NOMEM) err->status = st = SMP_ERR_FORMAT;
        return st;
    }
    p->bounds = smp_mesh_bounds(&p->head);
    return SMP_OK;
}

/* --- fields ----------------------------------------------------------------------------- */

/* A nullable scene number (NaN: not given) over a default. */
static void set_if_given(float *out, double v) {
    if (!isnan(v)) *out = (float)v;
}

static void hex_colour(const char *hex, float rgb[3]) {
    unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
    for (int i = 0; i < 3; ++i) rgb[i] = (float)((v >> (16 - 8 * i)) & 0xffu) / 255.0f;
}

static void scene_scar(const smp_scene_scar *in, smp_scar_desc *o) {
    *o = smp_scar_desc_default(in->kind);
    set_if_given(&o->center_deg[0], in->center_deg[0]);
    set_if_given(&o->center_deg[1], in->center_deg[1]);
    set_if_given(&o->width_mm, in->width_mm);
    set_if_given(&o->length_mm, in->length_mm);
    set_if_given(&o->angle_deg, in->angle_deg);
    set_if_given(&o->diameter_mm, in->diameter_mm);
    set_if_given(&o->bend_mm, in->bend_mm);
    set_if_given(&o->band_mm, in->band_mm);
    o->count = in->count;
    o->point_count = in->point_count;
    for (int k = 0; k < in->point_count; ++k) {
        o->points_deg[k][0] = (float)in->points_deg[k][0];
        o->points_deg[k][1] = (float)in->points_deg[k][1];
    }
}

/* The fields' description of a scene: everything the fields read from it. */
static smp_status fields_desc_of(const smp_scene *s, smp_fields_desc *out, smp_error *err) {
    const smp_scene_client *c = &s->client;
    const smp_scene_plan *pl = &s->plan;
    smp_fields_desc d = smp_fields_desc_default();
    d.hair.fu_per_cm2 = (float)c->hair_density_fu_per_cm2;
    d.hair.hairs_per_fu = (float)c->hairs_per_fu;
    hex_colour(c->hair_color, d.hair.color_srgb);
    d.hair.shaft_diameter_um = (float)c->shaft_diameter_um;
    d.hair.stubble_mm = (float)smp_scene_stubble_mm(c);
    /* Alopecia totalis has no hair to draw; for the fields it is a head without a pattern
     * (the hair multiplier is taken to zero where the hair is drawn). */
    d.pattern.kind = c->pattern == SMP_PATTERN_TOTALIS ? SMP_PATTERN_NONE : c->pattern;
    d.pattern.frontal_accentuation = c->frontal_accentuation;
    d.pattern.transition_mm = (float)c->transition_mm;
    smp_status st;
    if (d.pattern.kind != SMP_PATTERN_NONE &&
        (st = smp_pattern_stage_parse(d.pattern.kind, c->stage, &d.pattern.stage,
                                      &d.pattern.variant, err)) != SMP_OK) {
        smp_error_prefix(err, "client.pattern.stage");
        return st;
    }
    d.hairline.shape = pl->hairline;
    d.hairline.height_mm = (float)pl->hairline_height_mm;
    d.hairline.frontotemporal_angle_deg = (float)pl->frontotemporal_angle_deg;
    d.hairline.temple_depth_mm = (float)pl->temple_depth_mm;
    d.hairline.softness_mm = (float)pl->hairline_softness_mm;
    d.hairline.micro_irregularity_mm = (float)pl->micro_irregularity_mm;
    d.hairline.micro_scale_mm = (float)pl->micro_scale_mm;
    d.hairline.macro_irregularity_mm = (float)pl->macro_irregularity_mm;
    d.hairline.macro_scale_mm = (float)pl->macro_scale_mm;
    d.scar_count = c->scar_count;
    for (int i = 0; i < c->scar_count; ++i) scene_scar(&c->scars[i], &d.scars[i]);
    d.seed = s->seed;
    *out = d;
    return SMP_OK;
}

static smp_status build_fields(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    smp_fields_desc d;
    smp_status st = fields_desc_of(s, &d, err);
    if (st != SMP_OK) return st;
    st = smp_fields_create(&d, &p->head, &p->landmarks, &p->fields, err);
    if (st != SMP_OK) smp_error_prefix(err, "scene");
    return st;
}

/* --- sessions --------------------------------------------------------------------------- */

/* The cumulative density fraction before session i (treatment sessions only). */
static double fraction_before(const smp_scene_plan *pl, int i) {
    double f = 0;
    for (int k = 0; k < i; ++k)
        if (pl->sessions[k].density_fraction > f) f = pl->sessions[k].density_fraction;
    return f;
}

static unsigned region_mask(const smp_scene *s, const smp_scene_session *ss) {
    unsigned mask = 0;
    for (int r = 0; r < ss->region_count; ++r) {
        smp_region region = (smp_region)ss->regions[r];
        /* With no hair anywhere, "bald" is the whole scalp. */
        if (s->client.pattern == SMP_PATTERN_TOTALIS && region == SMP_REGION_BALD)
            region = SMP_REGION_SCALP;
        mask |= 1u << region;
    }
    return mask;
}

smp_status smp_pipeline_session_density(const smp_pipeline *p, const smp_scene *s, int i,
                                        float *density, uint8_t *tissue, smp_error *err) {
    const smp_scene_plan *pl = &s->plan;
    const smp_scene_session *ss = &pl->sessions[i];
    double before = fraction_before(pl, i);
    double share = ss->density_fraction > before ? ss->density_fraction - before : 0.0;
    double fraction = pl->rule == SMP_SCATTER_BLUE ? ss->density_fraction : share;
    if (share <= 0.0) fraction = 0.0; /* a touch-up re-darkens; it adds no dots */
    smp_treatment_desc t = {.density_per_cm2 = (float)(pl->full_density_per_cm2),
                            .hairless = s->client.pattern == SMP_PATTERN_TOTALIS,
                            .regions = region_mask(s, ss)};
    smp_status st = smp_fields_vertex_density(p->fields, &p->head, &t, density, tissue, err);
    if (st != SMP_OK) return st;
    for (uint32_t v = 0; v < p->head.vertex_count; ++v) density[v] *= (float)fraction;
    return SMP_OK;
}

smp_status smp_pipeline_plan_density(const smp_pipeline *p, const smp_scene *s,
                                     double density_override, float *density, smp_error *err) {
    const smp_scene_plan *pl = &s->plan;
    unsigned regions = 0;
    for (int i = 0; i < pl->session_count; ++i) regions |= region_mask(s, &pl->sessions[i]);
    double fraction = pl->session_count ? fraction_before(pl, pl->session_count) : 1.0;
    double d = density_override > 0 ? density_override : pl->full_density_per_cm2 * fraction;
    smp_treatment_desc t = {.density_per_cm2 = 1.0f,
                            .regions = regions,
                            .hairless = s->client.pattern == SMP_PATTERN_TOTALIS};
    smp_status st = smp_fields_vertex_density(p->fields, &p->head, &t, density, NULL, err);
    if (st != SMP_OK) return st;
    for (uint32_t v = 0; v < p->head.vertex_count; ++v) density[v] *= (float)d;
    return SMP_OK;
}

static smp_status build_dots(const smp_scene *s, smp_pipeline *p, tracker *progress,
                             smp_error *err) {
    const smp_scene_plan *pl = &s->plan;
    size_t v = p->head.vertex_count;
    int n = pl->session_count;
    float *density = malloc(sizeof(float) * v * (size_t)(n ? n : 1));
    uint8_t *tissue = malloc(v * (size_t)(n ? n : 1));
    smp_scatter_desc descs[SMP_SCENE_MAX_SESSIONS];
    double expected_dots[SMP_SCENE_MAX_SESSIONS] = {0}, all_dots = 0;
    size_t capacity = 0;
    smp_status st = SMP_OK;
    if (!density || !tissue) st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    double last = pl->session_count ? fraction_before(pl, n) : 0.0;
    for (int i = 0; st == SMP_OK && i < n; ++i) {
        const smp_scene_session *ss = &pl->sessions[i];
        float *d = density + v * (size_t)i;
        uint8_t *t = tissue + v * (size_t)i;
        st = smp_pipeline_session_density(p, s, i, d, t, err);
        if (st != SMP_OK) break;
        double share = ss->density_fraction - fraction_before(pl, i);
        smp_scatter_desc *sd = &descs[i];
        *sd = (smp_scatter_desc){
            .mesh = &p->head,
            .density_per_cm2 = d,
            .tissue = t,
            .rule = pl->rule,
            /* the grid's lattice: one node per dot at the full density, for every session */
            .grid_spacing_mm = 10.0f / sqrtf((float)pl->full_density_per_cm2),
            .seed = s->seed,
            .session = {.index = i,
                        .needle_diameter_mm = (float)smp_needle_group_diameter_mm(
                            ss->needle_diameter_mm, ss->needle_points),
                        .depth_mean_mm = (float)ss->depth_mm,
                        .depth_sd_mm = (float)ss->depth_sd_mm,
                        .technician_skill = (float)pl->technician_skill,
                        .ink_load = (float)(1.0 - ss->dilution)}};
        double expected = 0;
        if ((st = smp_scatter_expected(sd, &expected, err)) != SMP_OK) break;
        if (share <= 0 || expected < 0.5) { /* a touch-up, or regions this head lacks */
            sd->mesh = NULL;
            continue;
        }
        if (pl->dot_count > 0 && last > 0)
            sd->count = (size_t)llround((double)pl->dot_count * share / last);
        size_t need = 0;
        if ((st = smp_scatter_capacity(sd, &need, err)) != SMP_OK) break;
        capacity += need;
        expected_dots[i] = expected;
        all_dots += expected;
    }
    if (st == SMP_OK) st = smp_dots_alloc(&p->dots, capacity ? capacity : 1, 0, err);
    for (int i = 0; st == SMP_OK && i < n; ++i) {
        size_t before = p->dots.count;
        if (descs[i].mesh)
            tracker_step(progress, progress->share[STAGE_SCATTER] * expected_dots[i] / all_dots);
        if (descs[i].mesh) st = smp_scatter(&descs[i], &p->dots, err);
        p->session_dots[i] = p->dots.count - before;
        if (st != SMP_OK) {
            char where[64];
            snprintf(where, sizeof where, "plan.sessions[%d]", i);
            smp_error_prefix(err, "%s", where);
        }
    }
    free(density);
    free(tissue);
    return st;
}

/* --- skin and model --------------------------------------------------------------------- */

/* The client's own shaved fringe as the blend model sees it: native hair with its stubble.
 * None without hair (alopecia totalis) or with hair grown past stubble (long hair is not a
 * shaved look to match). */
static smp_status build_fringe(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    const smp_scene_client *c = &s->client;
    double stubble = smp_scene_stubble_mm(c);
    memset(&p->fringe, 0, sizeof p->fringe);
    if (c->pattern == SMP_PATTERN_TOTALIS || stubble > SMP_HAIR_STUBBLE_MAX_MM) return SMP_OK;
    float srgb[3];
    hex_colour(c->hair_color, srgb);
    smp_fringe_desc d = {.hairs_per_cm2 = c->hair_density_fu_per_cm2 * c->hairs_per_fu,
                         .shaft_diameter_mm = c->shaft_diameter_um * 0.001,
                         .stubble_mm = stubble};
    for (int k = 0; k < 3; ++k) d.hair_linear[k] = smp_srgb_decode(srgb[k]);
    smp_status st = smp_fringe_eval(&p->skin, &d, &p->fringe, err);
    if (st != SMP_OK) smp_error_prefix(err, "client.hair");
    return st;
}

static smp_status build_model(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    const smp_scene_client *c = &s->client;
    smp_skin_desc sd = {.mst = c->mst, .fitzpatrick = c->fitzpatrick};
    if (!isnan(c->melanin_fraction))
        sd.set |= SMP_SKIN_SET_MELANIN, sd.melanin_fraction = c->melanin_fraction;
    if (!isnan(c->eumelanin_share))
        sd.set |= SMP_SKIN_SET_EUMELANIN, sd.eumelanin_share = c->eumelanin_share;
    if (!isnan(c->blood_fraction))
        sd.set |= SMP_SKIN_SET_BLOOD, sd.blood_fraction = c->blood_fraction;
    smp_status st = smp_skin_resolve(&sd, &p->skin, err);
    if (st != SMP_OK) {
        smp_error_prefix(err, "client.skin");
        return st;
    }
    for (int k = 0; k < 3; ++k) p->skin_srgb[k] = (float)smp_srgb_encode(p->skin.albedo_linear[k]);
    if ((st = build_fringe(s, p, err)) != SMP_OK) return st;
    const smp_scene_plan *pl = &s->plan;
    if (pl->session_count == 0) return SMP_OK; /* untreated: nothing ages */
    smp_age_session sessions[SMP_SCENE_MAX_SESSIONS];
    for (int i = 0; i < pl->session_count; ++i) {
        const smp_scene_session *ss = &pl->sessions[i];
        double share = ss->density_fraction - fraction_before(pl, i);
        unsigned tissues = 0;
        for (int r = 0; r < ss->region_count; ++r)
            tissues |= ss->regions[r] == SMP_REGION_SCARS
                           ? (1u << SMP_TISSUE_SCAR_LINEAR) | (1u << SMP_TISSUE_SCAR_PUNCTATE) |
                                 (1u << SMP_TISSUE_SCAR_BURN)
                           : (1u << SMP_TISSUE_SKIN);
        sessions[i] = (smp_age_session){
            .t_years = ss->day / 365.25,
            .touch_up = ss->kind == SMP_SESSION_TOUCH_UP,
            .ink_class = ss->ink,
            .dilution = ss->dilution,
            .tissues = tissues,
            .density_per_cm2 = share > 0 ? pl->full_density_per_cm2 * share : 1e-3,
            .radius_mm =
                0.24 * smp_needle_group_diameter_mm(ss->needle_diameter_mm, ss->needle_points),
            .depth_mm = ss->depth_mm};
    }
    smp_age_desc ad = {.skin = &p->skin,
                       .sessions = sessions,
                       .session_count = pl->session_count,
                       .outdoor_hours_per_day = s->outdoor_hours_per_day,
                       .sunscreen_spf = s->sunscreen_spf};
    st = smp_age_create(&ad, &p->model, err);
    if (st != SMP_OK) smp_error_prefix(err, "plan");
    return st;
}

/* --- the client's hair ------------------------------------------------------------------ */

static smp_status build_hair(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    /* The fields see alopecia totalis as a head without a pattern; it has no hair at all. */
    if (s->client.pattern == SMP_PATTERN_TOTALIS) return SMP_OK;
    smp_hair_grow_desc d = {
        .mesh = &p->head, .fields = p->fields, .landmarks = &p->landmarks, .seed = s->seed};
    smp_status st = smp_hair_grow(&d, &p->hair, err);
    if (st != SMP_OK) smp_error_prefix(err, "client.hair");
    return st;
}

/* Every dot belongs to one session's count, within the set's capacity, on the head. */
static inline int dots_accounted(const smp_scene *s, const smp_pipeline *p) {
    size_t sum = 0;
    for (int i = 0; i < s->plan.session_count; ++i) sum += p->session_dots[i];
    if (sum != p->dots.count || p->dots.count > p->dots.capacity) return 0;
    for (size_t i = 0; i < p->dots.count; ++i)
        if (p->dots.triangle[i] >= p->head.triangle_count) return 0;
    return 1;
}

/* The stages after the head, on p's head: fields, then (for SMP_PIPELINE_ALL) the dots, the
 * model and the client's hair. */
static smp_status build_after_head(const smp_scene *s, smp_pipeline_stage stage, tracker *t,
                                   smp_pipeline *p, smp_error *err) {
    smp_status st = SMP_OK;
    double t1 = smp_clock_ms();
    if (stage >= SMP_PIPELINE_FIELDS) {
        tracker_step(t, t->share[STAGE_FIELDS]);
        st = build_fields(s, p, err);
    }
    double t2 = smp_clock_ms();
    p->fields_ms = t2 - t1;
    if (st == SMP_OK && stage >= SMP_PIPELINE_ALL) st = build_dots(s, p, t, err);
    double t3 = smp_clock_ms();
    p->scatter_ms = t3 - t2;
    if (st == SMP_OK && stage >= SMP_PIPELINE_ALL) {
        /* sessions that placed nothing leave their share undone */
        t->done = t->share[STAGE_HEAD] + t->share[STAGE_FIELDS] + t->share[STAGE_SCATTER];
        tracker_step(t, t->share[STAGE_MODEL]);
        st = build_model(s, p, err);
    }
    double t4 = smp_clock_ms();
    p->model_ms = t4 - t3;
    if (st == SMP_OK && stage >= SMP_PIPELINE_ALL) {
        tracker_step(t, t->share[STAGE_HAIR]);
        st = build_hair(s, p, err);
    }
    p->hair_ms = smp_clock_ms() - t4;
    assert(st != SMP_OK || stage < SMP_PIPELINE_ALL || dots_accounted(s, p));
    return st;
}

smp_status smp_pipeline_build_with(const smp_scene *s, smp_pipeline_stage stage,
                                   const smp_pipeline_options *options, smp_pipeline *p,
                                   smp_error *err) {
    const smp_pipeline_options none = {0};
    const smp_pipeline_options *o = options ? options : &none;
    const smp_pipeline *head = o->head;
    const smp_pipeline_progress *progress = o->progress;
    memset(p, 0, sizeof *p);
    tracker t = tracker_start(progress, stage, head != NULL);
    double t0 = smp_clock_ms();
    tracker_step(&t, t.share[STAGE_HEAD]);
    smp_status st =
        head ? smp_pipeline_copy_head(head, p, err) : build_head(s, o->guess_landmarks, p, err);
    p->head_ms = head ? 0.0 : smp_clock_ms() - t0;
    if (st == SMP_OK) st = build_after_head(s, stage, &t, p, err);
    if (st == SMP_OK && progress) progress->step(progress->user, 1.0, 1.0);
    if (st != SMP_OK) smp_pipeline_free(p);
    return st;
}

smp_status smp_pipeline_build(const smp_scene *s, smp_pipeline_stage stage, smp_pipeline *p,
                              smp_error *err) {
    return smp_pipeline_build_with(s, stage, NULL, p, err);
}

int smp_pipeline_same_head(const smp_scene *a, const smp_scene *b) {
    const smp_scene_head *x = &a->head, *y = &b->head;
    char pa[SMP_SCENE_PATH_MAX + 256], pb[SMP_SCENE_PATH_MAX + 256];
    resolve_mesh_path(a, pa, sizeof pa);
    resolve_mesh_path(b, pb, sizeof pb);
    if (strcmp(pa, pb) != 0 || x->units != y->units || x->up != y->up || x->facing != y->facing ||
        x->edge_mm != y->edge_mm || x->resolution != y->resolution ||
        x->landmarks_frame != y->landmarks_frame)
        return 0;
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        if (x->landmark_set[i] != y->landmark_set[i]) return 0;
        for (int k = 0; x->landmark_set[i] && k < 3; ++k)
            if (x->landmarks_mm[i][k] != y->landmarks_mm[i][k]) return 0;
    }
    return 1;
}

smp_status smp_pipeline_copy_head(const smp_pipeline *from, smp_pipeline *to, smp_error *err) {
    const smp_mesh *m = &from->head;
    smp_status st = smp_mesh_alloc(&to->head, m->vertex_count, m->triangle_count, err);
    if (st != SMP_OK) return st;
    memcpy(to->head.positions, m->positions, sizeof(float) * 3 * m->vertex_count);
    memcpy(to->head.normals, m->normals, sizeof(float) * 3 * m->vertex_count);
    memcpy(to->head.uvs, m->uvs, sizeof(float) * 2 * m->vertex_count);
    memcpy(to->head.indices, m->indices, sizeof(uint32_t) * 3 * m->triangle_count);
    to->bounds = from->bounds;
    to->landmarks = from->landmarks;
    to->imported = from->imported;
    to->import = from->import;
    memcpy(to->head_source, from->head_source, sizeof to->head_source);
    return SMP_OK;
}

void smp_pipeline_free(smp_pipeline *p) {
    smp_age_destroy(p->model);
    smp_hair_set_free(&p->hair);
    smp_dots_free(&p->dots);
    smp_fields_destroy(p->fields);
    smp_mesh_free(&p->head);
    memset(p, 0, sizeof *p);
}

void smp_pipeline_camera(const smp_pipeline *p, smp_view view, float aspect, smp_camera *cam) {
    if (view != SMP_VIEW_CLOSEUP || p->head.vertex_count == 0) {
        smp_camera_frame_points(view, p->head.positions, p->head.vertex_count, aspect,
                                SMP_CAMERA_CLINIC_FILL, cam);
        return;
    }
    /* The scalp point seen from the head-frame origin 65° above the face's direction: the
     * front of the scalp just behind a typical hairline, where the eye judges the work. */
    const float dir[3] = {0, 0.9063f, 0.4226f};
    uint32_t best = 0;
    float best_dot = -2;
    for (uint32_t i = 0; i < p->head.vertex_count; ++i) {
        const float *q = p->head.positions + 3 * (size_t)i;
        float len = sqrtf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
        float d = len > 0 ? (q[0] * dir[0] + q[1] * dir[1] + q[2] * dir[2]) / len : -2;
        if (d > best_dot) best_dot = d, best = i;
    }
    smp_camera_closeup(p->head.positions + 3 * (size_t)best, p->head.normals + 3 * (size_t)best,
                       10.0f, aspect, cam);
}

smp_status smp_pipeline_vertex_dot_density(const smp_pipeline *p, float *density_per_cm2,
                                           smp_error *err) {
    const smp_mesh *m = &p->head;
    double *area = calloc(m->vertex_count ? m->vertex_count : 1, sizeof *area);
    double *dots = calloc(m->vertex_count ? m->vertex_count : 1, sizeof *dots);
    if (!area || !dots) {
        free(area);
        free(dots);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring the dot density");
    }
    /* Each vertex stands for a third of the area of its triangles, and takes the share of each
     * dot its barycentric weight gives it: the density a linear interpolation would show. */
    smp_mesh_vertex_areas_mm2(m, area);
    for (size_t i = 0; i < p->dots.count; ++i) {
        const uint32_t *ix = m->indices + 3 * (size_t)p->dots.triangle[i];
        double v = p->dots.bary_u[i] / 65535.0, w = p->dots.bary_v[i] / 65535.0;
        dots[ix[0]] += 1.0 - v - w;
        dots[ix[1]] += v;
        dots[ix[2]] += w;
    }
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        density_per_cm2[v] = area[v] > 0 ? (float)(100.0 * dots[v] / area[v]) : 0.0f;
    free(area);
    free(dots);
    return SMP_OK;
}

smp_status smp_pipeline_rebuild_model(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    smp_pipeline fresh;
    memset(&fresh, 0, sizeof fresh);
    smp_status st = build_model(s, &fresh, err);
    if (st != SMP_OK) return st;
    smp_age_destroy(p->model);
    p->model = fresh.model;
    p->skin = fresh.skin;
    p->fringe = fresh.fringe;
    memcpy(p->skin_srgb, fresh.skin_srgb, sizeof p->skin_srgb);
    return SMP_OK;
}

int smp_pipeline_blend_at(const smp_pipeline *p, const smp_scene *s, double year, smp_blend *b) {
    double t;
    return p->model && smp_scene_model_years(s, year, &t) &&
           smp_blend_eval(p->model, &p->fringe, SMP_TISSUE_SKIN, t, b, NULL) == SMP_OK;
}

int smp_pipeline_touch_up_due(const smp_pipeline *p, const smp_scene *s, double *due_after) {
    double due;
    if (!p->model ||
        smp_blend_touch_up_due(p->model, &p->fringe, SMP_TISSUE_SKIN, &due, NULL) != SMP_OK)
        return 0;
    *due_after = isfinite(due) ? due - smp_scene_completion_years(s) : INFINITY;
    return 1;
}

smp_status smp_pipeline_model_at(const smp_pipeline *p, double t_years,
                                 smp_pipeline_frame_model *model, smp_error *err) {
    memset(model, 0, sizeof *model);
    if (!p->model) return SMP_OK;
    model->sessions = smp_age_session_count(p->model);
    return smp_age_uniforms(p->model, t_years, model->sk, model->consts, err);
}

/* --- what an edit invalidates ----------------------------------------------------------- */

static int same_number(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* Every input of the fields, compared member by member (no padding is compared). */
static int same_fields(const smp_scene *a, const smp_scene *b) {
    smp_fields_desc x, y;
    smp_error ignored = {0};
    if (a->client.pattern != b->client.pattern) return 0; /* totalis reads as no pattern */
    if (fields_desc_of(a, &x, &ignored) != SMP_OK || fields_desc_of(b, &y, &ignored) != SMP_OK)
        return 0; /* the rebuild reports it */
    if (memcmp(&x.hair, &y.hair, sizeof x.hair) ||
        memcmp(&x.pattern, &y.pattern, sizeof x.pattern) ||
        memcmp(&x.hairline, &y.hairline, sizeof x.hairline) || x.scar_count != y.scar_count ||
        x.seed != y.seed)
        return 0;
    return memcmp(x.scars, y.scars, sizeof x.scars[0] * (size_t)x.scar_count) == 0;
}

/* What the scatter of each session reads beyond the fields. */
static int same_dots(const smp_scene *a, const smp_scene *b) {
    const smp_scene_plan *x = &a->plan, *y = &b->plan;
    if (a->seed != b->seed || x->rule != y->rule ||
        !same_number(x->full_density_per_cm2, y->full_density_per_cm2) ||
        x->dot_count != y->dot_count || !same_number(x->technician_skill, y->technician_skill) ||
        x->session_count != y->session_count)
        return 0;
    for (int i = 0; i < x->session_count; ++i) {
        const smp_scene_session *u = &x->sessions[i], *v = &y->sessions[i];
        if (u->kind != v->kind || !same_number(u->density_fraction, v->density_fraction) ||
            u->ink != v->ink || !same_number(u->dilution, v->dilution) ||
            !same_number(u->needle_diameter_mm, v->needle_diameter_mm) ||
            u->needle_points != v->needle_points || !same_number(u->depth_mm, v->depth_mm) ||
            !same_number(u->depth_sd_mm, v->depth_sd_mm) || u->region_count != v->region_count ||
            memcmp(u->regions, v->regions, sizeof u->regions[0] * (size_t)u->region_count))
            return 0;
    }
    return 1;
}

/* What the skin, the fringe and the ageing model read beyond the dots: the skin, the hair the
 * fringe is made of, the sessions' dates and the client's life. */
static int same_model(const smp_scene *a, const smp_scene *b) {
    const smp_scene_client *x = &a->client, *y = &b->client;
    if (x->mst != y->mst || x->fitzpatrick != y->fitzpatrick ||
        !same_number(x->melanin_fraction, y->melanin_fraction) ||
        !same_number(x->eumelanin_share, y->eumelanin_share) ||
        !same_number(x->blood_fraction, y->blood_fraction) ||
        strcmp(x->hair_color, y->hair_color) != 0 ||
        !same_number(x->hair_density_fu_per_cm2, y->hair_density_fu_per_cm2) ||
        !same_number(x->hairs_per_fu, y->hairs_per_fu) ||
        !same_number(x->shaft_diameter_um, y->shaft_diameter_um) ||
        !same_number(smp_scene_stubble_mm(x), smp_scene_stubble_mm(y)) ||
        !same_number(a->outdoor_hours_per_day, b->outdoor_hours_per_day) ||
        !same_number(a->sunscreen_spf, b->sunscreen_spf))
        return 0;
    for (int i = 0; i < a->plan.session_count; ++i)
        if (a->plan.sessions[i].day != b->plan.sessions[i].day) return 0;
    return 1;
}

smp_pipeline_change smp_pipeline_invalidated(const smp_scene *before, const smp_scene *after) {
    if (!smp_pipeline_same_head(before, after)) return SMP_PIPELINE_CHANGED_HEAD;
    if (!same_fields(before, after)) return SMP_PIPELINE_CHANGED_FIELDS;
    if (!same_dots(before, after)) return SMP_PIPELINE_CHANGED_DOTS;
    if (!same_model(before, after)) return SMP_PIPELINE_CHANGED_MODEL;
    return SMP_PIPELINE_UNCHANGED;
}

/* New dots and model on p's head and fields; on failure p is unchanged. */
smp_status smp_pipeline_dots_build(const smp_scene *s, const smp_pipeline *p,
                                   smp_pipeline_dots *part, smp_error *err) {
    part->p = *p; /* the head, fields and hair are p's, read only */
    smp_pipeline *fresh = &part->p;
    memset(&fresh->dots, 0, sizeof fresh->dots);
    memset(fresh->session_dots, 0, sizeof fresh->session_dots);
    fresh->model = NULL;
    tracker quiet = tracker_start(NULL, SMP_PIPELINE_ALL, 0);
    double t0 = smp_clock_ms();
    smp_status st = build_dots(s, fresh, &quiet, err);
    double t1 = smp_clock_ms();
    if (st == SMP_OK) st = build_model(s, fresh, err);
    fresh->scatter_ms = t1 - t0;
    fresh->model_ms = smp_clock_ms() - t1;
    if (st != SMP_OK) smp_pipeline_dots_free(part);
    return st;
}

void smp_pipeline_dots_take(smp_pipeline *p, smp_pipeline_dots *part) {
    smp_pipeline *fresh = &part->p;
    smp_dots_free(&p->dots);
    smp_age_destroy(p->model);
    p->dots = fresh->dots;
    memcpy(p->session_dots, fresh->session_dots, sizeof p->session_dots);
    p->skin = fresh->skin, p->fringe = fresh->fringe, p->model = fresh->model;
    memcpy(p->skin_srgb, fresh->skin_srgb, sizeof p->skin_srgb);
    p->scatter_ms = fresh->scatter_ms, p->model_ms = fresh->model_ms;
    memset(part, 0, sizeof *part);
}

void smp_pipeline_dots_free(smp_pipeline_dots *part) {
    smp_dots_free(&part->p.dots);
    smp_age_destroy(part->p.model);
    memset(part, 0, sizeof *part);
}

static smp_status rebuild_dots(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    smp_pipeline_dots part;
    smp_status st = smp_pipeline_dots_build(s, p, &part, err);
    if (st == SMP_OK) smp_pipeline_dots_take(p, &part);
    return st;
}

/* Everything but the head anew, on p's own head (moved, not copied); on failure p is
 * unchanged. */
static smp_status rebuild_after_head(const smp_scene *s, smp_pipeline *p, smp_error *err) {
    smp_pipeline fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.head = p->head, fresh.bounds = p->bounds, fresh.landmarks = p->landmarks;
    fresh.imported = p->imported, fresh.import = p->import;
    memcpy(fresh.head_source, p->head_source, sizeof fresh.head_source);
    tracker quiet = tracker_start(NULL, SMP_PIPELINE_ALL, 1);
    smp_status st = build_after_head(s, SMP_PIPELINE_ALL, &quiet, &fresh, err);
    memset(&fresh.head, 0, sizeof fresh.head); /* still p's until this succeeds */
    if (st != SMP_OK) {
        smp_pipeline_free(&fresh);
        return st;
    }
    fresh.head = p->head;
    memset(&p->head, 0, sizeof p->head);
    smp_pipeline_free(p);
    *p = fresh;
    return SMP_OK;
}

smp_status smp_pipeline_update(const smp_scene *before, const smp_scene *after, smp_pipeline *p,
                               smp_pipeline_change *rebuilt, smp_error *err) {
    smp_pipeline_change change = smp_pipeline_invalidated(before, after);
    if (rebuilt) *rebuilt = change;
    smp_status st = SMP_OK;
    switch (change) {
    case SMP_PIPELINE_UNCHANGED: break;
    case SMP_PIPELINE_CHANGED_MODEL: st = smp_pipeline_rebuild_model(after, p, err); break;
    case SMP_PIPELINE_CHANGED_DOTS: st = rebuild_dots(after, p, err); break;
    case SMP_PIPELINE_CHANGED_FIELDS: st = rebuild_after_head(after, p, err); break;
    case SMP_PIPELINE_CHANGED_HEAD: {
        smp_pipeline fresh;
        st = smp_pipeline_build(after, SMP_PIPELINE_ALL, &fresh, err);
        if (st == SMP_OK) {
            smp_pipeline_free(p);
            *p = fresh;
        }
        break;
    }
    }
    return st;
}
