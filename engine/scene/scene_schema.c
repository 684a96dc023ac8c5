/* The scene schema table. Each entry: JSON key, kind, where it lives, valid range, default,
 * unit and meaning. docs/SCENE.md is generated from this table (`smpsim check --schema`). */
#include "scene_schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define OFF(type, member) offsetof(type, member)
#define END                                                                                        \
    { 0 }

/* Field constructors, so each table row reads as one line of the reference. */
#define NUM(k, t, m, l, h, d, u, doc_)                                                             \
    {                                                                                              \
        .key = k, .kind = K_NUMBER, .off = OFF(t, m), .lo = l, .hi = h, .def = d, .unit = u,       \
        .doc = doc_                                                                                \
    }
/* A number whose range and default an engine header defines once (smp/param.h). */
#define NUM_PARAM(k, t, m, param, u, doc_) NUM_EXPANDED(k, t, m, param, u, doc_)
#define NUM_EXPANDED(...)                  NUM(__VA_ARGS__)
#define NUM_NULL(k, t, m, l, h, u, doc_)                                                           \
    {                                                                                              \
        .key = k, .kind = K_NUMBER, .off = OFF(t, m), .lo = l, .hi = h, .def = NAN, .nullable = 1, \
        .unit = u, .doc = doc_                                                                     \
    }
#define INT_PARAM(k, t, m, param, u, doc_) INT_EXPANDED(k, t, m, param, u, doc_)
#define INT_EXPANDED(...)                  INT(__VA_ARGS__)
#define INT(k, t, m, l, h, d, u, doc_)                                                             \
    {                                                                                              \
        .key = k, .kind = K_INT, .off = OFF(t, m), .lo = l, .hi = h, .def = d, .unit = u,          \
        .doc = doc_                                                                                \
    }
#define BOOL(k, t, m, d, doc_)                                                                     \
    { .key = k, .kind = K_BOOL, .off = OFF(t, m), .def = d, .doc = doc_ }
#define STR(k, t, m, d, chk, doc_)                                                                 \
    {                                                                                              \
        .key = k, .kind = K_STRING, .off = OFF(t, m), .aux = sizeof(((t *)0)->m), .def_text = d,   \
        .check_text = chk, .doc = doc_                                                             \
    }
#define ENUM(k, t, m, w, d, doc_)                                                                  \
    { .key = k, .kind = K_ENUM, .off = OFF(t, m), .words = w, .def = d, .doc = doc_ }
/* An enum whose first word has the value `first` rather than 0. */
#define ENUM_FROM(k, t, m, w, first_, d, doc_)                                                     \
    {                                                                                              \
        .key = k, .kind = K_ENUM, .off = OFF(t, m), .words = w, .first = first_, .def = d,         \
        .doc = doc_                                                                                \
    }
#define OBJ(k, t, m, ch, doc_)                                                                     \
    { .key = k, .kind = K_OBJECT, .off = OFF(t, m), .children = ch, .doc = doc_ }
#define OBJ_FLAT(k, ch, doc_)                                                                      \
    { .key = k, .kind = K_OBJECT, .off = 0, .children = ch, .doc = doc_ }

static const char *const k_units[] = {"auto", "mm", "cm", "m", "inch", NULL};
static const char *const k_axes[] = {"auto", "+x", "-x", "+y", "-y", "+z", "-z", NULL};
static const char *const k_patterns[] = {"none", "norwood", "ludwig", "totalis", NULL};
static const char *const k_hairlines[] = {"none",        "straight", "rounded",
                                          "widows_peak", "winged",   NULL};
static const char *const k_scars[] = {"fut",    "fue",       "craniotomy", "burn",
                                      "areata", "reduction", "plugs",      NULL};
/* From SMP_SCATTER_BLUE on (the scatter core keeps 0 for its own default). */
static const char *const k_rules[] = {"blue", "poisson", "grid", NULL};
static const char *const k_inks[] = {"carbon", "temporary", NULL};
static const char *const k_session_kinds[] = {"session", "touch_up", NULL};
static const char *const k_regions[] = {"scalp", "bald", "thinning", "scars", NULL};
/* The score's zones, in smp_score_zone_name's order. */
static const char *const k_zones[] = {
    "top",          "crown",     "back",       "front",      "left temple",
    "right temple", "left side", "right side", "lower head", NULL};
