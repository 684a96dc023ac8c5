/* smpsim view: the interactive viewer. Orbit the head, scrub the years, edit, compare. */
#include <SDL.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/image.h"
#include "smp/pick.h"
#include "smp/scene_args.h"
#include "ui_imgui.h"
#include "view.h"
#include "view_script.h"

static void print_keys_and_script(FILE *out) {
    view_keys_print(out);
    fputc('\n', out);
    view_script_print_help(out);
}

static const cli_command k_command = {
    .name = "view",
    .about =
        "Opens the interactive viewer on a scene (the built-in default without SCENE). The\n"
        "panels edit the client, the plan and the lifestyle; skin and lifestyle changes show at\n"
        "once, changes that move dots re-scatter in the background. Compare years or the\n"
        "untreated head, plot contrast over 20 years, open and save scenes, save images,\n"
        "contact sheets and time-lapse videos. docs/VIEWER.md has the details; the script\n"
        "commands (--script) are listed after the options.\n"
        "\n"
        "Training mode (docs/TRAINING.md): the Training panel replaces the scene panel and\n"
        "the left button punctures. The score updates when you pause. The keys and the\n"
        "mouse follow the options; ? or F1 lists them in the window.\n",
    .more_help = print_keys_and_script,
    .footer = "Exit status: 0 closed normally, 1 no display or OpenGL 3.3 or a failed write,\n"
              "2 bad arguments, scene or script line.\n",
};

typedef struct view_args {
    smp_scene_args scene;
    cli_size size;
    cli_gl_args gl;
    double year, motion_scale;
    long frames;
    const char *screenshot, *script;
} view_args;

/* --year: healed or years after completion, on the viewer's timeline. */
static smp_status parse_year(const char *option, const char *text, void *dst, smp_error *err) {
    double *year = dst;
    if (smp_year_parse(text, year, err) != SMP_OK) {
        smp_error_prefix(err, "%s", option);
        return err->status;
    }
    if (*year == SMP_YEAR_UNTREATED || *year > VIEW_MAX_YEARS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: found '%s', expected 'healed' or years after the completion of "
                             "treatment, 0 to %d (the untreated head is a comparison: C)",
                             option, text, VIEW_MAX_YEARS);
    return SMP_OK;
}

static const cli_option k_options[] = {
    CLI_PARSE("size", "WxH", "window size (default: 1280x720)", view_args, size,
              cli_parse_size_value),
    CLI_PARSE("year", "Y",
              "start at this time: 'healed' (30 days after the last session, the default) or "
              "years after the completion of treatment, 0..20",
              view_args, year, parse_year),
    CLI_STRING("script", "FILE", "run the commands of FILE (listed below) before --frames",
               view_args, script),
    CLI_INT("frames", "N",
            "once the scene is built (and any script is done), draw N frames and exit (for "
            "tests and scripts)",
            view_args, frames, 1, 1000000),
    CLI_STRING("screenshot", "FILE", "with --frames: save the last frame, panels included",
               view_args, screenshot),
    CLI_NUMBER("motion-scale", "F",
               "while the camera or the years move, draw at this fraction of the window and "
               "scale up ({range}; default 0.5, and 1 with --frames or --script)",
               view_args, motion_scale, 0.25, 1),
    {0},
};

static const float k_pi = 3.14159265f;

/* Eases the camera towards its goal: about 90 % of the way in a quarter of a second. */
static void animate(viewer *v, float dt) {
    if (!v->animating) return;
    float k = 1.0f - expf(-dt * 9.0f);
    float *a[] = {&v->cam.yaw,       &v->cam.pitch,     &v->cam.distance,
                  &v->cam.target[0], &v->cam.target[1], &v->cam.target[2]};
    const float b[] = {v->goal.yaw,       v->goal.pitch,     v->goal.distance,
                       v->goal.target[0], v->goal.target[1], v->goal.target[2]};
    float err = 0;
    for (int i = 0; i < 6; ++i) {
        *a[i] += (b[i] - *a[i]) * k;
        err += fabsf(b[i] - *a[i]);
    }
    if (err < 1e-3f) v->animating = 0;
}

