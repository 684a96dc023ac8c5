/* The viewer's state, shared by its modules. They form layers, each calling only the ones
 * below it (scripts/check-deps.py checks that no file depends on one above):
 *
 *   view_camera.c    the orbit camera, the clinic views, the glide to a point
 *   view_state.c     scene edits, background rebuilds, messages, the contrast plot
 *   view_scenario.c  the scenario compared with the plan: its own pipeline and renderer
 *   view_files.c     files by name, from the browser, the recent list or dropped
 *   view_frame.c     drawing, comparisons, screenshots, sheets, videos
 *   view_train.c     training mode (its engine: view_training.c)
 *   view_panels.c    the ImGui panels          view_script.c  automation
 *   cmd_view.c       the command: window, input, the main loop
 *
 * A lower layer that needs something done above it leaves it to the caller: view_shutdown
 * ends the state only, after cmd_view.c has stopped training, released the frame's GL objects
 * and aborted any video.
 *
 * Every edit of the scene goes through view_edit, which validates the edited scene with the
 * scene module (the same checks as a scene file) and either rebuilds the ageing model at once
 * (skin, lifestyle: no new dots) or starts a rebuild on a worker thread: of the dots and the
 * model alone when only they change (density, a session's needle or depth), on the head and
 * fields on screen, which nothing writes while it runs; of the whole pipeline otherwise.
 * The worker only computes (no GL); the render thread swaps the result in and uploads what
 * changed. Edits made while a rebuild runs are coalesced into one more rebuild.
 *
 *   viewer *v = ...;                        // headless h opened, scene loaded
 *   view_start_build(v, 0);                 // dots appear when the worker finishes
 *   per frame: view_poll_build(v); view_draw_scene(v, &err); ui ...; swap
 *
 * Does NOT: own the GL context's lifetime (cmd_view.c), or draw widgets itself (ui_imgui.h).
 */
#ifndef SMP_VIEW_H
#define SMP_VIEW_H

#include <stdio.h>

#include "smp/gl_session.h"
#include "smp/pick.h"
#include "smp/scenario.h"
#include "smp/scene.h"
#include "view_training.h"

enum {
    VIEW_MAX_YEARS = 20,        /* the timeline runs from the first session to this many years
                                   after the completion of treatment */
    VIEW_PLOT_SAMPLES = 81,     /* contrast curve points: every quarter year */
    VIEW_MAX_MESSAGES = 8,      /* errors kept for the window */
    VIEW_MESSAGE_MAX = 400,     /* one line each */
    VIEW_PATH_MAX = 1024,       /* the Files panel's path fields */
    VIEW_FRAME_SAMPLES = 60,    /* frame times averaged by the HUD */
    VIEW_REPORT_MS = 8000,      /* a report of something done shows this long */
    VIEW_UNDO_MAX = 64,         /* scene edits that can be undone */
    VIEW_UNDO_GESTURE_MS = 600, /* edits of one field closer than this are one step */
    VIEW_RECENT_MAX = 10,       /* files in the recent list */
};

/* What a file is, by its name: a scene, a mesh the importer reads, or neither. */
typedef enum view_file_kind { VIEW_FILE_SCENE, VIEW_FILE_MESH, VIEW_FILE_OTHER } view_file_kind;

/* The file browser: off, or what its choice is for. */
typedef enum view_browse_mode {
    VIEW_BROWSE_OFF,
    VIEW_BROWSE_OPEN, /* a scene to open */
    VIEW_BROWSE_SAVE, /* where to save the scene (Save As) */
    VIEW_BROWSE_MESH, /* a head mesh for the scene */
} view_browse_mode;

typedef struct view_entry {
    char name[256];
    int is_dir;
} view_entry;

/* What an edit touches: the model only (instant) or the dots (a background rebuild). */
typedef enum view_edit_kind { VIEW_EDIT_MODEL } view_edit_kind;

typedef enum view_compare {
    VIEW_COMPARE_OFF,
    VIEW_COMPARE_SPLIT, /* one view, left of the divider from A, right from B */
    VIEW_COMPARE_SIDE,  /* two half-width views side by side */
} view_compare;

