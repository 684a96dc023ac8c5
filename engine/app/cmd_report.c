/* smpsim report: the consultation report a client takes home, one PDF: who and what, the
 * head before and healed from the front and the top, the plan session by session, the years
 * after treatment, the same head with the other sunscreen habit, the chart of the blend with
 * the touch-up-due years, and the aftercare that changes the outcome, in figures from the
 * ageing model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"
#include "smp/blend.h"
#include "smp/chart.h"
#include "smp/cli.h"
#include "smp/clock.h"
#include "smp/describe.h"
#include "smp/fsio.h"
#include "smp/pdf.h"
#include "smp/scenario.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "report",
    .about = "Writes the consultation report for a scene (the built-in default without SCENE) as\n"
             "one PDF: the case and the client (client.name), the head before treatment and\n"
             "healed from the front and the top, the plan session by session, the top at years 3,\n"
             "5 and 10 after completion, the same head at year 5 with the other sunscreen habit\n"
             "(SPF 50 if the scene has none, none if it has some), a chart of how the treated\n"
             "area drifts from the client's fringe with each habit's touch-up-due year, and the\n"
             "aftercare that changes the outcome, in figures. With --scenario the comparison is\n"
             "that scenario instead of the other sunscreen habit. Pictures are rendered\n"
             "headless, as `smpsim render` does. The file is written atomically.\n",
    .footer = "Exit status: 0 written, 1 rendering or writing failed, 2 bad arguments, scene or "
              "output path.\n",
};

typedef struct report_job {
    smp_scene_args scene_arg;
    const char *out, *scenario;
    cli_gl_args gl;
    int quiet;
} report_job;

static const cli_option k_options[] = {
    CLI_STRING("out", "FILE", "the PDF to write (default: report.pdf)", report_job, out),
    CLI_STRING("scenario", "SPEC",
               "compare with this scenario ('LABEL: PATH=VALUE; ...', as render --scenario) "
               "instead of the other sunscreen habit",
               report_job, scenario),
    {0},
};

/* A habit of the client's, and what it means for the blend. */
typedef struct habit {
    char label[96];
    smp_scene scene;
    smp_gl_session h; /* the pipeline, and a renderer when pictures are drawn of it */
    int open, drawn;
    double due_after; /* touch-up due, years after completion; INFINITY when never */
} habit;

typedef struct report {
    report_job *job;
    smp_pdf *pdf;
    smp_font *font;
    habit now, sun, shade; /* as planned; the other sunscreen habit (or the scenario asked
                              for); half the hours outdoors */
    int scenario;          /* sun is the scenario of --scenario */
    double y;              /* where the next block goes on the page */
} report;

enum { MARGIN = 48 };
#define TEXT_WIDTH (SMP_PDF_PAGE_WIDTH - 2 * MARGIN)

/* Builds a habit's pipeline; with draw, its renderer too, on the first one's context. */
static smp_status open_habit(report *r, habit *hb, int draw, smp_error *err) {
    const report_job *j = r->job;
    smp_status st =
        !draw ? smp_pipeline_build(&hb->scene, SMP_PIPELINE_ALL, &hb->h.p, err)
        : hb == &r->now
            ? smp_gl_session_open(&hb->h, j->gl.backend, j->gl.msaa, &hb->scene, err)
            : smp_gl_session_open_beside(&r->now.h, j->gl.msaa, &hb->scene, &hb->h, err);
    if (st != SMP_OK) return st;
    if (hb == &r->now && draw) app_verbose_gl("report", hb->h.gl);
    app_verbose_pipeline("report", &hb->h.p);
    hb->open = 1, hb->drawn = draw;
    if (!smp_pipeline_touch_up_due(&hb->h.p, &hb->scene, &hb->due_after)) hb->due_after = INFINITY;
    return SMP_OK;
}

static void close_habit(habit *hb) {
    if (!hb->open) return;
    if (hb->drawn)
        smp_gl_session_close(&hb->h);
    else
        smp_pipeline_free(&hb->h.p);
    hb->open = 0;
}

