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

/* An offscreen target in two stages. Drawing happens in linear light into 32-bit float colour
 * (multisampled when samples > 1). Far from the head, scores of faint footprints (dots widened
 * to reach a pixel, the shafts under the skin) multiply into each sample one after another,
 * each darkening it by a fraction of a per cent, and every product is rounded to the target's
 * precision. Half floats keep 11 bits: such a step is rounded by a large share of itself and
 * the errors pile up (8 dots/mm² seen from 1.5 m at 2 mm per pixel came out 8 % darker than
 * close up; at 1 m blue's darkening was 45 % above the model's). 32-bit floats keep 24 bits and
 * those views agree within 0.6 % (tests/test_render_tone.c). Adding optical depths instead of
 * multiplying would move the same rounding into the sum, and need a target, a compositing pass
 * and a change to how the hair's passes blend. The cost is memory, 16 bytes per sample (59 MB
 * at 1280x720 with 4x MSAA), and a GPU's blending bandwidth; llvmpipe draws no slower (bench
 * render). Finishing resolves the samples and encodes to sRGB8 through a small full-screen
 * pass; readback reads the encoded bytes, or the linear floats for measurements. */
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
/* Reads the resolved linear colour of hdr_fbo, top row first, into dst (w*h*4 floats). */
smp_status smp_gl_target_read_linear(const smp_gl_target *t, float *dst, smp_error *err);

#endif
