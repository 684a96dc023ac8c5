/*
 * smp/gl_context.h — an OpenGL 3.3 core context, headless or in a window.
 *
 * One piece of code brings up GL for every user: `smpsim render` and the tests run headless
 * through EGL (Mesa's surfaceless platform, or the device platform of a GPU driver), falling
 * back to SDL2's offscreen video driver; the viewer asks for an SDL2 window. Once created the
 * context is current on the calling thread and GL functions are loaded (GLAD).
 *
 *   smp_gl_context_desc d = {0};            // SMP_GL_AUTO: EGL, then SDL offscreen
 *   smp_gl_context *gl = NULL;
 *   if (smp_gl_context_create(&d, &gl, &err) != SMP_OK) ...;
 *   printf("%s\n", smp_gl_context_renderer(gl));
 *   ... draw ...
 *   smp_gl_context_destroy(gl);
 *
 * The environment variable SMP_GL_BACKEND (egl, sdl-offscreen) overrides SMP_GL_AUTO.
 *
 * Does NOT: own framebuffers, shaders or meshes (the renderer does), or handle input events.
 * Only one context exists at a time (GLAD's function pointers are process-wide).
 */
#ifndef SMP_GL_CONTEXT_H
#define SMP_GL_CONTEXT_H

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_gl_backend {
    SMP_GL_AUTO = 0,      /* headless: EGL, then SDL offscreen */
    SMP_GL_EGL,           /* EGL without any surface: surfaceless, device or default display */
    SMP_GL_SDL_OFFSCREEN, /* SDL2's offscreen video driver (itself EGL-based) */
    SMP_GL_SDL_WINDOW,    /* a visible, resizable SDL2 window (needs a display) */
} smp_gl_backend;

typedef struct smp_gl_context_desc {
    smp_gl_backend backend;
    int window_width;         /* SMP_GL_SDL_WINDOW only; 0 = 1280 */
    int window_height;        /* 0 = 720 */
    const char *window_title; /* NULL = "smpsim" */
    int vsync;                /* window only: 1 to sync swaps to the display */
    int debug;                /* request a debug context and count KHR_debug errors */
} smp_gl_context_desc;

typedef struct smp_gl_context smp_gl_context;

smp_status smp_gl_context_create(const smp_gl_context_desc *desc, smp_gl_context **out,
                                 smp_error *err);
void smp_gl_context_destroy(smp_gl_context *ctx);

/* The backend actually in use (never SMP_GL_AUTO). */
smp_gl_backend smp_gl_context_backend(const smp_gl_context *ctx);
const char *smp_gl_backend_name(smp_gl_backend backend);

/* Parses "auto", "egl", "sdl-offscreen" or "window". */
smp_status smp_gl_backend_parse(const char *name, smp_gl_backend *out, smp_error *err);

/* GL_RENDERER and GL_VERSION as reported by the driver. */
const char *smp_gl_context_renderer(const smp_gl_context *ctx);
const char *smp_gl_context_version(const smp_gl_context *ctx);

/* With desc.debug: how many KHR_debug messages of type error the driver reported so far,
 * and the text of the last one ("" if none). Always 0 without debug. */
int smp_gl_context_error_count(const smp_gl_context *ctx);
const char *smp_gl_context_last_error(const smp_gl_context *ctx);

/* SMP_GL_SDL_WINDOW only: the SDL_Window (as void * to keep SDL out of this header), its
 * drawable size in pixels, and presenting a frame. Headless contexts return NULL / no-op. */
void *smp_gl_context_window(const smp_gl_context *ctx);
void smp_gl_context_drawable_size(const smp_gl_context *ctx, int *width, int *height);
void smp_gl_context_swap(smp_gl_context *ctx);

/* Blocks until the GL commands issued so far have completed (glFinish), for timing. */
void smp_gl_context_finish(smp_gl_context *ctx);

#ifdef __cplusplus
}
#endif
#endif
