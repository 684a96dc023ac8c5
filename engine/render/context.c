#include "smp/bigalloc.h"
#include "smp/gl_context.h"

#include <SDL.h>
#include <glad/egl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"

struct smp_gl_context {
    smp_gl_backend backend;
    EGLDisplay egl_display;
    EGLContext egl_context;
    SDL_Window *window;
    SDL_GLContext sdl_context;
    int sdl_initialised;
    int debug_errors;
    char last_debug_error[256];
    char renderer[256];
    char version[256];
};

static const char *const k_backend_names[] = {
    [SMP_GL_AUTO] = "auto",
    [SMP_GL_EGL] = "egl",
    [SMP_GL_SDL_OFFSCREEN] = "sdl-offscreen",
    [SMP_GL_SDL_WINDOW] = "window",
};

const char *smp_gl_backend_name(smp_gl_backend backend) {
    return (unsigned)backend <= SMP_GL_SDL_WINDOW ? k_backend_names[backend] : "?";
}

smp_status smp_gl_backend_parse(const char *name, smp_gl_backend *out, smp_error *err) {
    for (int b = SMP_GL_AUTO; b <= SMP_GL_SDL_WINDOW; ++b)
        if (strcmp(name, k_backend_names[b]) == 0) {
            *out = (smp_gl_backend)b;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "unknown GL backend '%s' (expected auto, egl, sdl-offscreen or window)",
                         name);
}

/* ---- KHR_debug ------------------------------------------------------------------------ */

static void GLAD_API_PTR on_gl_debug(GLenum source, GLenum type, GLuint id, GLenum severity,
                                     GLsizei length, const GLchar *message, const void *user) {
    (void)source, (void)id, (void)severity, (void)length;
    if (type != GL_DEBUG_TYPE_ERROR) return;
    struct smp_gl_context *ctx = (struct smp_gl_context *)user;
    ctx->debug_errors++;
    snprintf(ctx->last_debug_error, sizeof ctx->last_debug_error, "%s", message);
}

/* Loads GL through the given lookup, checks the version and records the driver strings. */
static smp_status finish_gl(smp_gl_context *ctx, GLADloadfunc load, int debug, smp_error *err) {
    int version = gladLoadGL(load);
    if (!version) return smp_error_set(err, SMP_ERR_UNSUPPORTED, "could not load OpenGL functions");
    if (GLAD_VERSION_MAJOR(version) * 10 + GLAD_VERSION_MINOR(version) < 33)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "OpenGL 3.3 core is required, the driver offers %d.%d",
                             GLAD_VERSION_MAJOR(version), GLAD_VERSION_MINOR(version));
    snprintf(ctx->renderer, sizeof ctx->renderer, "%s", (const char *)glGetString(GL_RENDERER));
    snprintf(ctx->version, sizeof ctx->version, "%s", (const char *)glGetString(GL_VERSION));
    if (debug && GLAD_GL_KHR_debug) {
        glEnable(GL_DEBUG_OUTPUT);
        glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS);
        glDebugMessageCallback(on_gl_debug, ctx);
    }
    return SMP_OK;
}

/* ---- EGL ------------------------------------------------------------------------------- */

static GLADapiproc egl_lookup(const char *name) { return (GLADapiproc)eglGetProcAddress(name); }

/* The first EGL display that initialises, in order of preference: Mesa's surfaceless
 * platform (software or GPU, no window system), the first device of a GPU driver that offers
 * EGL_EXT_platform_device (NVIDIA headless), the default display. */
static EGLDisplay open_egl_display(void) {
    EGLDisplay candidates[3] = {EGL_NO_DISPLAY, EGL_NO_DISPLAY, EGL_NO_DISPLAY};
    if (GLAD_EGL_MESA_platform_surfaceless && eglGetPlatformDisplayEXT)
        candidates[0] =
            eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    if (GLAD_EGL_EXT_platform_device && eglQueryDevicesEXT && eglGetPlatformDisplayEXT) {
        EGLDeviceEXT device;
        EGLint n = 0;
        if (eglQueryDevicesEXT(1, &device, &n) && n > 0)
            candidates[1] = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, device, NULL);
    }
    candidates[2] = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    for (int i = 0; i < 3; ++i) {
        if (candidates[i] == EGL_NO_DISPLAY) continue;
        EGLint major, minor;
        if (eglInitialize(candidates[i], &major, &minor)) return candidates[i];
    }
    return EGL_NO_DISPLAY;
}