/* Same order as smp_view in smp/camera.h; a test holds them equal. */
static const char *const k_views[] = {"front", "back",          "left",    "right",
                                      "top",   "three-quarter", "closeup", NULL};
/* The named times of render.years, stored as SMP_YEAR_UNTREATED (-1) and SMP_YEAR_HEALED (-2). */
static const char *const k_landmark_frames[] = {"head", "file", NULL};
static const char *const k_year_words[] = {"untreated", "healed", NULL};

static int check_hex_colour(const char *s, char *why, size_t n) {
    int ok = s[0] == '#' && strlen(s) == 7;
    for (int i = 1; ok && i < 7; ++i) ok = isxdigit((unsigned char)s[i]) != 0;
    if (!ok) snprintf(why, n, "an sRGB colour \"#rrggbb\"");
    return ok;
}

/* --- head ------------------------------------------------------------------------------- */

#define LANDMARK(name, id)                                                                         \
    {                                                                                              \
        .key = name, .kind = K_VEC3, .off = OFF(smp_scene_head, landmarks_mm[id]),                 \
        .aux = OFF(smp_scene_head, landmark_set[id]), .lo = -1e6, .hi = 1e6, .nullable = 1,        \
        .unit = "mm or file units",                                                                \
        .doc = "[x, y, z] in landmarks_frame; null = located on the head"                          \
    }

static const field k_landmarks[] = {
    LANDMARK("glabella", SMP_LM_GLABELLA),
    LANDMARK("nasion", SMP_LM_NASION),
    LANDMARK("vertex", SMP_LM_VERTEX),
    LANDMARK("inion", SMP_LM_INION),
    LANDMARK("tragion_left", SMP_LM_TRAGION_LEFT),
    LANDMARK("tragion_right", SMP_LM_TRAGION_RIGHT),
    LANDMARK("canthus_left", SMP_LM_CANTHUS_LEFT),
    LANDMARK("canthus_right", SMP_LM_CANTHUS_RIGHT),
    END,
};

static const field k_head[] = {
    STR("mesh", smp_scene_head, mesh, "auto", NULL,
        "\"builtin\" (procedural head), \"auto\" (the MakeHuman head of Debian's "
        "assimp-testmodels where installed, else builtin), or a mesh file (OBJ, PLY, STL, "
        "glTF/GLB, DAE/ZAE, OFF) relative to the scene file"),
    ENUM("units", smp_scene_head, units, k_units, SMP_UNITS_AUTO,
         "units of the mesh file; auto detects them from the head's size"),
    ENUM("up", smp_scene_head, up, k_axes, SMP_AXIS_AUTO,
         "axis of the mesh file that points up; auto reads the file, then the shape"),
    ENUM("facing", smp_scene_head, facing, k_axes, SMP_AXIS_AUTO,
         "axis of the mesh file the face looks along; auto finds the face from the shape"),
    NUM("edge_mm", smp_scene_head, edge_mm, 0.5, 10, 3, "mm",
        "target edge length of an imported mesh after smooth subdivision"),
    INT("resolution", smp_scene_head, resolution, 16, 512, 96, "cells",
        "built-in head: grid cells along each cube-face edge"),
    ENUM("landmarks_frame", smp_scene_head, landmarks_frame, k_landmark_frames,
         SMP_LANDMARKS_HEAD_FRAME,
         "what head.landmarks are written in: \"head\" (mm, origin midway between the ear "
         "canals, +Y up, +Z facing; moved after estimation) or \"file\" (the mesh file's own "
         "coordinates and units, given to the estimation, so a scan whose landmarks cannot be "
         "estimated can be rescued)"),
    {.key = "landmarks",
     .kind = K_OBJECT,
     .off = 0,
     .children = k_landmarks,
     .doc = "landmark overrides, each checked to lie on the head's surface"},
    END,
};

/* --- client ----------------------------------------------------------------------------- */

