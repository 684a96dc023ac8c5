/*
 * smp/scene.h — one client and one treatment, read from a JSON scene file.
 *
 * A scene says which head (built-in or a mesh file), who the client is (skin, hair, balding
 * pattern, scars), what the practitioner plans (hairline, sessions with dates, ink, needle,
 * depth, touch-ups), how the client lives (sun, sunscreen), the seed, and which views and years
 * to show. Every field is optional and has a documented default (docs/SCENE.md, generated from
 * the same table this module validates with: `smpsim check --schema`). The built-in default
 * scene is scenes/default.json, embedded in the library.
 *
 *   smp_scene scene;
 *   smp_scene_report rep = {0};
 *   smp_scene_source src = {.path = "client.json", .sets = sets, .set_count = n};
 *   if (smp_scene_load(&src, &scene, &rep) != SMP_OK)
 *       for (int i = 0; i < rep.count; ++i) fprintf(stderr, "%s\n", rep.messages[i]);
 *   char *json = smp_scene_to_json(&scene);   // fully resolved, every default filled in
 *
 * Errors name the file, the line, the JSON path, the value found and what was expected;
 * unknown fields are errors (with a "did you mean" when a known field is close), and all the
 * errors of a file are reported at once (up to SMP_SCENE_MAX_MESSAGES).
 *
 * Does NOT: build the head, evaluate fields, scatter or age dots. It only says what to do.
 */
#ifndef SMP_SCENE_H
#define SMP_SCENE_H

#include <stddef.h>

#include "smp/age.h"    /* smp_ink_class */
#include "smp/fields.h" /* smp_pattern_kind, smp_hairline_shape, smp_scar_kind, smp_region */
#include "smp/landmarks.h"
#include "smp/mesh_import.h" /* smp_units, smp_axis */
#include "smp/scatter.h"     /* smp_scatter_rule */
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SMP_SCENE_TEXT_MAX = 512,    /* name, description, colours, dates, enum words */
    SMP_SCENE_PATH_MAX = 1024,   /* head.mesh */
    SMP_SCENE_MAX_SESSIONS = 16, /* sessions and touch-ups together */
    SMP_SCENE_MAX_SCARS = 32,
    SMP_SCENE_MAX_POINTS = 32, /* vertices of a burn polygon, points of a scar curve */
    SMP_SCENE_MAX_REGIONS = 4,
    SMP_SCENE_MAX_ZONES = 9, /* the score's zones (smp/score.h) */
    SMP_SCENE_MAX_VIEWS = 8,
    SMP_SCENE_MAX_YEARS = 16,
    SMP_SCENE_MAX_MESSAGES = 32,
    SMP_SCENE_MESSAGE_MAX = 384,
    SMP_SCENE_FILE_MAX = 16 << 20, /* bytes: a scene is a few kB; a larger file is refused */
};

/* Words of the enumerated fields; each enum's values index its word list (docs/SCENE.md). */
typedef enum { SMP_SESSION_TREATMENT, SMP_SESSION_TOUCH_UP } smp_session_kind;

/* The frame of head.landmarks: the head frame (mm, origin between the ear canals), or the mesh
 * file's own coordinates and units, which are applied before estimation (so a scan whose
 * landmarks cannot be estimated is rescued by giving them). */
typedef enum { SMP_LANDMARKS_HEAD_FRAME, SMP_LANDMARKS_FILE_FRAME } smp_landmarks_frame;

typedef struct smp_scene_head {
    char mesh[SMP_SCENE_PATH_MAX]; /* "auto", "builtin" or a mesh file (relative to the scene) */
    smp_units units;
    smp_axis up, facing;
    double edge_mm;                 /* target edge length of imported meshes after smoothing */
    int resolution;                 /* built-in head: cells per cube-face edge */
    int landmark_set[SMP_LM_COUNT]; /* 1 where the scene overrides that landmark */
    double landmarks_mm[SMP_LM_COUNT][3];
    smp_landmarks_frame landmarks_frame; /* the frame landmarks_mm are written in */
} smp_scene_head;

typedef struct smp_scene_scar {
    smp_scar_kind kind;
    /* NaN (null in the file) and count 0 stand for the scar type's usual value. */
    double center_deg[2]; /* where on the scalp: azimuth (0 = front, +90 = client's left) and
                             elevation above the ear-canal plane, degrees */
    double width_mm, length_mm;
    double angle_deg; /* orientation of a curve or ellipse on the scalp, 0 = left-right */
    double bend_mm;   /* rise of a linear scar's ends */
    double band_mm;   /* FUE donor band height */
    int count;        /* FUE scars, plug rows */
    double diameter_mm;
    int point_count; /* burn polygon vertices, in scalp degrees [azimuth, elevation] */
    double points_deg[SMP_SCENE_MAX_POINTS][2];
} smp_scene_scar;

