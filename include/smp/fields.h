/*
 * smp/fields.h — what the scalp is, point by point: hair, balding pattern, hairline, scars.
 *
 * Everything clinical in a treatment is a field on the head surface: where the client's own
 * hair grows and how dense it is, where the balding pattern took it, the hairline the
 * practitioner designs, and the scars with their own tissue. This module turns a description
 * of those (in millimetres, in the head frame of smp/landmarks.h) into values at any point,
 * cheap enough to evaluate at every vertex the scatter core sees, and measures their areas.
 *
 *   smp_fields_desc d = {0};                       // native hair, no loss, natural hairline
 *   d.pattern.kind = SMP_PATTERN_NORWOOD;
 *   d.pattern.stage = 5;                           // Norwood V
 *   d.hairline.shape = SMP_HAIRLINE_ROUNDED;       // 80 mm above the glabella
 *   smp_fields *f = NULL;
 *   smp_fields_create(&d, &head_mesh, &landmarks, &f, &err);
 *   smp_fields_out o = {.scalp = mask, .hair = mult, .tissue = tissue};
 *   smp_fields_eval(f, positions, n, &o);          // any points in the head frame
 *   smp_fields_vertex_density(f, &head_mesh, &treat, density_per_cm2, tissue, &err);
 *   smp_fields_measure(f, &head_mesh, 0, &areas, &err);   // cm²
 *   smp_fields_destroy(f);
 *
 * Positions are in millimetres in the head frame. Scars are placed by a direction [azimuth,
 * elevation] in degrees seen from the head-frame origin and an angle on the skin (0 = running
 * left-right); their lengths run along the skin (exact on a sphere, up to ~15 % short on the
 * sides of the head). Hairline heights are measured along the skin of the forehead's midline,
 * from the glabella. Every boundary is a smoothstep across a stated width and lies where the
 * value crosses 0.5; edges are irregular by seeded noise, and the same desc and seed give
 * bit-identical values on any thread count. How the patterns, hairlines and scars are laid
 * out, with their sources: docs/FIELDS.md.
 *
 * Does NOT: scatter dots (smp/scatter.h takes the per-vertex density this module gives), model
 * ink or skin (the age model reads the tissue class and pallor), parse scenes (the scene module
 * fills the desc), or estimate landmarks (smp/landmarks.h).
 */
#ifndef SMP_FIELDS_H
#define SMP_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "smp/dots.h"
#include "smp/landmarks.h"
#include "smp/mesh.h"
#include "smp/param.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_FIELDS_MAX_SCARS = 32, SMP_FIELDS_MAX_POINTS = 32 };

/* The vocabulary of balding, hairlines, scars and treated regions (scenes name them with the
 * words of smp/scene.h's lists, in this order). */
typedef enum {
    SMP_PATTERN_NONE,
    SMP_PATTERN_NORWOOD,
    SMP_PATTERN_LUDWIG,
    SMP_PATTERN_TOTALIS /* alopecia totalis: no hair anywhere */
} smp_pattern_kind;
typedef enum {
    SMP_HAIRLINE_NONE, /* no designed hairline: density SMP, scar work */
    SMP_HAIRLINE_STRAIGHT,
    SMP_HAIRLINE_ROUNDED,
    SMP_HAIRLINE_WIDOWS_PEAK,
    SMP_HAIRLINE_WINGED
} smp_hairline_shape;
typedef enum {
    SMP_SCAR_FUT, /* follicular-unit strip scar across the occiput */
    SMP_SCAR_FUE, /* many small round donor scars */
    SMP_SCAR_CRANIOTOMY,
    SMP_SCAR_BURN,      /* polygonal patch */
    SMP_SCAR_AREATA,    /* alopecia areata patch: no hair, normal skin */
    SMP_SCAR_REDUCTION, /* scalp-reduction scar along the midline */
    SMP_SCAR_PLUGS      /* rows of an outdated plug transplant */
} smp_scar_kind;
typedef enum {                   /* a bit position in region masks */
               SMP_REGION_SCALP, /* everywhere inside the designed hairline and the natural fringe,
                                    tapered into the client's own hair (fewer dots where it grows)
                                  */
               SMP_REGION_BALD,  /* where the balding pattern took the hair */
               SMP_REGION_THINNING, /* where hair is thinner than native: density SMP between hairs
                                     */
               SMP_REGION_SCARS     /* scar tissue and a blending margin around it */
} smp_region;