/* Window points to drawable pixels (they differ on high-density displays). */
static void to_drawable(const viewer *v, Uint32 window_id, int x, int y, float *dx, float *dy) {
    int w = 0, h = 0;
    SDL_GetWindowSize(SDL_GetWindowFromID(window_id), &w, &h);
    *dx = w > 0 ? (float)x * (float)v->width / (float)w : (float)x;
    *dy = h > 0 ? (float)y * (float)v->height / (float)h : (float)y;
}

static void toggle_training(viewer *v) {
    smp_error err = {0};
    if (v->training)
        view_train_leave(v);
    else
        view_train_start(v, &err); /* a refusal is shown in the window */
}

static void handle_key(viewer *v, const SDL_KeyboardEvent *k, int *quit) {
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    smp_error err = {0};
    switch (k->keysym.sym) {
    case SDLK_ESCAPE: /* closes what is over the window, else the window */
        if (v->show_help)
            v->show_help = 0;
        else if (v->landmark_placing >= 0)
            view_landmarks_cancel(v);
        else if (v->train_confirm_stop)
            v->train_confirm_stop = 0; /* keep working */
        else if (view_train_unsaved(v))
            view_train_leave(v); /* asks first: the punctures are not saved */
        else if (v->browse)
            view_browse_stop(v);
        else
            *quit = 1;
        break;
    case SDLK_F1:
    case SDLK_QUESTION: v->show_help = !v->show_help; break;
    case SDLK_SLASH:
        if (shift) v->show_help = !v->show_help;
        break;
    case SDLK_SPACE: v->playing = !v->playing; break;
    case SDLK_LEFT:
    case SDLK_RIGHT: {
        /* whole years after the completion of treatment; the first session ends the way back */
        float done = (float)view_completion(v), after = v->year - done;
        after = k->keysym.sym == SDLK_LEFT ? ceilf(after) - 1.0f : floorf(after) + 1.0f;
        v->year = fminf(fmaxf(after + done, 0.0f), done + VIEW_MAX_YEARS);
        break;
    }
    case SDLK_d: v->show_dots = !v->show_dots; break;
    case SDLK_h: v->show_hair = !v->show_hair; break;
    case SDLK_TAB: v->hide_panels = !v->hide_panels; break;
    case SDLK_c:
        if (!v->training) v->compare = (view_compare)((v->compare + 1) % 3);
        break;
    case SDLK_s: /* the scenario set in the Compare section, on or off */
        if (v->training) break;
        if (!v->has_scenario) {
            view_message(v, 1, "no scenario to show: choose or type one in Compare");
            break;
        }
        v->compare_scenario = !v->compare_scenario;
        if (v->compare_scenario && v->compare == VIEW_COMPARE_OFF) v->compare = VIEW_COMPARE_SIDE;
        view_update_plot(v);
        break;
    case SDLK_r: view_go_to(v, SMP_VIEW_THREE_QUARTER); break;
    case SDLK_g: view_train_go_to_exercise(v); break; /* training: the target, square on */
    case SDLK_m: v->train_marks = !v->train_marks; break;
    case SDLK_t: toggle_training(v); break;
    case SDLK_p:
        if (v->training && view_train_set_projection(v, !v->train_projection, &err) != SMP_OK)
            view_message(v, 1, "%s", err.message);
        break;
    case SDLK_z:
    case SDLK_y: {
        /* punctures in training, scene edits otherwise */
        int redo = k->keysym.sym == SDLK_y || shift;
        if (!ctrl) break;
        if (v->training)
            redo ? view_train_redo(v) : view_train_undo(v);
        else if ((redo ? view_redo(v, &err) : view_undo(v, &err)) != SMP_OK)
            view_message(v, 1, "%s", err.message);
        break;
    }
    default:
        if (k->keysym.sym >= SDLK_1 && k->keysym.sym <= SDLK_7)
            view_go_to(v, (smp_view)(k->keysym.sym - SDLK_1));
    }
}