/* An orbit camera around a target: yaw about +Y, pitch above the horizon, distance. */
typedef struct view_orbit {
    float target[3];
    float yaw, pitch, distance;
    float fov_y_deg;
} view_orbit;

typedef struct view_build view_build; /* a pipeline being built on the worker thread */
typedef struct view_scene_record view_scene_record; /* what a picture of the scene depends on */
typedef struct view_video view_video; /* a time-lapse being written, a frame per frame */
typedef struct view_scenario_build view_scenario_build; /* the scenario's pipeline, building */

/* A window narrower or lower than this opens with its side panels folded to their titles. */
enum { VIEW_ROOMY_WIDTH = 800, VIEW_ROOMY_HEIGHT = 500 };

/* Widgets whose place the panels record each frame, for programs that drive the window with
 * a real mouse (the script's state command reports them). */
typedef enum view_widget {
    VIEW_WIDGET_TIMELINE,      /* the year slider */
    VIEW_WIDGET_SAVE_PATH,     /* the Files panel's field for Save */
    VIEW_WIDGET_DOTS,          /* the View section's Dots checkbox */
    VIEW_WIDGET_SPF,           /* the Lifestyle section's sunscreen slider */
    VIEW_WIDGET_CASE,          /* the Case section's header */
    VIEW_WIDGET_CLIENT,        /* the Case section's client name */
    VIEW_WIDGET_SCENARIO,      /* the Compare section's scenario presets */
    VIEW_WIDGET_SCENARIO_TEXT, /* and its field for one typed */
    VIEW_WIDGET_OPEN_BUTTON,   /* the Files section's Open... */
    VIEW_WIDGET_SAVE_AS,       /* and Save as... */
    VIEW_WIDGET_BROWSE_LAST,   /* the browser's last file listed */
    VIEW_WIDGET_BROWSE_NAME,   /* the browser's name field */
    VIEW_WIDGET_REPORT_PATH,   /* the Files section's report field */
    VIEW_WIDGET_TRAIN_DONE,    /* the Training panel's Done */
    VIEW_WIDGET_TRAIN_KEEP,    /* and, asking before it leaves unsaved work, Keep working */
    VIEW_WIDGET_TRAIN_DISCARD, /* and Leave without saving */
    VIEW_WIDGET_TRAINEE,       /* the Session file section's Trainee field */
    VIEW_WIDGET_COUNT
} view_widget;