typedef struct smp_scene_client {
    char name[SMP_SCENE_TEXT_MAX];       /* who the case is for; "" = not given */
    int mst;                             /* Monk Skin Tone 1..10 */
    int fitzpatrick;                     /* I..VI as 1..6: sun behaviour, not colour */
    double melanin_fraction;             /* NaN = from the MST preset */
    double eumelanin_share;              /* NaN = from the MST preset */
    double blood_fraction;               /* NaN = from the MST preset */
    char hair_color[SMP_SCENE_TEXT_MAX]; /* "#rrggbb" sRGB */
    double hair_density_fu_per_cm2, hairs_per_fu, shaft_diameter_um;
    double stubble_mm;       /* NaN = from days_since_shave, or 0.5 when that is null too */
    double days_since_shave; /* NaN = not given (stubble_mm says the length) */
    double growth_mm_per_day;
    smp_pattern_kind pattern;
    char stage[SMP_SCENE_TEXT_MAX]; /* Norwood I..VII, IIa..Va, III-vertex; Ludwig I..III */
    int frontal_accentuation;       /* Olsen, Ludwig only */
    double transition_mm;
    int scar_count;
    smp_scene_scar scars[SMP_SCENE_MAX_SCARS];
} smp_scene_client;

typedef struct smp_scene_session {
    smp_session_kind kind;
    int day; /* days after the first session */
    double density_fraction;
    smp_ink_class ink;
    double dilution; /* water fraction of the ink: 0 = undiluted carbon */
    double needle_diameter_mm;
    int needle_points;
    double depth_mm, depth_sd_mm;
    int region_count;
    smp_region regions[SMP_SCENE_MAX_REGIONS];
} smp_scene_session;

typedef struct smp_scene_plan {
    smp_scatter_rule rule;       /* a scene always names one (blue noise unless it says) */
    double full_density_per_cm2; /* dots/cm² at density_fraction 1 */
    int dot_count;               /* exact total when > 0, instead of the density */
    double technician_skill;     /* 0 novice .. 1 expert: spread of size and depth */
    smp_hairline_shape hairline;
    double hairline_height_mm, frontotemporal_angle_deg, temple_depth_mm, hairline_softness_mm;
    double micro_irregularity_mm, micro_scale_mm, macro_irregularity_mm, macro_scale_mm;
    int session_count;
    smp_scene_session sessions[SMP_SCENE_MAX_SESSIONS];
} smp_scene_plan;

/* An exercise of training mode (docs/TRAINING.md): where and how densely the trainee should
 * place dots, in which of the plan's sessions, with which tool. The plan's hairline is the
 * hairline design; the plan itself is what the expert version follows. */
typedef struct smp_scene_training {
    int enabled;            /* the scene is an exercise */
    int session;            /* plan session the trainee works in; earlier ones are done */
    double density_per_cm2; /* target total density; 0 = the plan's after that session */
    int region_count;
    smp_region regions[SMP_SCENE_MAX_REGIONS]; /* where the target applies */
    int zone_count;                            /* 0: the regions everywhere */
    int zones[SMP_SCENE_MAX_ZONES]; /* else only within these zones of smp/score.h (0 = top) */
    double spot_deg[2];     /* [azimuth, elevation] of a spot the target is limited to; NaN: none */
    double spot_radius_deg; /* its radius, as an angle seen from the head-frame origin */
    int hairline;           /* score the plan's designed hairline */
    double dilution;        /* the shade: water fraction of the ink */
    double depth_mm;        /* intended pigment depth */
    int needle_points;
    double needle_diameter_mm;
    double steadiness;     /* the simulated hand, 0.01..1 (as technician_skill) */
    double stroke_rate_hz; /* punctures per second while a stroke is held */
} smp_scene_training;

typedef struct smp_scene {
    char name[SMP_SCENE_TEXT_MAX];
    char description[SMP_SCENE_TEXT_MAX];
    unsigned long seed;
    smp_scene_head head;
    smp_scene_client client;
    smp_scene_plan plan;
    double outdoor_hours_per_day;
    double sunscreen_spf; /* 1 = none */
    int view_count;
    int views[SMP_SCENE_MAX_VIEWS]; /* smp_view */
    int year_count;
    double years[SMP_SCENE_MAX_YEARS]; /* shown times: see "Times shown" below */
    smp_scene_training training;
    char source[SMP_SCENE_PATH_MAX]; /* the file it came from, or "<built-in default>" */
} smp_scene;