static void handle_event(viewer *v, const SDL_Event *e, int *quit) {
    ui_process_event(e);
    switch (e->type) {
    case SDL_QUIT: /* closing the window with unsaved punctures asks once; again closes */
        if (v->train_confirm_stop || !view_train_unsaved(v))
            *quit = 1;
        else
            view_train_leave(v);
        break;
    case SDL_MOUSEBUTTONDOWN: {
        /* grabbing the split divider moves it instead of orbiting */
        int w = 0, h = 0;
        SDL_GetWindowSize(SDL_GetWindowFromID(e->button.windowID), &w, &h);
        if (!ui_wants_mouse() && e->button.button == SDL_BUTTON_LEFT && w > 0 &&
            v->compare == VIEW_COMPARE_SPLIT && fabsf((float)e->button.x - v->split * (float)w) < 8)
            v->dragging_split = 1;
        else if (!ui_wants_mouse() && e->button.button == SDL_BUTTON_LEFT && !v->training &&
                 v->landmark_placing >= 0) {
            float x, y;
            to_drawable(v, e->button.windowID, e->button.x, e->button.y, &x, &y);
            view_landmarks_click(v, x, y);
        } else if (!ui_wants_mouse() && e->button.button == SDL_BUTTON_LEFT && !v->training &&
                   e->button.clicks == 2) {
            float x, y;
            smp_error err = {0};
            to_drawable(v, e->button.windowID, e->button.x, e->button.y, &x, &y);
            if (view_focus_at(v, x, y, &err) < 0) view_message(v, 1, "%s", err.message);
        } else if (!ui_wants_mouse() && e->button.button == SDL_BUTTON_LEFT && v->training) {
            float x, y;
            to_drawable(v, e->button.windowID, e->button.x, e->button.y, &x, &y);
            view_train_pointer_down(v, x, y);
        }
        break;
    }
    case SDL_MOUSEBUTTONUP:
        v->dragging_split = 0;
        if (e->button.button == SDL_BUTTON_LEFT) view_train_pointer_up(v);
        break;
    case SDL_MOUSEMOTION: {
        if (v->dragging_split) {
            int w = 0, h = 0;
            SDL_GetWindowSize(SDL_GetWindowFromID(e->motion.windowID), &w, &h);
            float f = w > 0 ? (float)e->motion.x / (float)w : 0.5f;
            v->split = f < 0 ? 0 : f > 1 ? 1 : f;
            break;
        }
        if (v->train_stroking) {
            float x, y;
            to_drawable(v, e->motion.windowID, e->motion.x, e->motion.y, &x, &y);
            view_train_pointer_move(v, x, y);
            break;
        }
        if (ui_wants_mouse()) break;
        /* in training the left button punctures: orbiting moves to the right button */
        Uint32 orbit = v->training ? SDL_BUTTON_RMASK : SDL_BUTTON_LMASK;
        Uint32 pan = v->training ? SDL_BUTTON_MMASK : (SDL_BUTTON_RMASK | SDL_BUTTON_MMASK);
        if (e->motion.state & (orbit | pan)) v->last_input_ms = smp_clock_ms();
        if (e->motion.state & (orbit | pan)) v->view_named = -1;
        if (e->motion.state & orbit) {
            v->animating = 0;
            v->cam.yaw -= (float)e->motion.xrel * 0.008f;
            v->cam.pitch += (float)e->motion.yrel * 0.008f;
            if (v->cam.pitch > 1.5f) v->cam.pitch = 1.5f;
            if (v->cam.pitch < -1.5f) v->cam.pitch = -1.5f;
        } else if (e->motion.state & pan) {
            v->animating = 0;
            /* pan in the view plane, scaled so the point under the cursor follows it */
            float scale =
                2.0f * v->cam.distance * tanf(v->cam.fov_y_deg * k_pi / 360.0f) / (float)v->height;
            float cy = cosf(v->cam.yaw), sy = sinf(v->cam.yaw);
            float right[3] = {cy, 0, -sy};
            float up[3] = {-sinf(v->cam.pitch) * sy, cosf(v->cam.pitch), -sinf(v->cam.pitch) * cy};
            for (int i = 0; i < 3; ++i)
                v->cam.target[i] +=
                    scale * (-(float)e->motion.xrel * right[i] + (float)e->motion.yrel * up[i]);
        }
        break;
    }
    case SDL_MOUSEWHEEL:
        if (ui_wants_mouse()) break;
        v->animating = 0;
        v->view_named = -1;
        v->last_input_ms = smp_clock_ms();
        v->cam.distance *= powf(0.88f, (float)e->wheel.y);
        if (v->cam.distance < 15.0f) v->cam.distance = 15.0f; /* trichoscope range */
        if (v->cam.distance > 3000.0f) v->cam.distance = 3000.0f;
        break;
    case SDL_KEYDOWN:
        if (ui_wants_text_input()) break; /* typing into a field */
        handle_key(v, &e->key, quit);
        break;
    case SDL_DROPFILE: { /* a scene or a mesh dropped on the window; refusals are shown */
        smp_error err = {0};
        if (e->drop.file && !v->training)
            view_open_file(v, e->drop.file, &err);
        else if (e->drop.file)
            view_message(v, 1, "training: a file dropped is not opened");
        SDL_free(e->drop.file);
        break;
    }
    }
}

