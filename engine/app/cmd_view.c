/* smpsim view: the interactive viewer. Orbit the head, scrub the years, compare. */
#include <SDL.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headless.h"
#include "scene_args.h"
#include "smp/image.h"
#include "ui_imgui.h"

static void print_help(void) {
    printf(
        "Usage: smpsim view [SCENE] [options]\n"
        "\n"
        "Opens the interactive viewer on a scene (the built-in default without SCENE).\n"
        "\n"
        "Mouse: left drag orbits, right or middle drag pans, the wheel zooms.\n"
        "Keys: 1-7 views (front, back, left, right, top,\n"
        "three-quarter, close-up), R reset, Space play/pause the years, Left/Right step a year,\n"
        "D show/hide the dots, Esc quit.\n"
        "\n"
        "Options:\n"
        "  --set PATH=VALUE   override a scene field (repeatable)\n"
        "  --size WxH         window size (default: 1280x720)\n"
        "  --year Y           start at this year (default: 0)\n"
        "  --frames N         draw N frames and exit (for tests and scripts)\n"
        "  --screenshot FILE  with --frames: save the last frame, panels included\n"
        "  --msaa N           samples per pixel, 1..16 (default: 4)\n"
        "  -h, --help         show this help\n"
        "\n"
        "Exit status: 0 closed normally, 1 no display or OpenGL 3.3, 2 bad arguments or "
        "scene.\n");
}

static const float k_pi = 3.14159265f;

/* An orbit camera around a target: yaw about +Y, pitch above the horizon, distance. */
typedef struct orbit {
    float target[3];
    float yaw, pitch, distance;
    float fov_y_deg;
} orbit;

static orbit orbit_from_camera(const smp_camera *c) {
    orbit o;
    memcpy(o.target, c->target, sizeof o.target);
    float d[3] = {c->eye[0] - c->target[0], c->eye[1] - c->target[1], c->eye[2] - c->target[2]};
    o.distance = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    o.yaw = atan2f(d[0], d[2]);
    o.pitch = asinf(d[1] / o.distance);
    o.fov_y_deg = c->fov_y_deg;
    return o;
}

static smp_camera orbit_camera(const orbit *o) {
    smp_camera c = {0};
    float cp = cosf(o->pitch);
    c.eye[0] = o->target[0] + o->distance * cp * sinf(o->yaw);
    c.eye[1] = o->target[1] + o->distance * sinf(o->pitch);
    c.eye[2] = o->target[2] + o->distance * cp * cosf(o->yaw);
    memcpy(c.target, o->target, sizeof c.target);
    c.up[1] = 1.0f;
    c.fov_y_deg = o->fov_y_deg;
    c.near_mm = o->distance * 0.05f;
    c.far_mm = o->distance * 4.0f + 400.0f;
    return c;
}

typedef struct viewer {
    headless h;
    smp_scene scene;
    orbit cam, goal; /* goal: where a preset or reset is taking the camera */
    int animating;
    float year, speed;
    int playing, show_dots, width, height;
    double frame_ms[60];
    int frame_index;
} viewer;

static void go_to_view(viewer *v, smp_view view) {
    smp_camera c;
    pipeline_camera(&v->h.p, view, (float)v->width / (float)v->height, &c);
    v->goal = orbit_from_camera(&c);
    /* never spin the long way round */
    while (v->goal.yaw - v->cam.yaw > k_pi) v->goal.yaw -= 2.0f * k_pi;
    while (v->goal.yaw - v->cam.yaw < -k_pi) v->goal.yaw += 2.0f * k_pi;
    v->animating = 1;
}

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