typedef struct viewer {
    smp_gl_session h; /* GL, renderer and the pipeline on screen */
    smp_scene scene;  /* the scene as edited: what is on screen, or being built */
    smp_scene shown;  /* the scene whose dots are on screen: what a failed build returns to */
    unsigned shown_generation; /* one more each time shown changes */
    char scene_path[VIEW_PATH_MAX];

    view_build *build; /* in flight, or NULL */
    int first_build;   /* the window shows the head alone; the first build is still to start */
    int built;         /* a build has landed */
    int build_again;   /* a scatter edit came in while building */
    int reframe;       /* the head changed: frame it again when the build lands */
    double build_ms;   /* the last finished build's wall time */
    double edit_ms;    /* when the edit that started the builds now running was made, or 0 */
    int dots_landed;   /* the edit's dots are uploaded: the next drawn frame shows them */
    double edit_to_screen_ms; /* the last edit to the end of the first frame showing it */
    int edit_frame_draft;     /* and whether that frame was a draft */

    view_orbit cam, goal; /* goal: where a preset or reset is taking the camera */
    int view_named;       /* the clinic view (smp_view) last gone to; -1 once moved by hand */
    int animating;
    int width, height; /* drawable pixels */
    /* year, year_a, year_b and due_years are the ageing model's time (years after the first
     * session), what the renderer takes; the panels show them after the completion of
     * treatment (view_time_label) */
    float year, speed;
    float motion_scale;   /* frames drawn while the camera or the year moves: this fraction of
                             the window, scaled up on present (1 = always full size) */
    double last_input_ms; /* the last camera input or scrub, for motion_scale */
    int playing, msaa;
    float orbit_deg_per_frame; /* automation: the camera turns this much every frame */
    int show_dots, show_hair, show_skin;
    int hide_panels;            /* Tab: the head alone, the timeline kept */
    int show_help;              /* ? or F1: the keys and the mouse, over everything */
    int time_unit;              /* session dates in days, weeks, months or years (0..3) */
    int input_pending;          /* input events wait for later frames (cmd_view.c trickles them) */
    double last_input_event_ms; /* when events last came in or waited (smp_clock_ms) */
    float widget_rect[VIEW_WIDGET_COUNT][4]; /* x, y, width, height; 0 when not drawn */
    int lighting;                            /* smp_lighting */
    int heat_map;    /* 0 none, 1 planned dot density, 2 contrast at the year drawn */
    int heat_ready;  /* the overlay matches the pipeline on screen (and heat_year) */
    float heat_year; /* contrast: the year the overlay was computed for */

    view_compare compare;
    int compare_untreated; /* split: the untreated head left, the timeline's year right */
    /* the scenario comparison (view_scenario.c): the plan on the left, the same client with
     * the scenario's overrides on the right, both at the timeline's year */
    int compare_scenario;                      /* on (and takes over from the years) */
    int has_scenario;                          /* scenario holds a parsed, checked one */
    smp_scenario scenario;                     /* its label and overrides */
    char scenario_text[SMP_SCENARIO_TEXT_MAX]; /* as typed in the Compare section */
    smp_scene scenario_scene;                  /* what scenario_h was built from */
    smp_gl_session scenario_h;                 /* on the window's context; renderer NULL until
                                                  the first build lands */
    view_scenario_build *scenario_build;       /* in flight, or NULL */
    unsigned scenario_generation;              /* one more each time a scenario is set */
    unsigned built_shown, built_scenario;      /* the generations scenario_h was built from */
    float year_a, year_b, split;
    int dragging_split;

    float contrast[VIEW_PLOT_SAMPLES], contrast_alt[VIEW_PLOT_SAMPLES];
    float contrast_max;
    int plot_alt;                 /* also plot the other lifestyle */
    char alt_label[64];           /* what the other lifestyle is */
    float due_years;              /* touch-up due, or <= 0 if never within the timeline */
    float mst_swatch_srgb[10][3]; /* Monk scale presets, for the skin-tone swatches */

    /* scene edits to undo and redo (view_undo): whole scenes, newest last */
    smp_scene *undo[VIEW_UNDO_MAX], *redo[VIEW_UNDO_MAX];
    int undo_count, redo_count;
    double undo_ms;      /* the last edit remembered, for gestures */
    const void *gesture; /* the field the panels are editing (NULL: an edit of its own) */
    const void *last_gesture;
    int restoring; /* an undo or redo is being applied: not an edit to remember */

    char messages[VIEW_MAX_MESSAGES][VIEW_MESSAGE_MAX];
    int message_count;
    int message_is_error;
    double message_ms; /* when the last one came (smp_clock_ms): reports fade, errors stay */
    int capturing;     /* this frame is saved as an image: the status line is left out */
    int echo_messages; /* automation: also print messages on stderr */

    char open_path[VIEW_PATH_MAX], save_path[VIEW_PATH_MAX];
    char recent[VIEW_RECENT_MAX][VIEW_PATH_MAX]; /* newest first, absolute */
    int recent_count;
    /* the file browser (view_files.c lists, view_panels.c draws) */
    view_browse_mode browse;
    char browse_dir[VIEW_PATH_MAX]; /* absolute */
    char browse_name[256];          /* the file name chosen or typed */
    view_entry *browse_entries;     /* folders first, then scenes (and meshes), by name */
    int browse_count;
    int browse_replace;               /* Save As onto a file that exists: asked to confirm */
    int browse_focus;                 /* the name field takes the keyboard next frame */
    char browse_asked[VIEW_PATH_MAX]; /* the file browse_replace asked about */
    char report_path[VIEW_PATH_MAX];  /* the Files panel's report field; the one being written */
    int report_pid;                   /* `smpsim report` writing it, or 0 */
    char report_scene[64], report_log[64]; /* its temporary scene and stderr */
    /* the case's words as typed (client name, title, notes), committed on Enter or on leaving
     * the field; otherwise they follow the scene */
    char case_text[3][SMP_SCENE_TEXT_MAX];
    char shot_path[VIEW_PATH_MAX], sheet_path[VIEW_PATH_MAX], video_path[VIEW_PATH_MAX];
    view_video *video;          /* in progress, or NULL */
    float video_from, video_to; /* the time-lapse's years after completion (0: healed) */
    float video_seconds;        /* and its length */
    int captions;               /* images and videos carry their caption (smp/caption.h) */
    int shot_size;              /* Files panel: 0 the window with its panels, else a render size */
    int shot_requested;         /* taken at the end of the frame, once the panels are drawn */

    /* training mode (view_train.c): NULL when off */
    view_training *training;
    struct smp_pick *focus_pick; /* the head on screen, for double-click focus; built lazily */
    int train_stroking;          /* the left button is down on the head */
    int train_projection;        /* 2x2: the trainee's work and the expert's at years 5 and 10 */
    int train_show_expert;       /* the main view shows the expert version instead */
    int train_uploaded; /* which dots the renderer holds: 0 the trainee's, 1 the expert's */
    unsigned train_heat_generation;  /* of the error map on the GPU */
    unsigned train_saved_generation; /* the work as last saved or loaded (or begun) */
    int train_confirm_stop;          /* Done or T with unsaved work: asking before leaving */
    int train_marks;                 /* the target's edge and the hairline drawn on the skin */
    char heat_legend[96];            /* the title of the heat map's legend on screen, or "" */
    char trainee_text[SMP_TRAINING_TRAINEE_MAX]; /* the Trainee field as typed */
    view_orbit train_view;                       /* framing the exercise's target: G */
    view_orbit train_projection_view; /* the projection's cells: the target, or the hairline */
    int train_projection_framed;      /* set by a hairline exercise (its close-up) */
    unsigned train_fbo, train_rbo;    /* where the projection's cells are gathered */
    int train_fbo_w, train_fbo_h;
    char session_path[VIEW_PATH_MAX];

    /* The picture under the panels is kept (scene_fbo) and shown again while nothing it
     * depends on changes: frames that only redraw the panels cost a copy. */
    view_scene_record *scene_shown; /* what the kept picture was drawn from; NULL: none */
    unsigned scene_fbo, scene_rbo;
    int scene_fbo_w, scene_fbo_h;
    int draft;            /* this frame is in motion: smaller, one sample, far hair and dots
                             thinned */
    float motion_seen[4]; /* the years and the divider last frame: scrubbing is motion too */
    int scene_drawn;      /* this frame drew the scene (0: it showed the kept picture) */
    double scene_ms;      /* the last drawing of the scene, to its pixels in scene_fbo */
    int scene_draft;      /* whether that drawing was a frame in motion */
    int resting;          /* the last frame showed the kept picture and waited for input */

    double frame_ms[VIEW_FRAME_SAMPLES];
    unsigned char frame_drew[VIEW_FRAME_SAMPLES]; /* whether each sampled frame drew the scene */
    int frame_index;
    /* the head's landmarks (view_landmarks.c) */
    int landmark_placing; /* the landmark the next click on the head places, or -1 */
    int landmarks_open;   /* drawn over the head */
    int landmarks_asked;  /* the window asked for guessed landmarks to be clicked */
    int head_landed;      /* a build brought a new head: its landmarks are still to be seen */
    float landmark_button[SMP_LM_COUNT][4]; /* each one's Place button, as widget_rect */
    float landmark_at[SMP_LM_COUNT][3];     /* drawn at x, y (drawable pixels); [2] 1 if seen */
    double launch_ms, first_frame_ms;       /* launch to the first frame on screen */
    double head_open_ms, gl_open_ms;        /* what the first frame waited for */
} viewer;