/* A click or a wheel notch held back for the next frame. */
typedef struct input_queue {
    SDL_Event held;
    int holding;
} input_queue;

static int is_click_or_wheel(const SDL_Event *e) {
    return e->type == SDL_MOUSEBUTTONDOWN || e->type == SDL_MOUSEBUTTONUP ||
           e->type == SDL_MOUSEWHEEL;
}

/* The events since the last frame, trickled as ImGui needs them: the panels learn where the
 * pointer is, what was clicked and which keys are down only when a frame starts, so a frame
 * ends the events after a click or a wheel notch (the keys typed after clicking into a field
 * are then the field's) and after a key pressed in a field, and a click or notch that follows
 * a move waits for the next frame (whether it lands on a panel is judged where the pointer
 * went). Nothing is dropped. */
static void take_events(viewer *v, input_queue *q, int *quit) {
    if (q->holding) {
        q->holding = 0;
        handle_event(v, &q->held, quit);
        return;
    }
    int moved = 0;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (moved && is_click_or_wheel(&e)) {
            q->held = e, q->holding = 1;
            return;
        }
        handle_event(v, &e, quit);
        if (is_click_or_wheel(&e)) return;
        /* a field sees a key only if it is down when a frame starts (Ctrl+A, Enter,
         * Backspace); typed characters come as text and queue by themselves */
        if (e.type == SDL_KEYDOWN && ui_wants_text_input()) return;
        moved |= e.type == SDL_MOUSEMOTION;
    }
}

static void take_input(viewer *v, input_queue *q, int *quit) {
    int before = SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT);
    take_events(v, q, quit);
    SDL_PumpEvents(); /* what the display server has sent, counted below */
    int left = SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT);
    v->input_pending = q->holding || left > 0;
    if (before > 0 || v->input_pending) v->last_input_event_ms = smp_clock_ms();
}