static void handle_event(viewer *v, const SDL_Event *e, int *quit) {
    int ui = ui_process_event(e);
    switch (e->type) {
    case SDL_QUIT: *quit = 1; break;
    case SDL_MOUSEMOTION:
        if (ui_wants_mouse()) break;
        if (e->motion.state & SDL_BUTTON_LMASK) {
            v->animating = 0;
            v->cam.yaw -= (float)e->motion.xrel * 0.008f;
            v->cam.pitch += (float)e->motion.yrel * 0.008f;
            if (v->cam.pitch > 1.5f) v->cam.pitch = 1.5f;
            if (v->cam.pitch < -1.5f) v->cam.pitch = -1.5f;
        } else if (e->motion.state & (SDL_BUTTON_RMASK | SDL_BUTTON_MMASK)) {
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
    case SDL_MOUSEWHEEL:
        if (ui_wants_mouse()) break;
        v->animating = 0;
        v->cam.distance *= powf(0.88f, (float)e->wheel.y);
        if (v->cam.distance < 15.0f) v->cam.distance = 15.0f; /* trichoscope range */
        if (v->cam.distance > 3000.0f) v->cam.distance = 3000.0f;
        break;
    case SDL_KEYDOWN:
        if (ui || ui_wants_keyboard()) break;
        switch (e->key.keysym.sym) {
        case SDLK_ESCAPE: *quit = 1; break;
        case SDLK_SPACE: v->playing = !v->playing; break;
        case SDLK_LEFT: v->year = v->year >= 1 ? floorf(v->year - 1) : 0; break;
        case SDLK_RIGHT: v->year = v->year <= 19 ? floorf(v->year + 1) : 20; break;
        case SDLK_d: v->show_dots = !v->show_dots; break;
        case SDLK_r: go_to_view(v, SMP_VIEW_THREE_QUARTER); break;
        default:
            if (e->key.keysym.sym >= SDLK_1 && e->key.keysym.sym <= SDLK_7)
                go_to_view(v, (smp_view)(e->key.keysym.sym - SDLK_1));
        }
        break;
    }
}

static void draw_panels(viewer *v) {
    static const char *const view_names[] = {"Front", "Back", "Left", "Right",
                                             "Top",   "3/4",  "Close"};
    const smp_scene *s = &v->scene;
    if (ui_begin("Scene", 12, 12, 300)) {
        ui_text("%s", s->name);
        ui_text_muted("Skin MST %d, Fitzpatrick %d", s->client.mst, s->client.fitzpatrick);
        ui_text_muted("%d session(s), %.0f dots/cm2, %zu dots", s->plan.session_count,
                      s->plan.full_density_per_cm2, v->h.p.dots.count);
        ui_separator();
        for (int i = 0; i < SMP_VIEW_COUNT; ++i) {
            if (i) ui_same_line();
            if (ui_button(view_names[i])) go_to_view(v, (smp_view)i);
        }
        ui_checkbox("Show dots", &v->show_dots);
    }
    ui_end();
    if (ui_begin("Timeline", 12, (float)v->height - 120, (float)v->width - 24)) {
        float marks[SMP_SCENE_MAX_SESSIONS];
        for (int i = 0; i < s->plan.session_count; ++i)
            marks[i] = (float)s->plan.sessions[i].day / 365.25f;
        ui_timeline("##year", &v->year, 20.0f, marks, s->plan.session_count, 0.0f);
        if (ui_button(v->playing ? "Pause" : "Play")) v->playing = !v->playing;
        ui_same_line();
        ui_slider_float("years per second", &v->speed, 0.25f, 5.0f, "%.2f");
    }
    ui_end();
    double sum = 0;
    int n = 0;
    for (int i = 0; i < 60; ++i)
        if (v->frame_ms[i] > 0) sum += v->frame_ms[i], ++n;
    double ms = n ? sum / n : 0;
    if (ui_begin("Frame", (float)v->width - 292, 12, 280)) {
        ui_text_muted("%.1f fps, %.1f ms", ms > 0 ? 1000.0 / ms : 0.0, ms);
        ui_text_muted("%s", smp_gl_context_renderer(v->h.gl));
    }
    ui_end();
}

static int run_viewer(viewer *v, long frames, const char *screenshot) {
    smp_error err = {0};
    SDL_Window *window = smp_gl_context_window(v->h.gl);
    int ww, wh;
    SDL_GetWindowSize(window, &ww, &wh);
    smp_gl_context_drawable_size(v->h.gl, &v->width, &v->height);
    float scale = ww > 0 ? (float)v->width / (float)ww : 1.0f;
    if (ui_init(window, SDL_GL_GetCurrentContext(), scale) != 0) {
        fprintf(stderr, "smpsim view: the UI could not start on this OpenGL context\n");
        return CLI_EXIT_FAILURE;
    }
    go_to_view(v, SMP_VIEW_THREE_QUARTER);
    v->cam = v->goal;
    v->animating = 0;
    int quit = 0, rc = CLI_EXIT_OK;
    double last = headless_now_ms();
    for (long frame = 0; !quit && (frames <= 0 || frame < frames); ++frame) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) handle_event(v, &e, &quit);
        double now = headless_now_ms();
        float dt = (float)((now - last) / 1000.0);
        last = now;
        v->frame_ms[v->frame_index++ % 60] = dt * 1000.0;
        animate(v, dt);
        if (v->playing) {
            v->year += dt * v->speed;
            if (v->year > 20.0f) v->year = 0.0f;
        }
        smp_gl_context_drawable_size(v->h.gl, &v->width, &v->height);
        smp_frame_desc f = smp_frame_default();
        f.camera = orbit_camera(&v->cam);
        f.hide_dots = !v->show_dots;
        if (headless_frame(&v->h, v->year, &f, &err) != SMP_OK ||
            smp_renderer_draw_offscreen(v->h.renderer, &f, v->width, v->height, &err) != SMP_OK ||
            smp_renderer_present(v->h.renderer, v->width, v->height, &err) != SMP_OK) {
            rc = cli_fail("view", &err);
            break;
        }
        ui_new_frame();
        draw_panels(v);
        ui_render();
        if (screenshot && frames > 0 && frame == frames - 1) {
            smp_image img = {0};
            if (smp_image_alloc(&img, v->width, v->height, &err) != SMP_OK ||
                smp_renderer_read_window(&img, &err) != SMP_OK ||
                smp_image_write_png(screenshot, &img, &err) != SMP_OK)
                rc = cli_fail("view", &err);
            else
                printf("%s\n", screenshot);
            smp_image_free(&img);
        }
        smp_gl_context_swap(v->h.gl);
    }
    ui_shutdown();
    return rc;
}