/* --- view_camera.c ----------------------------------------------------------------------- */

smp_camera view_orbit_camera(const view_orbit *o);
view_orbit view_orbit_from_camera(const smp_camera *c);

/* The clinic views as a row of buttons (1 to 7), for the Scene and Training panels. */
void view_panel_view_buttons(viewer *v);

/* An orbit looking at point from distance mm along normal, +Y up, with that field of view. */
view_orbit view_orbit_facing(const float point[3], const float normal[3], float distance,
                             float fov_y_deg);
/* Starts the camera's glide to goal (never the long way round); the view is no clinic view. */
void view_glide_to(viewer *v, view_orbit goal);
/* The picker of the head on screen, built on first use; NULL with err when it cannot be. */
const smp_pick *view_picker(viewer *v, smp_error *err);
/* The point of the head under the drawable pixel (x, y) through the orbit camera: 1 and *hit
 * (origin: the ray's), 0 on the backdrop, -1 with err. */
int view_pick_at(viewer *v, float x, float y, smp_pick_hit *hit, float origin[3], smp_error *err);

/* Starts the camera's glide to a clinic view of the head on screen. */
void view_go_to(viewer *v, smp_view view);

/* Double-click: glides the camera to look at the point of the head under drawable pixel
 * (x, y), a little closer. Returns 1 if the pixel shows the head, 0 if it shows the backdrop
 * (the camera stays). The picker is built on first use and dropped with the head. */