/* The client's own hair where it still grows. Sources: follicular units 48–110/cm², mean
 * ≈ 86 (J Soc Cosmet Chem 1977); 2.4–2.5 hairs per unit (Caucasian), 1.9 (Asian); shaft
 * 57–122 µm; growth 0.28–0.41 mm/day. */
typedef struct smp_hair_desc {
    float fu_per_cm2;        /* SMP_HAIR_FU_PER_CM2; 0 = the default */
    float hairs_per_fu;      /* SMP_HAIR_HAIRS_PER_FU; 0 = the default */
    float color_srgb[3];     /* 0..1 each (0, 0, 0 is black); default #2a2420 */
    float shaft_diameter_um; /* SMP_HAIR_SHAFT_DIAMETER_UM; 0 = the default */
    float stubble_mm;        /* SMP_HAIR_STUBBLE_MM: the length above the skin (0: razor-fresh) */
} smp_hair_desc;

/* Ranges and defaults (lo, hi, default: smp/param.h), shared with the scene schema. A desc
 * field whose range excludes 0 reads 0 as its default; where 0 is a value of its own (stubble,
 * temple depth, irregularity, colour, a scar's centre and angle), zero-initialised means 0 and
 * smp_fields_desc_default() / smp_scar_desc_default() give the defaults. */
#define SMP_HAIR_FU_PER_CM2                20, 150, 86
#define SMP_HAIR_HAIRS_PER_FU              1, 5, 2.4
#define SMP_HAIR_SHAFT_DIAMETER_UM         20, 200, 80
#define SMP_HAIR_STUBBLE_MM                0, 600, 0.5
#define SMP_PATTERN_TRANSITION_MM          2, 40, 15
#define SMP_HAIRLINE_HEIGHT_MM             40, 130, 80
#define SMP_HAIRLINE_FRONTOTEMPORAL_DEG    60, 160, 100
#define SMP_HAIRLINE_TEMPLE_DEPTH_MM       0, 60, 25
#define SMP_HAIRLINE_SOFTNESS_MM           0.5, 30, 6
#define SMP_HAIRLINE_MICRO_IRREGULARITY_MM 0, 10, 1.5
#define SMP_HAIRLINE_MICRO_SCALE_MM        0.5, 20, 3
#define SMP_HAIRLINE_MACRO_IRREGULARITY_MM 0, 20, 3
#define SMP_HAIRLINE_MACRO_SCALE_MM        5, 100, 25

/* Norwood variants: plain, "A" (front-to-back recession with no island of hair, stages 2..5)
 * and vertex (stage 3 only: temporal recession of III with crown loss). */
typedef enum smp_norwood_variant {
    SMP_NORWOOD_PLAIN = 0,
    SMP_NORWOOD_A,
    SMP_NORWOOD_VERTEX,
} smp_norwood_variant;

/* The balding pattern: Norwood I–VII with the "A" and vertex variants, or Ludwig I–III with
 * Olsen's frontal accentuation, scaled to the glabella–inion distance of the head in use.
 * Geometry and sources: docs/FIELDS.md.
 * Zero-init: no pattern (native hair everywhere the natural hairline encloses). */
typedef struct smp_pattern_desc {
    smp_pattern_kind kind;       /* SMP_PATTERN_NONE (0), _NORWOOD or _LUDWIG */
    int stage;                   /* Norwood 1..7, Ludwig 1..3; ignored for NONE */
    smp_norwood_variant variant; /* Norwood only */
    int frontal_accentuation;    /* Ludwig only: Olsen's Christmas-tree pattern */
    float transition_mm;         /* width of the soft irregular edge (SMP_PATTERN_TRANSITION_MM);
                                    0 = the default */
} smp_pattern_desc;