/* The name a scene has when its file gives none: its pictures are then titled from its
 * choices (smp_describe_title). */
#define SMP_SCENE_UNTITLED "Untitled scene"

typedef struct smp_scene_source {
    const char *path;        /* scene file; NULL = the built-in default scene */
    const char *text;        /* or the scene's text itself (path then only names it) */
    size_t text_size;        /* bytes of text */
    const char *const *sets; /* "path=value" overrides, applied in order after the file */
    int set_count;
} smp_scene_source;

typedef struct smp_scene_report {
    int count;   /* messages kept */
    int dropped; /* messages past SMP_SCENE_MAX_MESSAGES */
    char messages[SMP_SCENE_MAX_MESSAGES][SMP_SCENE_MESSAGE_MAX];
    smp_error first; /* the first error with its status, for callers that want one line */
} smp_scene_report;

/* Loads, validates and resolves a scene; on error fills rep with every problem found
 * (file:line: path: found X, expected Y) and returns its status (SMP_ERR_FORMAT for content,
 * SMP_ERR_IO for an unreadable file, SMP_ERR_INVALID_ARG for a bad --set). Cost: linear in the
 * file size; allocates only while parsing. */
smp_status smp_scene_load(const smp_scene_source *src, smp_scene *out, smp_scene_report *rep);

/* The client's stubble above the skin, mm: stubble_mm, or days_since_shave × growth_mm_per_day,
 * or 0.5 when neither is given. */
double smp_scene_stubble_mm(const smp_scene_client *client);

/* Fills every field with its documented default (an untreated scene is then one edit away:
 * the default plan has three sessions). */
void smp_scene_defaults(smp_scene *out);

/* The fully resolved scene as pretty-printed JSON (malloc'ed, caller frees; NULL if out of
 * memory). Loading this text gives back a bit-identical smp_scene. */
char *smp_scene_to_json(const smp_scene *scene);

/* Writes smp_scene_to_json atomically to path (temp file, fsync, rename). */
smp_status smp_scene_save(const smp_scene *scene, const char *path, smp_error *err);

/* The reference of every field as Markdown (the body of docs/SCENE.md; malloc'ed). */
char *smp_scene_schema_markdown(void);

/* The text of an embedded scene ("default.json"), or NULL. */
const char *smp_scene_embedded(const char *name, size_t *size);

/* --- Times shown ---------------------------------------------------------------------------
 *
 * A client asks "how will it look once it is done, and years later", so the times a scene
 * shows (render.years, `render --years`, the viewer's timeline) count years after the
 * completion of treatment: the day of the plan's last treatment session (touch-ups, which come
 * later, do not count). Two moments have names: "untreated", the client before any session
 * (no dots), and "healed", SMP_HEALED_DAYS (smp/age.h) after the last session, when the ink has
 * settled and the result is judged. The ageing model counts from the first session instead
 * (smp_age_*'s t_years); smp_scene_model_years converts at that edge. */

/* The two named moments as stored in smp_scene.years (below any year). */
#define SMP_YEAR_UNTREATED (-1.0)
#define SMP_YEAR_HEALED    (-2.0)
/* The range of a year after completion in a list of times shown. */
#define SMP_YEAR_MAX 50.0

/* The day of the last treatment session in years after the first session (0 without
 * sessions). */
double smp_scene_completion_years(const smp_scene *scene);

/* The ageing model's time (years after the first session) of a time shown: completion + year,
 * or completion + SMP_HEALED_DAYS for SMP_YEAR_HEALED. Returns 0 for SMP_YEAR_UNTREATED, which
 * has no model time (draw it without dots), else 1. */
int smp_scene_model_years(const smp_scene *scene, double year, double *t_years);

/* Where a time shown falls in time, for ordering lists: untreated first, healed at its
 * SMP_HEALED_DAYS after completion, a year at itself. */
double smp_year_order(double year);

/* Parses one time shown: "untreated", "healed" or a number of years after completion, 0 to
 * SMP_YEAR_MAX. The error quotes the token and says what was expected. */
smp_status smp_year_parse(const char *text, double *out, smp_error *err);

/* What a time shown is called. label: the caption that says what time counts from ("Untreated",
 * "Healed (30 days after the last session)", "Year 3 after completion"); tag: the short form
 * for file names and lists ("untreated", "healed", "y3"); word: the form smp_year_parse and
 * scene files read back ("untreated", "healed", "3"). Each writes at most size bytes. */
void smp_year_label(double year, char *out, size_t size);
void smp_year_tag(double year, char *out, size_t size);
void smp_year_word(double year, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