int cmd_view(int argc, char **argv) {
    static const struct option options[] = {
        {"set", required_argument, NULL, 'S'},
        {"size", required_argument, NULL, 's'},
        {"year", required_argument, NULL, 'y'},
        {"frames", required_argument, NULL, 'f'},
        {"screenshot", required_argument, NULL, 'p'},
        {"msaa", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static viewer v;
    memset(&v, 0, sizeof v);
    scene_args scene_arg = {0};
    int width = 1280, height = 720, msaa = 4, rc;
    long frames = 0;
    double year = 0;
    const char *screenshot = NULL;
    smp_error err = {0};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":s:h", options, NULL)) != -1;) {
        switch (c) {
        case 'S':
            if ((rc = scene_args_add_set("view", &scene_arg, optarg))) return rc;
            break;
        case 's':
            if (cli_parse_size(optarg, &width, &height, &err) != SMP_OK)
                return cli_usage_error("view", "%s", err.message);
            break;
        case 'y':
            if (cli_parse_number("--year", optarg, 0, 20, &year, &err) != SMP_OK)
                return cli_usage_error("view", "%s", err.message);
            break;
        case 'f':
            if (cli_parse_int("--frames", optarg, 1, 1000000, &frames, &err) != SMP_OK)
                return cli_usage_error("view", "%s", err.message);
            break;
        case 'p': screenshot = optarg; break;
        case 'm':
            if ((rc = headless_parse_msaa_option("view", optarg, &msaa))) return rc;
            break;
        case 'h': print_help(); return CLI_EXIT_OK;
        case ':': return cli_usage_error("view", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("view", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) scene_arg.path = argv[optind++];
    if (optind < argc) return cli_usage_error("view", "unexpected argument '%s'", argv[optind]);
    if (screenshot && frames <= 0)
        return cli_usage_error("view", "--screenshot needs --frames N (the frame to save)");
    if ((rc = scene_args_load("view", &scene_arg, &v.scene))) return rc;

    /* Without a display SDL would fall back to a driver with no visible window and the viewer
     * would run unseen forever. */
    const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if ((!x11 || !*x11) && (!wayland || !*wayland)) {
        fprintf(stderr, "smpsim view: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
                        "'smpsim render' works without one\n");
        return CLI_EXIT_FAILURE;
    }
    smp_gl_context_desc gd = {.backend = SMP_GL_SDL_WINDOW,
                              .window_width = width,
                              .window_height = height,
                              .window_title = "smpsim",
                              .vsync = 1};
    if (headless_open_scene(&v.h, &gd, msaa, &v.scene, &err) != SMP_OK) {
        if (smp_status_is_input_error(err.status)) return cli_fail("view", &err);
        fprintf(stderr,
                "smpsim view: %s\n(the viewer needs a display and OpenGL 3.3; "
                "'smpsim render' works without one)\n",
                err.message);
        return CLI_EXIT_FAILURE;
    }
    v.year = (float)year;
    v.speed = 1.0f;
    v.show_dots = 1;
    rc = run_viewer(&v, frames, screenshot);
    headless_close(&v.h);
    return rc;
}