static const field k_skin[] = {
    INT_PARAM("mst", smp_scene_client, mst, SMP_SKIN_MST, NULL,
              "Monk Skin Tone 1 (lightest) .. 10 (darkest): the skin's colour"),
    INT_PARAM("fitzpatrick", smp_scene_client, fitzpatrick, SMP_SKIN_FITZPATRICK, NULL,
              "Fitzpatrick type I..VI as 1..6: how the skin responds to sun (not its colour)"),
    NUM_NULL("melanin_fraction", smp_scene_client, melanin_fraction, 0.01, 0.45, "fraction",
             "epidermal melanosome volume fraction; null = from the MST preset"),
    NUM_NULL("eumelanin_share", smp_scene_client, eumelanin_share, 0, 1, "fraction",
             "eumelanin share of the melanin (rest pheomelanin); null = from the MST preset"),
    NUM_NULL("blood_fraction", smp_scene_client, blood_fraction, 0.001, 0.1, "fraction",
             "dermal blood volume fraction; null = from the MST preset"),
    END,
};

static const field k_hair[] = {
    STR("color", smp_scene_client, hair_color, "#2a2420", check_hex_colour,
        "colour of the client's hair and stubble, sRGB"),
    NUM_PARAM("density_fu_per_cm2", smp_scene_client, hair_density_fu_per_cm2, SMP_HAIR_FU_PER_CM2,
              "FU/cm²", "native follicular units per cm² where hair is not lost"),
    NUM_PARAM("hairs_per_fu", smp_scene_client, hairs_per_fu, SMP_HAIR_HAIRS_PER_FU, "hairs",
              "hairs per follicular unit"),
    NUM_PARAM("shaft_diameter_um", smp_scene_client, shaft_diameter_um, SMP_HAIR_SHAFT_DIAMETER_UM,
              "µm", "hair shaft diameter"),
    NUM_NULL("stubble_mm", smp_scene_client, stubble_mm, SMP_PARAM_LO(SMP_HAIR_STUBBLE_MM),
             SMP_PARAM_HI(SMP_HAIR_STUBBLE_MM), "mm",
             "hair length above the skin: 0 razor-shaved, 0.3–1.5 mm a shaved look, longer (up "
             "to 600) for density SMP among long hair; null = from days_since_shave, or 0.5 "
             "when that is null too"),
    NUM_NULL("days_since_shave", smp_scene_client, days_since_shave, 0, 60, "days",
             "days since the client last shaved his head with a razor: the stubble is this "
             "times growth_mm_per_day; null = stubble_mm gives the length (give one, not both)"),
    NUM("growth_mm_per_day", smp_scene_client, growth_mm_per_day, 0.3, 0.45, 0.375, "mm/day",
        "how fast the client's hair grows (0.35–0.4 mm/day widely quoted)"),
    END,
};

static int check_stage_word(const char *s, char *why, size_t n) {
    static const char *const stages[] = {"I",  "II",  "IIa", "III", "IIIa", "III-vertex",
                                         "IV", "IVa", "V",   "Va",  "VI",   "VII"};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; ++i)
        if (strcmp(s, stages[i]) == 0) return 1;
    snprintf(why, n, "a stage: I, II, IIa, III, IIIa, III-vertex, IV, IVa, V, Va, VI or VII");
    return 0;
}

static const field k_pattern[] = {
    ENUM("type", smp_scene_client, pattern, k_patterns, SMP_PATTERN_NORWOOD,
         "balding classification: Hamilton–Norwood (men), Ludwig (women), totalis (no hair "
         "anywhere; stage ignored), or none"),
    STR("stage", smp_scene_client, stage, "V", check_stage_word,
        "Norwood I..VII, IIa..Va, III-vertex; Ludwig I..III"),
    BOOL("frontal_accentuation", smp_scene_client, frontal_accentuation, 0,
         "Ludwig only: Olsen's frontal accentuation (a Christmas-tree shaped parting)"),
    NUM_PARAM("transition_mm", smp_scene_client, transition_mm, SMP_PATTERN_TRANSITION_MM, "mm",
              "width of the soft, irregular edge between bald and hair-bearing scalp"),
    END,
};