static smp_status create_egl(smp_gl_context *ctx, int debug, smp_error *err) {
    /* First load: client extensions only, enough to pick a platform. */
    if (!gladLoaderLoadEGL(EGL_NO_DISPLAY))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: libEGL.so.1 not found");
    ctx->egl_display = open_egl_display();
    if (ctx->egl_display == EGL_NO_DISPLAY)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: no display could be initialised");
    /* Second load: the display's own extensions. */
    if (!gladLoaderLoadEGL(ctx->egl_display))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: could not load display functions");
    if (!GLAD_EGL_KHR_surfaceless_context)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "EGL: display lacks EGL_KHR_surfaceless_context");
    if (!eglBindAPI(EGL_OPENGL_API))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: desktop OpenGL not available");

    /* Surface type 0: any config will do, nothing is ever drawn to an EGL surface. */
    const EGLint config_attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0,
                                     EGL_NONE};
    EGLConfig config;
    EGLint n = 0;
    if (!eglChooseConfig(ctx->egl_display, config_attribs, &config, 1, &n) || n < 1)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: no OpenGL config");
    const EGLint context_attribs[] = {EGL_CONTEXT_MAJOR_VERSION,
                                      3,
                                      EGL_CONTEXT_MINOR_VERSION,
                                      3,
                                      EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                      EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                      EGL_CONTEXT_OPENGL_DEBUG,
                                      debug ? EGL_TRUE : EGL_FALSE,
                                      EGL_NONE};
    ctx->egl_context = eglCreateContext(ctx->egl_display, config, EGL_NO_CONTEXT, context_attribs);
    if (ctx->egl_context == EGL_NO_CONTEXT)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "EGL: could not create an OpenGL 3.3 core context (0x%04x)",
                             (unsigned)eglGetError());
    if (!eglMakeCurrent(ctx->egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx->egl_context))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "EGL: eglMakeCurrent failed (0x%04x)",
                             (unsigned)eglGetError());
    return finish_gl(ctx, egl_lookup, debug, err);
}

static void destroy_egl(smp_gl_context *ctx) {
    if (ctx->egl_display != EGL_NO_DISPLAY) {
        eglMakeCurrent(ctx->egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (ctx->egl_context != EGL_NO_CONTEXT)
            eglDestroyContext(ctx->egl_display, ctx->egl_context);
    }
    /* The display stays initialised and libEGL loaded (no eglTerminate, no
     * gladLoaderUnloadEGL): EGL displays are per-process singletons that a later context
     * reuses, and terminating one makes Mesa unload its driver, which is not built to be
     * unloaded and loaded again within a process. */
    ctx->egl_display = EGL_NO_DISPLAY;
    ctx->egl_context = EGL_NO_CONTEXT;
}

/* ---- SDL2 ------------------------------------------------------------------------------ */

static GLADapiproc sdl_lookup(const char *name) { return (GLADapiproc)SDL_GL_GetProcAddress(name); }

static smp_status create_sdl(smp_gl_context *ctx, const smp_gl_context_desc *desc, int window,
                             smp_error *err) {
    if (!window) SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "SDL: %s", SDL_GetError());
    ctx->sdl_initialised = 1;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, desc->debug ? SDL_GL_CONTEXT_DEBUG_FLAG : 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 24);
    int w = desc->window_width > 0 ? desc->window_width : 1280;
    int h = desc->window_height > 0 ? desc->window_height : 720;
    Uint32 flags = SDL_WINDOW_OPENGL;
    if (window)
        flags |= SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    else
        flags |= SDL_WINDOW_HIDDEN;
    ctx->window =
        SDL_CreateWindow(desc->window_title ? desc->window_title : "smpsim", SDL_WINDOWPOS_CENTERED,
                         SDL_WINDOWPOS_CENTERED, window ? w : 16, window ? h : 16, flags);
    if (!ctx->window) return smp_error_set(err, SMP_ERR_UNSUPPORTED, "SDL: %s", SDL_GetError());
    ctx->sdl_context = SDL_GL_CreateContext(ctx->window);
    if (!ctx->sdl_context)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "SDL: could not create an OpenGL 3.3 core context: %s",
                             SDL_GetError());
    if (window) SDL_GL_SetSwapInterval(desc->vsync ? 1 : 0);
    return finish_gl(ctx, sdl_lookup, desc->debug, err);
}

static void destroy_sdl(smp_gl_context *ctx) {
    if (ctx->sdl_context) SDL_GL_DeleteContext(ctx->sdl_context);
    if (ctx->window) SDL_DestroyWindow(ctx->window);
    /* A visible window's video subsystem stays up until the process exits, as the EGL display
     * does: quitting it closes the X display, and the GL driver behind it (Mesa's DRI
     * driver) is unloaded while still holding allocations, which then belong to no module. */
    if (ctx->sdl_initialised && ctx->backend != SMP_GL_SDL_WINDOW)
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    ctx->sdl_context = NULL;
    ctx->window = NULL;
    ctx->sdl_initialised = 0;
}