int view_focus_at(viewer *v, float x, float y, smp_error *err);

/* --- view_state.c ------------------------------------------------------------------------ */

/* Sets up what the panels need once (swatches, paths) and the plot for the current model. */
void view_init(viewer *v);
/* Waits for the build in flight and frees it and the picker. Training, the frame's GL objects
 * and any video are ended before, by their own layers (view_train_stop, view_frame_release,
 * view_video_abort). */
void view_shutdown(viewer *v);

/* Validates edited and makes it the scene, rebuilding what the edit invalidates
 * (smp_pipeline_invalidated): the model at once, new dots, fields or a head in the background.
 * On a rejected edit the scene is unchanged, the reasons are shown in the window and the
 * status is returned (err holds the first). */
smp_status view_edit(viewer *v, const smp_scene *edited, smp_error *err);

/* Applies one "path=value" override (as --set) through view_edit. */
smp_status view_set(viewer *v, const char *assignment, smp_error *err);

/* Undo the last scene edit (a slider's drag is one), or redo the last undone; a new edit
 * drops what could be redone, opening a scene drops both (view_forget_edits). Refused while
 * training. */
smp_status view_undo(viewer *v, smp_error *err);
smp_status view_redo(viewer *v, smp_error *err);
void view_forget_edits(viewer *v);

/* Loads a scene file; on failure the previous scene stays and the errors are shown. */
smp_status view_open(viewer *v, const char *path, smp_error *err);

/* Saves the scene atomically (a failed save leaves the old file intact). */
smp_status view_save(viewer *v, const char *path, smp_error *err);

/* Starts rebuilding the pipeline of v->scene on the worker thread (or queues one more). */
void view_start_build(viewer *v, int reframe);

/* Render thread, once per frame: swaps a finished build in and uploads it. Returns SMP_OK, or
 * the build's error (shown in the window; the previous pipeline stays). */
smp_status view_poll_build(viewer *v, smp_error *err);

/* Whether a build is running or the first one still has to start, and for how long (ms). */
int view_building(const viewer *v, double *elapsed_ms);

/* How far the build running is, 0..0.99: the stages the worker has finished, weighted by the
 * last build's stage times, and the one running by the time it has had. 0 when none runs. */
float view_build_progress(const viewer *v);

/* Waits for the build in flight (automation). */
void view_wait_build(viewer *v);

/* Recomputes the contrast curves (over the VIEW_MAX_YEARS after completion) and the
 * touch-up-due year from the current model. */
void view_update_plot(viewer *v);

/* The completion of treatment in the scene being edited: its last treatment session's day, in
 * years after the first session. */
double view_completion(const viewer *v);

/* The model time of a time shown: SMP_YEAR_HEALED or years after completion (smp/scene.h). */
float view_model_year(const viewer *v, double shown);

/* What a model time is called, counted from the completion of treatment: "Day 21 of
 * treatment, 21 days before completion", "Healed (30 days after the last session)", "Year 3.0
 * after completion" ("Day 12 after completion" in the first three months). */
void view_time_label(const viewer *v, double t_years, char *out, size_t size);

/* Wakes the window's loop if it waits for input at rest: a worker calls it when its result is
 * ready, so the result is on screen at once, not at the next input or timeout. Any thread. */
void view_wake(void);