static int save_requested_shot(viewer *v) {
    static const int sizes[][2] = {{0, 0}, {1280, 720}, {1920, 1080}, {3840, 2160}};
    smp_error err = {0};
    const int *size = sizes[v->shot_size >= 0 && v->shot_size < 4 ? v->shot_size : 0];
    smp_status st = size[0] ? view_screenshot_render(v, v->shot_path, size[0], size[1], &err)
                            : view_screenshot_window(v, v->shot_path, &err);
    v->shot_requested = 0;
    if (st != SMP_OK)
        view_message(v, 1, "%s", err.message);
    else
        view_message(v, 0, "saved %s", v->shot_path);
    return st;
}

/* The panels on the window's GL context, and the camera at the three-quarter view. */
static int start_ui(viewer *v) {
    SDL_Window *window = smp_gl_context_window(v->h.gl);
    int ww, wh;
    SDL_GetWindowSize(window, &ww, &wh);
    smp_gl_context_drawable_size(v->h.gl, &v->width, &v->height);
    float scale = ww > 0 ? (float)v->width / (float)ww : 1.0f;
    if (ui_init(window, SDL_GL_GetCurrentContext(), scale) != 0) {
        fprintf(stderr, "smpsim view: the UI could not start on this OpenGL context\n");
        return CLI_EXIT_FAILURE;
    }
    view_go_to(v, SMP_VIEW_THREE_QUARTER);
    v->cam = v->goal;
    v->animating = 0;
    return CLI_EXIT_OK;
}

/* What moves with time between two frames dt seconds apart: the video being written, the
 * camera's glide and orbit, the timeline. */
static void advance(viewer *v, float dt, double now) {
    smp_error err = {0};
    if (v->video) {
        const char *path = v->video_path;
        if (view_video_step(v, &err) != SMP_OK)
            view_message(v, 1, "%s", err.message);
        else if (!v->video)
            view_message(v, 0, "saved %s", path);
    }
    animate(v, dt);
    if (v->orbit_deg_per_frame != 0.0f) {
        v->animating = 0;
        v->view_named = -1;
        v->cam.yaw += v->orbit_deg_per_frame * k_pi / 180.0f;
        v->last_input_ms = now;
    }
    if (v->playing) {
        v->year += dt * v->speed;
        if (v->year > view_completion(v) + VIEW_MAX_YEARS) v->year = 0.0f;
    }
}

/* The automated frames (--frames N): how many were counted, and from when. */
typedef struct frame_count {
    long wanted, counted, draws;
    double first_ms, draw_ms; /* the first counted frame's clock; the scene's drawing time */
} frame_count;

/* The first counted frame starts the clock; of the others, those that drew the scene say what
 * drawing costs, and the rest only showed the kept picture under the panels. */
static void print_summary(const viewer *v, const frame_count *fc) {
    fprintf(stderr,
            "smpsim view: first frame %.0f ms after launch (head %.0f, alongside window, GL "
            "and compiling %.0f); "
            "%zu dots in after %.0f ms; %ld frames at %dx%d: %.1f ms each, the scene drawn "
            "in %ld of them (%.1f ms each)\n",
            v->first_frame_ms, v->head_open_ms, v->gl_open_ms, v->h.p.dots.count, v->build_ms,
            fc->counted, v->width, v->height,
            fc->counted > 1 ? (smp_clock_ms() - fc->first_ms) / (double)(fc->counted - 1) : 0.0,
            fc->draws, fc->draws ? fc->draw_ms / (double)fc->draws : 0.0);
}

/* From the top layer down: training, any video, the scenario, the frame's GL objects, then
 * the state. */
static void close_viewer(viewer *v) {
    view_train_stop(v);
    view_video_abort(v);
    view_browse_stop(v);
    view_report_abort(v);
    view_scenario_release(v);
    view_frame_release(v);
    view_shutdown(v);
    ui_shutdown();
}