static void describe_due(const habit *hb, char *out, size_t size) {
    if (isfinite(hb->due_after))
        snprintf(out, size, "about %.1f years after completion", hb->due_after);
    else
        snprintf(out, size, "not within 100 years");
}

/* ---- blocks ----------------------------------------------------------------------------- */

static void heading(report *r, const char *text) {
    r->y += 10;
    smp_pdf_text(r->pdf, MARGIN, r->y, 13, SMP_PDF_BOLD, text);
    smp_pdf_rule(r->pdf, MARGIN, r->y + 5, SMP_PDF_PAGE_WIDTH - MARGIN, r->y + 5);
    r->y += 22;
}

/* A picture of a habit at a time, w x h pixels, into the box (x, y, bw, bh) with a caption
 * under it. */
static smp_status picture(report *r, habit *hb, smp_view view, double year, int w, int h, double x,
                          double y, double bw, double bh, const char *caption, smp_error *err) {
    smp_image img = {0};
    smp_status st = smp_image_alloc(&img, w, h, err);
    if (st == SMP_OK) st = render_capture(&hb->h, &hb->scene, view, year, &img, err);
    if (st == SMP_OK) {
        smp_pdf_image(r->pdf, &img, x, y, bw, bh);
        smp_pdf_paragraph(r->pdf, x, y + bh + 12, bw, 8.5, SMP_PDF_MUTED, caption);
    }
    smp_image_free(&img);
    return st;
}

static void title_block(report *r) {
    const smp_scene *s = &r->now.scene;
    char line[2048], date[64];
    time_t now = time(NULL);
    struct tm tm_now;
    localtime_r(&now, &tm_now);
    strftime(date, sizeof date, "%d %B %Y", &tm_now);
    r->y = MARGIN + 14;
    smp_pdf_text(r->pdf, MARGIN, r->y, 19, SMP_PDF_BOLD, "Scalp micropigmentation: your plan");
    r->y += 22;
    smp_scene untitled = *s; /* the title without the client, who is named first here */
    untitled.client.name[0] = '\0';
    char title[1200];
    smp_describe_title(&untitled, title, sizeof title);
    snprintf(line, sizeof line, "%s%s%s%s", s->client.name[0] ? "For " : "", s->client.name,
             s->client.name[0] ? " · " : "", title);
    r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 11, SMP_PDF_REGULAR, line);
    smp_pdf_text(r->pdf, MARGIN, r->y, 9, SMP_PDF_MUTED, date);
    r->y += 14;
    if (s->description[0])
        r->y =
            smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 9, SMP_PDF_MUTED, s->description);
}

static smp_status before_and_after(report *r, smp_error *err) {
    heading(r, "Before, and healed");
    const double bw = (TEXT_WIDTH - 12) / 2, bh = bw * 0.75;
    const smp_view views[2] = {SMP_VIEW_FRONT, SMP_VIEW_TOP};
    char healed[96];
    smp_year_label(SMP_YEAR_HEALED, healed, sizeof healed);
    for (int v = 0; v < 2; ++v) {
        double y = r->y + v * (bh + 30);
        char a[160], b[160];
        const char *name = views[v] == SMP_VIEW_FRONT ? "From the front" : "From the top";
        snprintf(a, sizeof a, "%s, before treatment", name);
        snprintf(b, sizeof b, "%s, %s", name, healed);
        smp_status st =
            picture(r, &r->now, views[v], SMP_YEAR_UNTREATED, 800, 600, MARGIN, y, bw, bh, a, err);
        if (st == SMP_OK)
            st = picture(r, &r->now, views[v], SMP_YEAR_HEALED, 800, 600, MARGIN + bw + 12, y, bw,
                         bh, b, err);
        if (st != SMP_OK) return st;
    }
    r->y += 2 * (bh + 30) + 4;
    return SMP_OK;
}

