/* The words that go with a scene's pictures: contact-sheet captions and row labels, shared by
 * `smpsim render --sheet` and the viewer's sheet export. Plain text in caller buffers
 * (truncated, always terminated); draws nothing. */
#ifndef SMP_DESCRIBE_H
#define SMP_DESCRIBE_H

#include <stddef.h>

#include "smp/pipeline.h"
#include "smp/scene.h"

/* The title a scene's sheets and report carry: "CLIENT · " when the client is named, then the
 * case's title, or one made from the choices when the scene has none ("Norwood V · MST 4 ·
 * rounded hairline · 3 sessions"). */
void smp_describe_title(const smp_scene *s, char *out, size_t size);

/* The three caption lines of a scene's contact sheet: who the client is, what the plan does,
 * how they live. */
void smp_describe_scene(const smp_scene *s, char lines[3][256]);

/* The plan and the aftercare in one line, for a picture's caption (smp/caption.h): "3 sessions ·
 * 90 dots/cm² · depth 0.90 mm · hairline 80 mm · outdoors 2.0 h/day · sunscreen SPF 30". */
void smp_describe_plan(const smp_scene *s, char *out, size_t size);

/* The sheet's line that says what its times count from: the completion of treatment, the day
 * of the last session, and what "healed" means. */
void smp_describe_times(const smp_scene *s, char *line, size_t size);

/* A sheet row's label for a time: the time, then the blend at it from the pipeline's model
 * (smp/blend.h): how much darker than bare skin the treated area and the fringe are, and
 * CIEDE2000 between them. */
void smp_describe_blend(const smp_pipeline *p, const smp_scene *s, double year, char *out,
                        size_t size);

/* The blend at a time without the time: "ΔE00 2.1 to the fringe · treated 18 % darker, fringe
 * 20 %", or "" when nothing is treated yet (untreated, or no model). */
void smp_describe_figures(const smp_pipeline *p, const smp_scene *s, double year, char *out,
                          size_t size);

/* The words of a picture's caption (smp/caption.h) at a time shown, from one view (NULL: none
 * named): the title, the time and the view, the blend's figures and the plan. */
typedef struct smp_picture_words {
    char heading[1200], time[192], figures[192], plan[600];
} smp_picture_words;
void smp_describe_picture(const smp_pipeline *p, const smp_scene *s, double year, const char *view,
                          smp_picture_words *w);

/* " · touch-up due N years after completion" (smp_blend_touch_up_due), or empty. */
void smp_describe_due(const smp_pipeline *p, const smp_scene *s, char *line, size_t size);

#endif