static const field k_scar[] = {
    ENUM("type", smp_scene_scar, kind, k_scars, SMP_SCAR_FUT,
         "fut, fue, craniotomy, burn, areata, reduction or plugs"),
    {.key = "center_deg",
     .kind = K_NUMBER2,
     .off = OFF(smp_scene_scar, center_deg),
     .lo = -180,
     .hi = 180,
     .def_text = "null",
     .nullable = 1,
     .unit = "°",
     .doc = "[azimuth, elevation] on the scalp seen from the head-frame origin: azimuth 0 "
            "front, 90 client's left, 180 back; elevation above the ear-canal plane. null = "
            "the type's usual place (fut [180, 5], fue [180, 10], craniotomy [60, 50], areata "
            "[30, 60], reduction [0, 75], plugs [0, 55])"},
    NUM_NULL("width_mm", smp_scene_scar, width_mm, 0.2, 150, "mm",
             "width of a linear scar, or an areata ellipse's minor axis; null = the type's "
             "usual (fut 4, craniotomy 3, reduction 4, areata 25)"),
    NUM_NULL("length_mm", smp_scene_scar, length_mm, 0.5, 400, "mm",
             "length along the skin of a linear scar, the FUE band or the plug rows, or an "
             "areata ellipse's major axis; null = the type's usual (fut 180, fue 200, "
             "craniotomy 140, areata 35, reduction 120, plugs 100)"),
    NUM_NULL("angle_deg", smp_scene_scar, angle_deg, -180, 180, "°",
             "orientation on the skin, 0 = running left-right, 90 = front-back; null = the "
             "type's usual (reduction 90, others 0)"),
    NUM_NULL("bend_mm", smp_scene_scar, bend_mm, -100, 100, "mm",
             "linear scars: how far the ends rise, making an arc; null = the type's usual "
             "(fut 12, craniotomy 30)"),
    NUM_NULL("band_mm", smp_scene_scar, band_mm, 5, 120, "mm",
             "FUE: height of the donor band the scars are spread over; null = 50"),
    INT("count", smp_scene_scar, count, 0, 10000, 0, "scars",
        "FUE: number of donor scars (1..10000); plugs: rows (1..10); 0 = the type's usual "
        "(600 scars, 3 rows)"),
    NUM_NULL("diameter_mm", smp_scene_scar, diameter_mm, 0.3, 10, "mm",
             "FUE scar or plug diameter; null = 1 (FUE), 4 (plugs)"),
    {.key = "points_deg",
     .kind = K_POINT2_LIST,
     .off = OFF(smp_scene_scar, points_deg),
     .aux = OFF(smp_scene_scar, point_count),
     .lo = -180,
     .hi = 180,
     .max = SMP_SCENE_MAX_POINTS,
     .def_text = "[]",
     .unit = "°",
     .doc = "burn: polygon vertices [azimuth, elevation] (at least 3); other types ignore it"},
    END,
};

static const field k_client[] = {
    STR("name", smp_scene_client, name, "", NULL,
        "the client's name, as captions and the consultation report print it; \"\" = not given"),
    OBJ_FLAT("skin", k_skin, "skin colour and sun behaviour"),
    OBJ_FLAT("hair", k_hair, "the client's own hair"),
    OBJ_FLAT("pattern", k_pattern, "the balding pattern"),
    {.key = "scars",
     .kind = K_ARRAY,
     .off = OFF(smp_scene_client, scars),
     .aux = OFF(smp_scene_client, scar_count),
     .elem_size = sizeof(smp_scene_scar),
     .max = SMP_SCENE_MAX_SCARS,
     .children = k_scar,
     .def_text = "[]",
     .doc = "scars and hairless patches, each with its own tissue"},
    END,
};

/* --- plan ------------------------------------------------------------------------------- */

static const field k_ink[] = {
    ENUM("class", smp_scene_session, ink, k_inks, SMP_INK_CARBON,
         "carbon (permanent) or temporary (absorbable, gone in 2–3 years)"),
    NUM_PARAM("dilution", smp_scene_session, dilution, SMP_AGE_DILUTION, "fraction",
              "water fraction of the ink: 0 = undiluted black, higher = lighter shade"),
    END,
};

static const field k_needle[] = {
    NUM("diameter_mm", smp_scene_session, needle_diameter_mm, 0.1, 0.5, 0.25, "mm",
        "needle diameter (#04 0.18, #06 0.20, #08 0.25, #10 0.30)"),
    INT("points", smp_scene_session, needle_points, 1, 9, 3, "points",
        "needles in the grouping: 1 at the hairline, 3 elsewhere"),
    END,
};