static void plan_block(report *r) {
    const smp_scene *s = &r->now.scene;
    heading(r, "The plan");
    char lines[3][256];
    smp_describe_scene(s, lines);
    for (int i = 0; i < 3; ++i)
        r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 9.5, SMP_PDF_REGULAR, lines[i]);
    r->y += 4;
    for (int i = 0; i < s->plan.session_count; ++i) {
        const smp_scene_session *ss = &s->plan.sessions[i];
        char line[320];
        snprintf(line, sizeof line,
                 "%s %d, day %d: %.0f %% of full density · needle %.2f mm, %d point%s · depth "
                 "%.2f mm · %s ink, %.0f %% water",
                 ss->kind == SMP_SESSION_TOUCH_UP ? "Touch-up" : "Session", i + 1, ss->day,
                 100.0 * ss->density_fraction, ss->needle_diameter_mm, ss->needle_points,
                 ss->needle_points > 1 ? "s" : "", ss->depth_mm,
                 ss->ink == SMP_INK_TEMPORARY ? "temporary" : "carbon", 100.0 * ss->dilution);
        r->y =
            smp_pdf_paragraph(r->pdf, MARGIN + 8, r->y, TEXT_WIDTH - 8, 9, SMP_PDF_REGULAR, line);
    }
    char times[256];
    smp_describe_times(s, times, sizeof times);
    r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y + 2, TEXT_WIDTH, 8.5, SMP_PDF_MUTED, times);
}

static void figures(const habit *hb, double year, char *out, size_t size) {
    smp_blend b;
    const smp_pipeline *p = &hb->h.p;
    *out = '\0';
    if (smp_pipeline_blend_at(p, &hb->scene, year, &b))
        snprintf(out, size, "; %.0f %% darker than bare skin, ΔE00 %.1f to the %s",
                 100.0 * b.treated_darkening,
                 p->fringe.present ? b.delta_e_treated_fringe : b.delta_e_treated_bare,
                 p->fringe.present ? "fringe" : "bare skin");
}

static smp_status years_block(report *r, smp_error *err) {
    heading(r, "Over the years (seen from the top)");
    const double years[3] = {3, 5, 10};
    const double bw = (TEXT_WIDTH - 2 * 10) / 3, bh = bw * 0.9;
    for (int i = 0; i < 3; ++i) {
        char caption[256], label[96], fig[160];
        smp_year_label(years[i], label, sizeof label);
        figures(&r->now, years[i], fig, sizeof fig);
        snprintf(caption, sizeof caption, "%s%s", label, fig);
        smp_status st = picture(r, &r->now, SMP_VIEW_TOP, years[i], 600, 540,
                                MARGIN + i * (bw + 10), r->y, bw, bh, caption, err);
        if (st != SMP_OK) return st;
    }
    r->y += bh + 46;
    return SMP_OK;
}

static smp_status sun_block(report *r, smp_error *err) {
    char title[160];
    if (r->scenario)
        snprintf(title, sizeof title, "Year 5 after completion, as planned and %.96s",
                 r->sun.label);
    else
        snprintf(title, sizeof title, "Year 5 after completion, with each sunscreen habit");
    heading(r, title);
    const double bw = (TEXT_WIDTH - 12) / 2, bh = bw * 0.75;
    habit *both[2] = {&r->now, &r->sun};
    for (int i = 0; i < 2; ++i) {
        char caption[480], fig[160], due[64];
        figures(both[i], 5, fig, sizeof fig);
        describe_due(both[i], due, sizeof due);
        snprintf(caption, sizeof caption, "%s%s; touch-up due %s", both[i]->label, fig, due);
        smp_status st = picture(r, both[i], SMP_VIEW_TOP, 5, 800, 600, MARGIN + i * (bw + 12), r->y,
                                bw, bh, caption, err);
        if (st != SMP_OK) return st;
    }
    r->y += bh + 46;
    return SMP_OK;
}

enum { CHART_SAMPLES = 81 };

