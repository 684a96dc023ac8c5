/* Private to engine/render: the GL loader and helpers shared by the render modules. */
#ifndef SMP_RENDER_GL_H
#define SMP_RENDER_GL_H

#include <glad/gl.h>

#include "smp/status.h"

/* Returns SMP_OK if glGetError() reports nothing; otherwise drains the error queue and fills
 * err with what was being done ("uploading the head mesh") and the first GL error name. */
smp_status smp_gl_check(const char *what, smp_error *err);

/* Looks up a shader source by file name ("skin.frag"): from $SMP_SHADER_DIR when set,
 * otherwise the copy embedded at build time. *owned is non-NULL when the caller must free it. */
smp_status smp_shader_source(const char *name, const char **source, char **owned, smp_error *err);

/* Compiles and links a vertex + fragment program from shaders/ files; the error names the
 * file and carries the driver's log. */
smp_status smp_program_create(const char *vert_name, const char *frag_name, GLuint *out,
                              smp_error *err);

/* An offscreen target in two stages. Drawing happens in linear light into half-float colour
 * (multisampled when samples > 1), because thousands of faint dots multiply into the same
 * pixel and 8-bit storage would round every one of those products. Finishing resolves the
 * samples and encodes to sRGB8 through a small full-screen pass; readback reads the encoded
 * bytes. */
typedef struct smp_gl_target {
    int width, height, samples;
    GLuint msaa_fbo, msaa_color, msaa_depth; /* 0 when samples == 1 */
    GLuint hdr_fbo, hdr_tex, hdr_depth;      /* resolved linear colour (depth if samples == 1) */
    GLuint out_fbo, out_tex;                 /* sRGB8-encoded result */
} smp_gl_target;

/* (Re)creates the target at the given size; a no-op if it already matches. */
smp_status smp_gl_target_resize(smp_gl_target *t, int width, int height, int samples,
                                smp_error *err);
void smp_gl_target_destroy(smp_gl_target *t);
/* Binds the linear framebuffer to draw into (the multisampled one when there is one). */
void smp_gl_target_bind(const smp_gl_target *t);
/* Resolves multisampling into hdr_tex; leaves hdr_tex bound to texture unit 0 for the pass
 * that encodes it into out_fbo (bound for drawing on return). */
void smp_gl_target_resolve(const smp_gl_target *t);
/* Reads RGBA8 pixels of a framebuffer (0: the window's back buffer) as stored, top row first,
 * into dst (width*height*4 bytes); what names the step in an error. */
smp_status smp_gl_read_rgba8(GLuint fbo, int width, int height, unsigned char *dst,
                             const char *what, smp_error *err);
/* Reads the encoded RGBA8 pixels of out_fbo, top row first, into dst (w*h*4 bytes). */
smp_status smp_gl_target_read(const smp_gl_target *t, unsigned char *dst, smp_error *err);

#endif