/* ---- public ---------------------------------------------------------------------------- */

static smp_status create_backend(smp_gl_context *ctx, const smp_gl_context_desc *desc,
                                 smp_gl_backend backend, smp_error *err) {
    memset(ctx, 0, sizeof *ctx);
    ctx->backend = backend;
    ctx->egl_display = EGL_NO_DISPLAY;
    ctx->egl_context = EGL_NO_CONTEXT;
    smp_status s = backend == SMP_GL_EGL ? create_egl(ctx, desc->debug, err)
                                         : create_sdl(ctx, desc, backend == SMP_GL_SDL_WINDOW, err);
    if (s != SMP_OK) {
        destroy_egl(ctx);
        destroy_sdl(ctx);
    }
    return s;
}

/* Under an address-space limit the driver's libraries cannot even be mapped, and each backend
 * reports its own symptom ("not found", "no display"): a modest allocation failing too says
 * what the cause is. */
enum { MEMORY_PROBE_MIB = 256 };

smp_status smp_gl_context_create(const smp_gl_context_desc *desc, smp_gl_context **out,
                                 smp_error *err) {
    static const smp_gl_context_desc defaults = {0};
    if (!desc) desc = &defaults;
    *out = NULL;
    smp_gl_backend backend = desc->backend;
    const char *env = getenv("SMP_GL_BACKEND");
    if (backend == SMP_GL_AUTO && env && *env) {
        smp_status s = smp_gl_backend_parse(env, &backend, err);
        if (s != SMP_OK) {
            smp_error_prefix(err, "SMP_GL_BACKEND");
            return s;
        }
    }
    smp_gl_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");

    smp_status s;
    if (backend == SMP_GL_AUTO) {
        smp_error egl_err = {0}, sdl_err = {0};
        s = create_backend(ctx, desc, SMP_GL_EGL, &egl_err);
        if (s != SMP_OK) {
            s = create_backend(ctx, desc, SMP_GL_SDL_OFFSCREEN, &sdl_err);
            if (s != SMP_OK && smp_memory_short(MEMORY_PROBE_MIB))
                s = smp_error_set(err, SMP_ERR_NOMEM,
                                  "out of memory: no OpenGL context could be made, and an "
                                  "allocation of %d MiB fails too (a memory limit such as ulimit "
                                  "-v?); EGL: %s; SDL: %s",
                                  MEMORY_PROBE_MIB, egl_err.message, sdl_err.message);
            else if (s != SMP_OK)
                smp_error_set(err, s, "no headless OpenGL 3.3 context: %s; %s", egl_err.message,
                              sdl_err.message);
        }
    } else {
        s = create_backend(ctx, desc, backend, err);
    }
    if (s != SMP_OK) {
        free(ctx);
        return s;
    }
    *out = ctx;
    return SMP_OK;
}

void smp_gl_context_destroy(smp_gl_context *ctx) {
    if (!ctx) return;
    destroy_egl(ctx);
    destroy_sdl(ctx);
    free(ctx);
}

smp_gl_backend smp_gl_context_backend(const smp_gl_context *ctx) { return ctx->backend; }
const char *smp_gl_context_renderer(const smp_gl_context *ctx) { return ctx->renderer; }
const char *smp_gl_context_version(const smp_gl_context *ctx) { return ctx->version; }
int smp_gl_context_error_count(const smp_gl_context *ctx) { return ctx->debug_errors; }
const char *smp_gl_context_last_error(const smp_gl_context *ctx) { return ctx->last_debug_error; }
void *smp_gl_context_window(const smp_gl_context *ctx) {
    return ctx->backend == SMP_GL_SDL_WINDOW ? ctx->window : NULL;
}

void smp_gl_context_drawable_size(const smp_gl_context *ctx, int *width, int *height) {
    *width = *height = 0;
    if (ctx->backend == SMP_GL_SDL_WINDOW && ctx->window)
        SDL_GL_GetDrawableSize(ctx->window, width, height);
}

void smp_gl_context_swap(smp_gl_context *ctx) {
    if (ctx->backend == SMP_GL_SDL_WINDOW && ctx->window) SDL_GL_SwapWindow(ctx->window);
}

void smp_gl_context_finish(smp_gl_context *ctx) {
    (void)ctx;
    glFinish();
}