static smp_status chart_block(report *r, smp_error *err) {
    heading(r, "How the treated area drifts from your shaved fringe");
    habit *hs[3] = {&r->now, &r->sun, &r->shade};
    int n = r->shade.open ? 3 : 2;
    float values[3][CHART_SAMPLES];
    smp_chart_series series[3];
    for (int i = 0; i < n; ++i) {
        const smp_pipeline *p = &hs[i]->h.p;
        for (int k = 0; k < CHART_SAMPLES; ++k) {
            smp_blend b;
            double year = 20.0 * k / (CHART_SAMPLES - 1);
            int ok = smp_pipeline_blend_at(p, &hs[i]->scene, year, &b);
            values[i][k] =
                ok ? (float)(p->fringe.present ? b.delta_e_treated_fringe : b.delta_e_treated_bare)
                   : 0.0f;
        }
        float due = isfinite(hs[i]->due_after) ? (float)hs[i]->due_after : 0.0f;
        series[i] = (smp_chart_series){hs[i]->label, values[i], CHART_SAMPLES, due};
    }
    char threshold[64];
    int mst = r->now.scene.client.mst;
    snprintf(threshold, sizeof threshold, "just noticeable on MST %d", mst);
    smp_chart_desc d = {.title = "Colour difference to the fringe (CIEDE2000)",
                        .x_label = "years after the completion of treatment",
                        .y_label = "ΔE00",
                        .x_max = 20,
                        .series = series,
                        .series_count = n,
                        .mark_label = "touch-up due",
                        .reference_y = (float)smp_blend_threshold(mst),
                        .reference_label = threshold};
    smp_image img = {0};
    smp_status st = smp_image_alloc(&img, 1400, 720, err);
    if (st == SMP_OK) st = smp_chart_draw(&d, r->font, &img, err);
    if (st == SMP_OK)
        smp_pdf_image(r->pdf, &img, MARGIN, r->y, TEXT_WIDTH, TEXT_WIDTH * 720 / 1400);
    smp_image_free(&img);
    r->y += TEXT_WIDTH * 720 / 1400 + 8;
    return st;
}

static void aftercare_block(report *r) {
    heading(r, "Aftercare that changes the outcome");
    const smp_scene *s = &r->now.scene;
    char due[64], text[1400];
    describe_due(&r->now, due, sizeof due);
    char spf[32];
    if (s->sunscreen_spf > 1)
        snprintf(spf, sizeof spf, "SPF %.0f", s->sunscreen_spf);
    else
        snprintf(spf, sizeof spf, "no sunscreen");
    snprintf(text, sizeof text,
             "As planned (%.1f hours a day outdoors with the scalp uncovered, %s), the treated "
             "area drifts far enough from your shaved fringe to be noticed %s: plan a touch-up "
             "then.",
             s->outdoor_hours_per_day, spf, due);
    r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 10, SMP_PDF_REGULAR, text);
    r->y += 4;
    describe_due(&r->sun, due, sizeof due);
    if (r->scenario)
        snprintf(text, sizeof text, "%s: the touch-up would be due %s.", r->sun.label, due);
    else
        snprintf(text, sizeof text, "Sunscreen: %s, the touch-up would be due %s.",
                 s->sunscreen_spf > 1 ? "without it" : "with SPF 50 on the scalp whenever outdoors",
                 due);
    r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 10, SMP_PDF_REGULAR, text);
    r->y += 4;
    if (r->shade.open) {
        describe_due(&r->shade, due, sizeof due);
        snprintf(text, sizeof text,
                 "Time in the sun: half as long outdoors with the scalp uncovered (%.1f hours a "
                 "day, or a hat for the rest), the touch-up would be due %s.",
                 r->shade.scene.outdoor_hours_per_day, due);
        r->y = smp_pdf_paragraph(r->pdf, MARGIN, r->y, TEXT_WIDTH, 10, SMP_PDF_REGULAR, text);
    }
    r->y += 6;
    r->y = smp_pdf_paragraph(
        r->pdf, MARGIN, r->y, TEXT_WIDTH, 8.5, SMP_PDF_MUTED,
        "Figures come from smpsim's ageing model for this skin tone and plan (how ink heals, "
        "fades in sunlight and spreads over the years; docs/MODEL.md gives its sources). They "
        "are estimates for planning, not a guarantee: every client's skin heals and ages in its "
        "own way.");
}

/* ---- the command ------------------------------------------------------------------------ */