static const field k_session[] = {
    ENUM("kind", smp_scene_session, kind, k_session_kinds, SMP_SESSION_TREATMENT,
         "session, or touch_up (re-darkens what it covers, years later)"),
    INT("day", smp_scene_session, day, 0, 36500, 0, "days",
        "days after the first session (the first is 0; strictly increasing)"),
    NUM("density_fraction", smp_scene_session, density_fraction, 0, 1, 1, "fraction",
        "cumulative density reached after this session, of plan.full_density_per_cm2"),
    {.key = "ink", .kind = K_OBJECT, .off = 0, .children = k_ink, .doc = "ink used"},
    {.key = "needle", .kind = K_OBJECT, .off = 0, .children = k_needle, .doc = "needle used"},
    NUM_PARAM("depth_mm", smp_scene_session, depth_mm, SMP_SCATTER_DEPTH_MM, "mm",
              "mean depth of the pigment below the skin surface"),
    NUM_PARAM("depth_sd_mm", smp_scene_session, depth_sd_mm, SMP_SCATTER_DEPTH_SD_MM, "mm",
              "standard deviation of the depth from dot to dot"),
    {.key = "regions",
     .kind = K_ENUM_LIST,
     .off = OFF(smp_scene_session, regions),
     .aux = OFF(smp_scene_session, region_count),
     .words = k_regions,
     .max = SMP_SCENE_MAX_REGIONS,
     .def_text = "[\"scalp\"]",
     .doc = "where the session places dots: scalp, bald, thinning, scars"},
    END,
};

/* The plan when a scene gives none: three sessions three weeks apart building 30 → 70 → 100 %
 * of the final density, lighter first (JCD 2025; clinics, see docs/MODEL.md). */
static int default_sessions(void *elements) {
    static const struct {
        int day;
        double fraction, dilution;
    } plan[] = {{0, 0.3, 0.6}, {21, 0.7, 0.45}, {42, 1.0, 0.35}};
    smp_scene_session *s = elements;
    for (int i = 0; i < 3; ++i) {
        s[i].day = plan[i].day;
        s[i].density_fraction = plan[i].fraction;
        s[i].dilution = plan[i].dilution;
    }
    return 3;
}

static const field k_hairline[] = {
    ENUM("shape", smp_scene_plan, hairline, k_hairlines, SMP_HAIRLINE_ROUNDED,
         "designed frontal hairline: none (density or scar work), straight, rounded, "
         "widows_peak or winged"),
    NUM_PARAM(
        "height_mm", smp_scene_plan, hairline_height_mm, SMP_HAIRLINE_HEIGHT_MM, "mm",
        "mid-frontal point above the glabella, along the forehead's midline (7 cm aggressive, "
        "10 cm conservative)"),
    NUM_PARAM("frontotemporal_angle_deg", smp_scene_plan, frontotemporal_angle_deg,
              SMP_HAIRLINE_FRONTOTEMPORAL_DEG, "°",
              "angle at the frontotemporal point, on the lateral-canthus line"),
    NUM_PARAM("temple_depth_mm", smp_scene_plan, temple_depth_mm, SMP_HAIRLINE_TEMPLE_DEPTH_MM,
              "mm", "how far the temple points recede behind the mid-frontal point"),
    NUM_PARAM("softness_mm", smp_scene_plan, hairline_softness_mm, SMP_HAIRLINE_SOFTNESS_MM, "mm",
              "width of the gradient from no dots to full density at the hairline"),
    NUM_PARAM("micro_irregularity_mm", smp_scene_plan, micro_irregularity_mm,
              SMP_HAIRLINE_MICRO_IRREGULARITY_MM, "mm",
              "amplitude of the fine irregularity of the hairline"),
    NUM_PARAM("micro_scale_mm", smp_scene_plan, micro_scale_mm, SMP_HAIRLINE_MICRO_SCALE_MM, "mm",
              "wavelength of the fine irregularity"),
    NUM_PARAM("macro_irregularity_mm", smp_scene_plan, macro_irregularity_mm,
              SMP_HAIRLINE_MACRO_IRREGULARITY_MM, "mm",
              "amplitude of the broad irregularity of the hairline"),
    NUM_PARAM("macro_scale_mm", smp_scene_plan, macro_scale_mm, SMP_HAIRLINE_MACRO_SCALE_MM, "mm",
              "wavelength of the broad irregularity"),
    END,
};