static int run_viewer(viewer *v, long frames, const char *screenshot, view_script *script) {
    smp_error err = {0};
    int rc = start_ui(v);
    if (rc != CLI_EXIT_OK) return rc;
    int quit = 0, scripted = script != NULL;
    input_queue input = {0};
    frame_count fc = {.wanted = frames};
    double last = smp_clock_ms();
    while (!quit) {
        take_input(v, &input, &quit);
        double now = smp_clock_ms();
        float dt = (float)((now - last) / 1000.0);
        last = now;
        v->frame_ms[v->frame_index % VIEW_FRAME_SAMPLES] = dt * 1000.0;
        v->frame_drew[v->frame_index++ % VIEW_FRAME_SAMPLES] = (unsigned char)v->scene_drawn;
        if (view_poll_build(v, &err) != SMP_OK) {
            rc = cli_fail("view", &err);
            break;
        }
        if (v->head_landed) view_landmarks_adopted(v);
        v->head_landed = 0;
        view_train_frame(v);
        view_scenario_frame(v);
        view_report_poll(v, 0);
        advance(v, dt, now);
        if (scripted) {
            int code = 0;
            scripted = view_script_before_frame(script, v, &code);
            if (code) {
                rc = code;
                break;
            }
        }
        /* automated frames count once the dots are in, so every run shows the same thing */
        int counting = !scripted && frames > 0 && !view_building(v, NULL);
        smp_gl_context_drawable_size(v->h.gl, &v->width, &v->height);
        if (view_draw_scene(v, &err) != SMP_OK) {
            rc = cli_fail("view", &err);
            break;
        }
        if (counting && fc.counted > 0 && v->scene_drawn) ++fc.draws, fc.draw_ms += v->scene_ms;
        /* a frame saved as an image leaves the status line out */
        v->capturing = v->shot_requested == 2 || (script && script->shot >= 0) ||
                       (screenshot && counting && fc.counted + 1 == frames);
        ui_new_frame();
        view_draw_panels(v);
        ui_render();
        if (script && view_script_after_frame(script, v) != 0) {
            rc = CLI_EXIT_FAILURE;
            break;
        }
        /* the Image button asks during a frame drawn with the status line: the next one,
         * drawn without it, is saved */
        if (v->shot_requested == 2)
            save_requested_shot(v);
        else if (v->shot_requested)
            v->shot_requested = 2;
        if (counting && ++fc.counted == frames) {
            quit = 1;
            if (screenshot) {
                if (view_screenshot_window(v, screenshot, &err) != SMP_OK)
                    rc = cli_fail("view", &err);
                else
                    printf("%s\n", screenshot);
            }
        }
        if (counting && fc.counted == 1) fc.first_ms = smp_clock_ms();
        smp_gl_context_swap(v->h.gl);
        if (v->dots_landed && v->scene_drawn && v->edit_ms > 0) {
            v->edit_to_screen_ms = smp_clock_ms() - v->edit_ms;
            v->edit_frame_draft = v->scene_draft;
            v->dots_landed = 0, v->edit_ms = 0;
        }
        /* At rest (the frame showed the kept picture, nothing moves or is being written) the
         * window waits for input, a tenth of a second at most, instead of redrawing its
         * panels as fast as it can: the worker's scatter gets the CPU, and wakes the window
         * when it is done (view_wake). Automation waits only while a build runs, when its
         * script waits too and its counted frames have not begun. */
        v->resting = (view_building(v, NULL) || (!scripted && frames == 0)) && !v->scene_drawn &&
                     !v->video && !v->playing && !v->animating && !v->train_stroking;
        if (v->resting) SDL_WaitEventTimeout(NULL, 100);
        if (v->first_build) {
            /* the scatter starts once the head is on screen, so it does not slow that frame */
            v->first_frame_ms = smp_clock_ms() - v->launch_ms;
            view_start_build(v, 0);
        }
    }
    if (frames > 0 && rc == CLI_EXIT_OK) print_summary(v, &fc);
    close_viewer(v);
    return rc;
}

/* The head (Assimp reads the default one in a few hundred ms) is built on a worker thread
 * while the window and GL come up. */