/* Shows a message on the timeline's status line (and on stderr when echoing). A report of
 * something done replaces what was shown and fades after VIEW_REPORT_MS; errors gather
 * (VIEW_MAX_MESSAGES at most) and stay until dismissed or replaced. */
void view_message(viewer *v, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void view_clear_messages(viewer *v);

/* --- view_scenario.c --------------------------------------------------------------------- */

/* Parses and checks a scenario ("LABEL: PATH=VALUE; ...", smp/scenario.h) against the scene
 * on screen, makes it the comparison's right side (side by side if the comparison was off)
 * and starts its build. A refused one leaves the last in place and is shown in the window. */
smp_status view_scenario_set(viewer *v, const char *spec, smp_error *err);
/* Once per frame on the GL thread: lands a finished build (uploads it), starts the next when
 * the plan on screen (shown_generation) or the scenario changed and no build of the plan
 * runs. */
void view_scenario_frame(viewer *v);
/* Whether the comparison shows the scenario: on, and its renderer holds a build. */
int view_scenario_ready(const viewer *v);
/* Whether a scenario build is running; whether one is wanted (the plan or the scenario
 * changed since the last) and waits to start. */
int view_scenario_building(const viewer *v);
int view_scenario_wanted(const viewer *v);
/* Ends the scenario: waits for its build, frees its pipeline and renderer (GL thread). */
void view_scenario_release(viewer *v);

/* --- view_files.c ------------------------------------------------------------------------ */

/* What a file is by its extension (case ignored). */
view_file_kind view_file_kind_of(const char *path);

/* Opens what path is: a scene (view_open), or a mesh made the head of the scene on screen (an
 * edit, read in the background through the importer's own process); anything else is refused
 * naming it. Success puts it on the recent list; failure keeps the work and is shown. */
smp_status view_open_file(viewer *v, const char *path, smp_error *err);
/* view_save, then the recent list. */
smp_status view_save_file(viewer *v, const char *path, smp_error *err);

/* The consultation report of the scene as edited (and the scenario compared, when one is
 * shown) written to path by `smpsim report` in a process of its own, so the window stays live;
 * the output path is checked first. view_report_poll (each frame; wait: until it ends) says
 * whether it still runs and reports its end; view_report_abort ends it (nothing half-written
 * is left: the report writes atomically and cleans up on SIGTERM). */
smp_status view_report_start(viewer *v, const char *path, smp_error *err);
int view_report_poll(viewer *v, int wait);
void view_report_abort(viewer *v);

/* The recent list, newest first: read at start from $XDG_CONFIG_HOME/smpsim/recent (else
 * ~/.config/smpsim/recent), written atomically at each addition (a path already there moves
 * to the top). */
void view_recent_load(viewer *v);
void view_recent_add(viewer *v, const char *path);

/* The browser: opened on the scene's folder (Save As: the Save field's), listing folders,
 * scenes and, for a head, meshes; hidden files left out. */
void view_browse_start(viewer *v, view_browse_mode mode);
smp_status view_browse_list(viewer *v, const char *dir, smp_error *err);
void view_browse_stop(viewer *v);

/* --- view_frame.c ------------------------------------------------------------------------ */

/* Whether frames in motion, and the first frame after launch, are drafts: smaller (by
 * motion_scale < 1), one sample per pixel, fewer far hairs and dots. */
int view_drafts(const viewer *v);

/* Puts the scene (with the comparison, if any) into the window's back buffer: drawn, or the
 * picture kept from the last frame when nothing it depends on has changed (v->scene_drawn
 * says which). */
smp_status view_draw_scene(viewer *v, smp_error *err);

/* Frees the kept picture and the projection's offscreen copy of the window (GL thread). */
void view_frame_release(viewer *v);

/* What the comparison shows on each side (the head alone: one side): whose pipeline, at
 * which model time, untreated or not, and what the side is called ("As planned" and the
 * scenario's label, or the times). Returns 1 or 2. */
typedef struct view_side {
    int scenario, untreated;
    float year;
    char label[128];
} view_side;
int view_compare_sides(const viewer *v, view_side sides[2]);

/* Saves the window's back buffer (scene and panels) as a PNG. */
smp_status view_screenshot_window(viewer *v, const char *path, smp_error *err);

/* Renders the current camera and year at width x height (no panels) into a PNG: what the
 * window compares side by side when it compares, captioned unless captions are off. */
smp_status view_screenshot_render(viewer *v, const char *path, int width, int height,
                                  smp_error *err);

/* The scene's contact sheet (its render views and years), as `smpsim render --sheet`. */
smp_status view_export_sheet(viewer *v, const char *path, smp_error *err);

/* A time-lapse over video_from..video_to after completion (0: healed) from the current camera
 * (1280x720, video_seconds at 30 fps, MP4 through ffmpeg, as `smpsim render --video`), captioned
 * with a year counter and the plan; the scenario (or the untreated head) beside it when the window
 * compares one; written one frame per window frame so the window stays live. */
smp_status view_video_start(viewer *v, const char *path, smp_error *err);
/* Writes the next frame; closes the file after the last. Returns the first failure (the
 * partial file is then removed). */
smp_status view_video_step(viewer *v, smp_error *err);
/* Fraction written, or < 0 when no video is being written. */
float view_video_progress(const viewer *v);
void view_video_abort(viewer *v);

/* --- view_landmarks.c -------------------------------------------------------------------- */

/* "estimated", "given", "guessed" or "built in": where landmark id on screen came from. */
const char *view_landmark_source(const viewer *v, int id);
/* A new head is on screen: asks for the first guessed landmark to be clicked, if any. */
void view_landmarks_adopted(viewer *v);
/* A left click at (x, y) drawable pixels: places the landmark asked for and returns 1, or 0
 * when none is being placed. */
int view_landmarks_click(viewer *v, float x, float y);
void view_landmarks_cancel(viewer *v);
/* The markers over the head (call while the panels are drawn); the Head section's contents. */
void view_landmarks_overlay(viewer *v);
void view_landmarks_section(viewer *v);

/* --- view_panels.c ----------------------------------------------------------------------- */

void view_draw_panels(viewer *v);

/* Every key and mouse action of the viewer, as the help overlay lists them. */
void view_keys_print(FILE *out);

/* --- view_train.c ------------------------------------------------------------------------ */

/* Turns training mode on for the scene on screen (an exercise, or free practice) once its dots
 * are in; refuses while a build runs. Off ends it and puts the plan's dots back; the session is
 * lost unless saved, as a closed document would be. */
smp_status view_train_start(viewer *v, smp_error *err);
void view_train_stop(viewer *v);
/* Done and T: ends training, or with unsaved punctures asks first (Save and leave, Leave
 * without saving, Keep working) and returns 0. */
int view_train_leave(viewer *v);
int view_train_unsaved(const viewer *v);
/* The trainee's name, saved with the session; a refused name is shown and kept out. */
smp_status view_train_set_trainee(viewer *v, const char *name, smp_error *err);
/* Glides the camera to the exercise: the target area seen square on, filling the view. */
void view_train_go_to_exercise(viewer *v);

/* Once per frame, before drawing: replay, scores from the worker, uploads of changed dots and
 * of the error map. */
void view_train_frame(viewer *v);

/* A puncture at drawable pixel (x, y) through the current camera; a held stroke from (x0, y0)
 * to (x1, y1) over ms milliseconds, sampled as a 60 Hz pointer would be (automation). */
smp_status view_train_puncture(viewer *v, float x, float y, smp_error *err);
smp_status view_train_stroke(viewer *v, float x0, float y0, float x1, float y1, double ms,
                             smp_error *err);

/* Pointer events from the window (drawable pixels): left button down, motion, up. */
void view_train_pointer_down(viewer *v, float x, float y);
void view_train_pointer_move(viewer *v, float x, float y);
void view_train_pointer_up(viewer *v);

void view_train_undo(viewer *v);
void view_train_redo(viewer *v);
/* Session files; a failed load keeps the work and shows why. */
smp_status view_train_save(viewer *v, const char *path, smp_error *err);
smp_status view_train_load(viewer *v, const char *path, smp_error *err);
/* The projection on or off; on waits for the expert version (one scatter). */
smp_status view_train_set_projection(viewer *v, int on, smp_error *err);

/* The Training panel, in place of the scene panel while training. */
void view_train_panel(viewer *v);
/* The projection's captions. */
void view_train_labels(viewer *v);

#endif