static smp_status write_report(report *r, smp_error *err) {
    smp_status st = smp_pdf_open(r->job->out, &r->pdf, err);
    if (st != SMP_OK) return st;
    title_block(r);
    if ((st = before_and_after(r, err)) == SMP_OK) {
        plan_block(r);
        smp_pdf_next_page(r->pdf);
        r->y = MARGIN;
        if ((st = years_block(r, err)) == SMP_OK && (st = sun_block(r, err)) == SMP_OK) {
            smp_pdf_next_page(r->pdf);
            r->y = MARGIN;
            if ((st = chart_block(r, err)) == SMP_OK) aftercare_block(r);
        }
    }
    if (st != SMP_OK) {
        smp_pdf_abort(r->pdf);
        return st;
    }
    return smp_pdf_close(r->pdf, err);
}

/* The other sunscreen habit (or the scenario asked for), and half the hours outdoors (when
 * there are any to halve). The exit code of a scenario refused, else 0. */
static int habits(report *r) {
    const smp_scene *s = &r->now.scene;
    snprintf(r->now.label, sizeof r->now.label, "As planned");
    r->sun.scene = *s;
    if (r->job->scenario) {
        static smp_scenario sc;
        static smp_scene_report rep;
        smp_error err = {0};
        if (smp_scenario_parse(r->job->scenario, &sc, &err) != SMP_OK)
            return cli_usage_error("report", "--scenario %s", err.message);
        smp_status st = smp_scenario_apply(s, &sc, &r->sun.scene, &rep);
        if (st != SMP_OK) {
            for (int i = 0; i < rep.count; ++i)
                fprintf(stderr, "smpsim report: --scenario '%s': %s\n", r->job->scenario,
                        rep.messages[i]);
            return smp_status_is_input_error(st) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        }
        snprintf(r->sun.label, sizeof r->sun.label, "%s", sc.label);
        r->scenario = 1;
    } else if (s->sunscreen_spf > 1) {
        r->sun.scene.sunscreen_spf = 1;
        snprintf(r->sun.label, sizeof r->sun.label, "Without sunscreen");
    } else {
        r->sun.scene.sunscreen_spf = 50;
        snprintf(r->sun.label, sizeof r->sun.label, "With SPF 50");
    }
    r->shade.scene = *s;
    r->shade.scene.outdoor_hours_per_day = s->outdoor_hours_per_day / 2;
    snprintf(r->shade.label, sizeof r->shade.label, "Half the time outdoors");
    return 0;
}

int cmd_report(int argc, char **argv) {
    static report_job j;
    static report r; /* large: three scenes and their pipelines */
    memset(&j, 0, sizeof j);
    memset(&r, 0, sizeof r);
    j.out = "report.pdf";
    j.gl = (cli_gl_args)CLI_GL_ARGS_DEFAULT;
    const cli_group groups[] = {{smp_scene_arg_options, &j.scene_arg},
                                {k_options, &j},
                                {cli_msaa_options, &j.gl},
                                {cli_gl_options, &j.gl}};
    int rc = cli_parse(&k_command, groups, 4, argc, argv);
    if (rc != CLI_PARSED) return rc;
    j.quiet = cli_common.quiet;
    r.job = &j;
    if ((rc = smp_scene_args_load("report", &j.scene_arg, &r.now.scene))) return rc;
    smp_error err = {0};
    if (smp_check_output_file(j.out, &err) != SMP_OK)
        return cli_usage_error("report", "--out: %s", err.message);
    if ((rc = habits(&r))) return rc;
    double t0 = smp_clock_ms();
    smp_status st = open_habit(&r, &r.now, 1, &err);
    if (st == SMP_OK) st = open_habit(&r, &r.sun, 1, &err);
    if (st == SMP_OK && r.now.scene.outdoor_hours_per_day >= 0.5)
        st = open_habit(&r, &r.shade, 0, &err);
    if (st == SMP_OK) st = smp_font_open(NULL, &r.font, &err);
    if (st == SMP_OK) st = write_report(&r, &err);
    smp_font_close(r.font);
    close_habit(&r.shade);
    close_habit(&r.sun);
    close_habit(&r.now); /* the context's owner last */
    if (st != SMP_OK) return cli_fail("report", &err);
    printf("%s\n", j.out);
    if (!j.quiet) fprintf(stderr, "smpsim report: 3 pages in %.0f ms\n", smp_clock_ms() - t0);
    return CLI_EXIT_OK;
}