typedef struct head_job {
    const smp_scene *scene;
    smp_pipeline p;
    smp_status status;
    smp_error err;
    double ms;
} head_job;

static int head_main(void *arg) {
    head_job *job = arg;
    double t0 = smp_clock_ms();
    const smp_pipeline_options o = {.guess_landmarks = 1}; /* the window asks for them */
    job->status = smp_pipeline_build_with(job->scene, SMP_PIPELINE_HEAD, &o, &job->p, &job->err);
    job->ms = smp_clock_ms() - t0;
    return 0;
}

/* A CPU rasteriser compiles a program's code for each kind of draw at its first use (≈ 0.1 s
 * with Mesa's shader cache warm, several times that cold). While the head is still being read,
 * a frame like the first one is drawn tiny over a stand-in triangle and scaled into the back
 * buffer, which the first real frame then covers, so that frame compiles little. The size is
 * not a power of two, as real frames are not: llvmpipe compiles the sampling of such textures
 * apart. */
static smp_status warm_up(viewer *v, const smp_frame_desc *first, smp_error *err) {
    smp_mesh m = {0};
    smp_status st = smp_mesh_alloc(&m, 3, 1, err);
    if (st != SMP_OK) return st;
    const float xyz[9] = {-10, -10, 0, 10, -10, 0, 0, 10, 0}, uv[6] = {0, 0, 1, 0, 0, 1},
                normal[9] = {0, 0, 1, 0, 0, 1, 0, 0, 1};
    memcpy(m.positions, xyz, sizeof xyz);
    memcpy(m.normals, normal, sizeof normal);
    memcpy(m.uvs, uv, sizeof uv);
    for (int i = 0; i < 3; ++i) m.indices[i] = (uint32_t)i;
    smp_frame_desc f = *first;
    f.camera = (smp_camera){
        .eye = {0, 0, 100}, .up = {0, 1, 0}, .fov_y_deg = 30, .near_mm = 10, .far_mm = 1000};
    int w, h;
    smp_gl_context_drawable_size(v->h.gl, &w, &h);
    if ((st = smp_renderer_set_head(v->h.renderer, &m, err)) == SMP_OK &&
        (st = smp_renderer_draw_offscreen(v->h.renderer, &f, 30, 17, err)) == SMP_OK)
        st = smp_renderer_present(v->h.renderer, w, h, err);
    smp_mesh_free(&m);
    return st;
}

/* The window opens on the head alone (fast), and the dots are scattered on the worker thread
 * while it shows. */
static smp_status open_window(viewer *v, int width, int height, int msaa, smp_error *err) {
    double t0 = smp_clock_ms();
    head_job job = {.scene = &v->scene};
    SDL_Thread *reader = SDL_CreateThread(head_main, "smp-head", &job);
    if (!reader) head_main(&job); /* no thread: read it first */
    smp_gl_context_desc gd = {.backend = SMP_GL_SDL_WINDOW,
                              .window_width = width,
                              .window_height = height,
                              .window_title = "smpsim",
                              .vsync = 1};
    smp_renderer_desc rd = {.msaa_samples = msaa};
    smp_status st;
    if ((st = smp_gl_context_create(&gd, &v->h.gl, err)) == SMP_OK &&
        (st = smp_renderer_create(&rd, &v->h.renderer, err)) == SMP_OK) {
        smp_frame_desc first = smp_frame_default();
        first.fast_hair = first.fast_dots = first.single_sample = view_drafts(v);
        st = warm_up(v, &first, err);
    }
    v->gl_open_ms = smp_clock_ms() - t0;
    if (reader) SDL_WaitThread(reader, NULL);
    v->head_open_ms = job.ms;
    v->h.p = job.p; /* the head, or nothing when its build failed */
    view_landmarks_adopted(v);
    /* a bad head is the scene's fault (exit 2), whatever became of GL */
    if (job.status != SMP_OK) st = job.status, *err = job.err;
    if (st != SMP_OK) return st;
    v->h.head_bounds = v->h.p.bounds;
    return smp_renderer_set_head(v->h.renderer, &v->h.p.head, err);
}