static const field k_plan[] = {
    ENUM_FROM("rule", smp_scene_plan, rule, k_rules, SMP_SCATTER_BLUE, SMP_SCATTER_BLUE,
              "dot placement: blue (minimum spacing, the look practitioners aim for), poisson "
              "(independent dots), or grid (a regular lattice: the mistake trainers show)"),
    NUM("full_density_per_cm2", smp_scene_plan, full_density_per_cm2, 5, 400, 80, "dots/cm²",
        "dot density at density_fraction 1"),
    INT("dot_count", smp_scene_plan, dot_count, 0, 100000000, 0, "dots",
        "exactly this many dots over the plan's regions instead of the density (0 = use the "
        "density): benchmarks and comparisons"),
    NUM_PARAM("technician_skill", smp_scene_plan, technician_skill, SMP_SCATTER_TECHNICIAN_SKILL,
              "0..1", "0.01 novice .. 1 expert: how much dot size and depth vary"),
    OBJ_FLAT("hairline", k_hairline, "the hairline the practitioner designs"),
    {.key = "sessions",
     .kind = K_ARRAY,
     .off = OFF(smp_scene_plan, sessions),
     .aux = OFF(smp_scene_plan, session_count),
     .elem_size = sizeof(smp_scene_session),
     .max = SMP_SCENE_MAX_SESSIONS,
     .children = k_session,
     .fill_default = default_sessions,
     .doc = "sessions and touch-ups in date order; absent = three sessions at days 0, 21, 42 "
            "reaching 30, 70 and 100 % density; [] = untreated"},
    END,
};

/* --- root ------------------------------------------------------------------------------- */

static const char *const k_no_sunscreen[] = {"none", NULL};

static const field k_lifestyle[] = {
    NUM_PARAM("outdoor_hours_per_day", smp_scene, outdoor_hours_per_day, SMP_AGE_OUTDOOR_HOURS,
              "h/day", "average hours outdoors per day with the scalp exposed"),
    {.key = "sunscreen_spf",
     .kind = K_NUMBER,
     .off = OFF(smp_scene, sunscreen_spf),
     .lo = SMP_PARAM_LO(SMP_AGE_SUNSCREEN_SPF),
     .hi = SMP_PARAM_HI(SMP_AGE_SUNSCREEN_SPF),
     .def = SMP_PARAM_DEFAULT(SMP_AGE_SUNSCREEN_SPF),
     .words = k_no_sunscreen,
     .unit = "SPF",
     .doc = "sun protection factor on the scalp when outdoors; \"none\", 0 or 1 = no sunscreen "
            "(written \"none\")"},
    END,
};

static const field k_render[] = {
    {.key = "views",
     .kind = K_ENUM_LIST,
     .off = OFF(smp_scene, views),
     .aux = OFF(smp_scene, view_count),
     .words = k_views,
     .max = SMP_SCENE_MAX_VIEWS,
     .def_text = "[\"front\", \"top\", \"back\", \"left\", \"right\"]",
     .doc = "default views: front, back, left, right, top (the clinic set: hair-restoration "
            "photographs), three-quarter, closeup (10 mm of the frontal scalp)"},
    {.key = "years",
     .kind = K_NUMBER_LIST,
     .off = OFF(smp_scene, years),
     .aux = OFF(smp_scene, year_count),
     .words = k_year_words,
     .lo = 0,
     .hi = SMP_YEAR_MAX,
     .max = SMP_SCENE_MAX_YEARS,
     .def_text = "[\"untreated\", \"healed\", 1, 3, 5, 10]",
     .unit = "years",
     .doc = "default times to show, in time order: \"untreated\" (before any session: no "
            "dots), \"healed\" (30 days after the last treatment session), or years after the "
            "completion of treatment (the last treatment session's day; touch-ups come later)"},
    END,
};