/* The hairline the practitioner designs for SMP (shape SMP_HAIRLINE_NONE = none: the treated
 * region is then the natural hair-bearing scalp, as for density SMP or scar work).
 * Height: the mid-frontal point lies height_mm above the glabella measured along the skin of
 * the forehead's midline (Garg 2017, Shapiro 2013: ≈ 80 mm; 70 aggressive, 100 conservative).
 * The frontotemporal points lie on the vertical through each lateral canthus, temple_depth_mm
 * behind the mid-frontal point; from there the temporal hairline runs down towards the
 * sideburn at frontotemporal_angle_deg from the frontal line, measured on the forehead side.
 * Shapes between the two frontotemporal points: straight (flat, square corners), rounded (an
 * even arc), widow's peak (a V at the midline on a rounded line), winged (a central forelock
 * with a recession on each side before the temples). Irregularity shifts the line by seeded
 * value noise: micro (amplitude, wavelength) and macro likewise; 0 amplitude = a smooth line. */
typedef struct smp_hairline_desc {
    smp_hairline_shape shape;
    float height_mm;                /* SMP_HAIRLINE_HEIGHT_MM, below the vertex; 0 = default */
    float frontotemporal_angle_deg; /* SMP_HAIRLINE_FRONTOTEMPORAL_DEG; 0 = default */
    float temple_depth_mm;          /* SMP_HAIRLINE_TEMPLE_DEPTH_MM; 0 = a flat line */
    float softness_mm;              /* no dots to full density (SMP_HAIRLINE_SOFTNESS_MM);
                                       0 = default */
    float micro_irregularity_mm;    /* SMP_HAIRLINE_MICRO_IRREGULARITY_MM; 0 = none */
    float micro_scale_mm;           /* SMP_HAIRLINE_MICRO_SCALE_MM; 0 = default */
    float macro_irregularity_mm;    /* SMP_HAIRLINE_MACRO_IRREGULARITY_MM; 0 = none */
    float macro_scale_mm;           /* SMP_HAIRLINE_MACRO_SCALE_MM; 0 = default */
} smp_hairline_desc;

/* One scar or hairless patch. Tissue: FUT, craniotomy, reduction → SMP_TISSUE_SCAR_LINEAR;
 * FUE and plugs → SMP_TISSUE_SCAR_PUNCTATE; burn → SMP_TISSUE_SCAR_BURN; areata → no hair,
 * normal skin. smp_scar_desc_default(kind) gives the kind's usual values; in a desc, a zero
 * width, length, band, diameter or count takes them too (0 is not valid there), while a zero
 * centre, angle, bend or pallor is that value:
 *   kind        center [az, el]  width  length  other
 *   fut         [180, 5]         4      180     bend 12 mm (ends rise towards the ears)
 *   fue         [180, 10]        —      200     band 50 mm high, count 600, diameter 1 mm
 *   craniotomy  [60, 50]         3      140     bend 30 mm
 *   burn        polygon points_deg (at least 3), required
 *   areata      [30, 60]         25     35      ellipse axes (minor, major)
 *   reduction   [0, 75]          4      120     angle 90 (front-back along the midline)
 *   plugs       [0, 55]          —      100     rows: count 3, diameter 4 mm, angle 0
 * Lengths run along the skin; bend_mm lifts the ends of a linear scar by that much (towards
 * +elevation for angle 0), making an arc. */
typedef struct smp_scar_desc {
    smp_scar_kind kind;
    float center_deg[2]; /* azimuth (0 front, +90 client's left, 180 back), elevation */
    float width_mm;      /* linear scars: width; areata: minor axis; 0.2..150 */
    float length_mm;     /* along the skin: linear scars, FUE band, plug rows; areata major */
    float angle_deg;     /* orientation on the skin, -180..180 */
    float bend_mm;       /* linear scars: rise of the ends, -100..100 */
    float band_mm;       /* FUE: height of the donor band; 0 = 50 */
    int count;           /* FUE scars (1..10000) or plug rows (1..10); 0 = default */
    float diameter_mm;   /* FUE scar or plug diameter, 0.3..10 */
    float pallor;        /* 0..1 how much paler than skin */
    int point_count;     /* burn: polygon vertices, 3..SMP_FIELDS_MAX_POINTS */
    float points_deg[SMP_FIELDS_MAX_POINTS][2]; /* burn: [azimuth, elevation] */
} smp_scar_desc;