/* Without a display SDL would fall back to a driver with no visible window and the viewer
 * would run unseen forever. */
static int have_display(void) {
    const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if ((x11 && *x11) || (wayland && *wayland)) return 1;
    fprintf(stderr, "smpsim view: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
                    "'smpsim render' works without one\n");
    return 0;
}

/* Opens the window on the scene loaded into v and sets the viewer's starting state. Returns
 * an exit code; on failure nothing is left open. */
static int start_viewer(viewer *v, const view_args *a) {
    smp_error err = {0};
    v->echo_messages = a->frames > 0 || a->script;
    v->landmark_placing = -1; /* the head's build may ask for one */
    /* automation keeps every frame full size unless asked: its screenshots stay comparable */
    v->motion_scale = a->motion_scale > 0 ? (float)a->motion_scale : v->echo_messages ? 1.0f : 0.5f;
    if (open_window(v, a->size.width, a->size.height, a->gl.msaa, &err) != SMP_OK) {
        smp_gl_session_close(&v->h);
        if (smp_status_is_input_error(err.status)) return cli_fail("view", &err);
        fprintf(stderr,
                "smpsim view: %s\n(the viewer needs a display and OpenGL 3.3; "
                "'smpsim render' works without one)\n",
                err.message);
        return CLI_EXIT_FAILURE;
    }
    snprintf(v->scene_path, sizeof v->scene_path, "%s", a->scene.path ? a->scene.path : "");
    v->year = view_model_year(v, a->year);
    v->speed = 1.0f;
    v->show_dots = v->show_hair = v->show_skin = 1;
    v->split = 0.5f;
    v->year_a = view_model_year(v, SMP_YEAR_HEALED);
    v->year_b = view_model_year(v, 10.0);
    v->compare_untreated = 1;
    v->captions = 1;
    v->video_from = 0.0f, v->video_to = VIEW_MAX_YEARS, v->video_seconds = 8.0f;
    v->first_build = 1;
    view_init(v);
    view_recent_load(v);
    return CLI_EXIT_OK;
}

int cmd_view(int argc, char **argv) {
    static viewer v;
    memset(&v, 0, sizeof v);
    v.launch_ms = smp_clock_ms();
#ifdef __GLIBC__
    /* glibc hands the top of the heap back to the system whenever 128 KB or more of it is
     * free. Between the panels' allocations and llvmpipe's per-draw scratch that happens every
     * frame, and every frame then faults its scratch back in page by page: measured, frames in
     * motion took twice as long. Keeping up to 128 MB lets the memory be reused. */
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    view_args a = {.size = {1280, 720},
                   .gl = CLI_GL_ARGS_DEFAULT,
                   .year = SMP_YEAR_HEALED,
                   .motion_scale = -1};
    const cli_group groups[] = {
        {smp_scene_arg_options, &a.scene}, {k_options, &a}, {cli_msaa_options, &a.gl}};
    int rc = cli_parse(&k_command, groups, 3, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if (a.screenshot && a.frames <= 0)
        return cli_usage_error("view", "--screenshot needs --frames N (the frame to save)");
    if ((rc = smp_scene_args_load("view", &a.scene, &v.scene))) return rc;
    static view_script script;
    if (a.script && (rc = view_script_load(a.script, &script))) return rc;
    if (!have_display()) {
        rc = CLI_EXIT_FAILURE;
    } else if ((rc = start_viewer(&v, &a)) == CLI_EXIT_OK) {
        rc = run_viewer(&v, a.frames, a.screenshot, a.script ? &script : NULL);
        smp_gl_session_close(&v.h);
    }
    view_script_free(&script);
    return rc;
}