static const field k_training[] = {
    BOOL("enabled", smp_scene, training.enabled, 0,
         "the scene is a training exercise: `smpsim score` grades hand-placed dots against it"),
    INT("session", smp_scene, training.session, 0, SMP_SCENE_MAX_SESSIONS - 1, 0, "index",
        "the plan session the trainee works in; the sessions before it are already done"),
    NUM("density_per_cm2", smp_scene, training.density_per_cm2, 0, 400, 0, "dots/cm²",
        "target total density where the target applies; 0 = the plan's density after that "
        "session"),
    {.key = "regions",
     .kind = K_ENUM_LIST,
     .off = OFF(smp_scene, training.regions),
     .aux = OFF(smp_scene, training.region_count),
     .words = k_regions,
     .max = SMP_SCENE_MAX_REGIONS,
     .def_text = "[\"bald\"]",
     .doc = "where the target applies: scalp, bald, thinning, scars"},
    {.key = "zones",
     .kind = K_ENUM_LIST,
     .off = OFF(smp_scene, training.zones),
     .aux = OFF(smp_scene, training.zone_count),
     .words = k_zones,
     .max = SMP_SCENE_MAX_ZONES,
     .def_text = "[]",
     .doc = "limits the target to these areas of the score's table (docs/TRAINING.md: top, "
            "crown, back, front, left/right temple, left/right side, lower head); empty = "
            "wherever the regions are"},
    {.key = "spot_deg",
     .kind = K_NUMBER2,
     .off = OFF(smp_scene, training.spot_deg),
     .lo = -180,
     .hi = 180,
     .def_text = "null",
     .nullable = 1,
     .unit = "°",
     .doc = "limits the target to a round spot: its centre as [azimuth, elevation] seen from the "
            "head-frame origin (as a scar's center_deg: azimuth 0 front, 90 client's left, 180 "
            "back); null = no spot"},
    NUM("spot_radius_deg", smp_scene, training.spot_radius_deg, 2, 90, 30, "°",
        "the spot's radius, as an angle from the head-frame origin (1° ≈ 1.6 mm of scalp); its "
        "edge fades over 3° either way"),
    BOOL("hairline", smp_scene, training.hairline, 0,
         "score the frontal hairline against plan.hairline (softness, irregularity)"),
    NUM_PARAM("dilution", smp_scene, training.dilution, SMP_AGE_DILUTION, "fraction",
              "the shade to work in: water fraction of the ink"),
    NUM_PARAM("depth_mm", smp_scene, training.depth_mm, SMP_SCATTER_DEPTH_MM, "mm",
              "intended pigment depth; each puncture varies around it with the hand's steadiness"),
    INT("needle_points", smp_scene, training.needle_points, 1, 9, 3, "points",
        "needles in the grouping: 1 (1RL) at the hairline, 3 (3RL) elsewhere"),
    NUM("needle_diameter_mm", smp_scene, training.needle_diameter_mm, 0.1, 0.5, 0.25, "mm",
        "needle diameter (#04 0.18, #06 0.20, #08 0.25, #10 0.30)"),
    NUM("steadiness", smp_scene, training.steadiness, 0.01, 1, 0.6, "0..1",
        "the simulated hand: 1 = the steadiest; depth varies by 0.05 + 0.15·(1 − steadiness) mm"),
    NUM("stroke_rate_hz", smp_scene, training.stroke_rate_hz, 1, 50, 8, "1/s",
        "punctures per second while a stroke is held"),
    END,
};

static const field k_root_children[] = {
    STR("name", smp_scene, name, SMP_SCENE_UNTITLED, NULL,
        "the case's title; when left as it is, pictures are titled from the client and the plan"),
    STR("description", smp_scene, description, "", NULL,
        "what the case shows, for the practitioner"),
    {.key = "seed",
     .kind = K_SEED,
     .off = OFF(smp_scene, seed),
     .lo = 0,
     .hi = 4294967295.0,
     .def = 1,
     .doc = "seed of every random choice: same scene and seed, same dots"},
    OBJ("head", smp_scene, head, k_head, "the head"),
    OBJ("client", smp_scene, client, k_client, "the client"),
    OBJ("plan", smp_scene, plan, k_plan, "the treatment plan"),
    OBJ_FLAT("lifestyle", k_lifestyle, "what the skin goes through over the years"),
    OBJ_FLAT("render", k_render, "what to show by default"),
    OBJ_FLAT("training", k_training, "the exercise, when the scene is one (training mode)"),
    END,
};

const field scene_schema_root = {.key = "", .kind = K_OBJECT, .children = k_root_children};

int schema_child_count(const field *children) {
    int n = 0;
    while (children[n].key) ++n;
    return n;
}