typedef struct smp_fields_desc {
    smp_hair_desc hair;
    smp_pattern_desc pattern;
    smp_hairline_desc hairline;
    int scar_count; /* 0..SMP_FIELDS_MAX_SCARS */
    smp_scar_desc scars[SMP_FIELDS_MAX_SCARS];
    uint64_t seed; /* irregularity of pattern edges and hairline, FUE scar placement */
} smp_fields_desc;

typedef struct smp_fields smp_fields;

/* Every parameter at its default: the client's hair, no pattern, no designed hairline (set
 * .hairline.shape), no scars. Start from this where a field's 0 is a value of its own. */
smp_fields_desc smp_fields_desc_default(void);

/* A scar of the given kind with the kind's usual centre, size, angle, bend and pallor (the
 * table above); a burn still needs its polygon. */
smp_scar_desc smp_scar_desc_default(smp_scar_kind kind);

/* Validates desc (every error names the field, the value and the valid range), measures the
 * midline profile of head, and precomputes the curves and scar layouts. head must be in the
 * head frame (origin between the ear canals, +Y up, +Z facing); of the landmarks the glabella,
 * vertex, inion and lateral canthi are used (smp_landmarks_procedural for the built-in head).
 * The fields keep no pointer to head, landmarks or desc. Cost: O(T) for the midline cut plus
 * O(scar count); allocates ≈ 40 kB + 12 B per FUE scar or plug. */
smp_status smp_fields_create(const smp_fields_desc *desc, const smp_mesh *head,
                             const smp_landmarks *landmarks, smp_fields **out, smp_error *err);
void smp_fields_destroy(smp_fields *f);

/* The resolved description (every 0 replaced by its default), e.g. for printing. */
const smp_fields_desc *smp_fields_resolved(const smp_fields *f);

/* Outputs of smp_fields_eval: structure-of-arrays, each NULL (skipped) or holding count
 * elements. */
typedef struct smp_fields_out {
    /* 0..1: inside the designed hairline (or, with no designed hairline, the natural one) and
     * above the natural lower hairline at the temples, around the ears and at the nape. */
    float *scalp;
    /* 0..1 hair-density multiplier from the balding pattern (applied only where native hair
     * grows), scars and areata patches. */
    float *hair;
    /* Follicular units per cm² the client would have there with no loss: fu_per_cm2 inside
     * the natural hairline, 0 outside. Hair now = native_fu_per_cm2 × hair. */
    float *native_fu_per_cm2;
    uint8_t *tissue; /* smp_tissue: the class of the strongest scar where its weight ≥ 0.5 */
    float *scar;     /* 0..1 scar weight (how much of the point is scar tissue) */
    float *pallor;   /* 0..1 scar weight × that scar's pallor: how much paler than skin */
} smp_fields_out;

/* Evaluates the fields at count points (positions: count × 3 floats, mm, head frame, on or
 * near the surface). Points at the head-frame origin get zeros. Pure and thread-safe (call it
 * from several threads on disjoint ranges). Measured on one core (thread CPU time, Release,
 * busy 2-core machine, 474k points): ≈ 45 ns per point with the defaults, ≈ 125 ns with
 * Norwood V and an irregular designed hairline, ≈ 240 ns adding 600 FUE scars and a FUT strip.
 * A point costs more only near edges (the noise is evaluated where it can move a boundary). */
void smp_fields_eval(const smp_fields *f, const float *positions, size_t count,
                     const smp_fields_out *out);

/* Where a session places dots. */
#define SMP_TREATMENT_DENSITY_PER_CM2 1, 400, 80
#define SMP_TREATMENT_SCAR_MARGIN_MM  0.5, 50, 3 /* below 0.5 mm: less than one dot's spacing */

typedef struct smp_treatment_desc {
    float
        density_per_cm2; /* dots/cm² at full density (SMP_TREATMENT_DENSITY_PER_CM2); 0 = default */
    unsigned regions;    /* bit mask of 1u << smp_region; 0 = 1u << SMP_REGION_SCALP */
    float scar_margin_mm; /* SMP_REGION_SCARS: blend this far past each scar's edge
                             (SMP_TREATMENT_SCAR_MARGIN_MM); 0 = default */
    int hairless;         /* 1: the client grows no hair (alopecia totalis): the scalp region
                             has no fringe to taper its dots into */
} smp_treatment_desc;

/* Per-vertex dot density for the scatter core, in dots/cm², and per-vertex tissue class.
 * Each region weights density_per_cm2 by: scalp → scalp mask × (1 − the native hair kept),
 * tapering the dots into the client's own hair (unless hairless); bald → scalp × (1 − hair)
 * inside the natural hairline; thinning → (1 − hair) inside the natural hairline, ignoring
 * the designed hairline (density SMP between existing hairs); scars → scar weight widened by
 * scar_margin_mm (areata patches count as scars here). Several regions: the maximum.
 * density_per_cm2 and tissue (either may be NULL) must hold head->vertex_count elements.
 * Cost: one smp_fields_eval per vertex (OpenMP over vertices, deterministic). */
smp_status smp_fields_vertex_density(const smp_fields *f, const smp_mesh *head,
                                     const smp_treatment_desc *treatment, float *density_per_cm2,
                                     uint8_t *tissue, smp_error *err);

/* Areas in cm² by area-weighted integration over the triangles, each split into
 * subdivisions² sub-triangles sampled at their centroids (0 = 3: 9 samples per triangle; the
 * soft edges are then resolved far below their widths on a head of 2–3 mm triangles). A point
 * counts towards a region where its value crosses 0.5:
 *  - scalp: scalp mask ≥ 0.5; hair_bearing: inside the natural hairline (native hair ≥ half);
 *  - bald: hair_bearing and hair multiplier < 0.5 (less than half the native density: the
 *    scalp shows); bald_in_scalp: bald and inside the scalp mask (what a shaved-look
 *    treatment fills behind a designed hairline); thinning: hair_bearing, 0.5 ≤ hair < 0.9;
 *  - scar_cm2[i]: scar i's weight ≥ 0.5; tissue_cm2[k]: tissue class k; areata: inside an
 *    areata patch.
 * Cost: subdivisions² field evaluations per triangle (OpenMP, summed in a fixed order so the
 * result does not depend on the thread count); ≈ 0.3 s of CPU for 110k triangles at 9. */
typedef struct smp_fields_areas {
    double mesh_cm2;
    double scalp_cm2;
    double hair_bearing_cm2;
    double bald_cm2;
    double bald_in_scalp_cm2;
    double thinning_cm2;
    double areata_cm2;
    double tissue_cm2[SMP_TISSUE_COUNT];
    double scar_cm2[SMP_FIELDS_MAX_SCARS];
} smp_fields_areas;

smp_status smp_fields_measure(const smp_fields *f, const smp_mesh *head, int subdivisions,
                              smp_fields_areas *out, smp_error *err);

/* Reads a stage as scenes write it: Norwood "I".."VII", "IIa".."Va", "III-vertex" (also
 * "IIIv"); Ludwig "I".."III". Fills stage and variant. */
smp_status smp_pattern_stage_parse(smp_pattern_kind kind, const char *text, int *stage,
                                   smp_norwood_variant *variant, smp_error *err);

/* Midline arc length in mm from the glabella up to the vertex on this head (the largest
 * hairline height the fields accept). */
float smp_fields_vertex_height_mm(const smp_fields *f);

#ifdef __cplusplus
}
#endif
#endif
