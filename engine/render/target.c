#include "smp/bigalloc.h"
#include <stdlib.h>
#include <string.h>

#include "gl.h"

void smp_gl_target_destroy(smp_gl_target *t) {
    GLuint fbos[3] = {t->msaa_fbo, t->hdr_fbo, t->out_fbo};
    GLuint rbs[3] = {t->msaa_color, t->msaa_depth, t->hdr_depth};
    GLuint texs[2] = {t->hdr_tex, t->out_tex};
    for (int i = 0; i < 3; ++i)
        if (fbos[i]) glDeleteFramebuffers(1, &fbos[i]);
    for (int i = 0; i < 3; ++i)
        if (rbs[i]) glDeleteRenderbuffers(1, &rbs[i]);
    for (int i = 0; i < 2; ++i)
        if (texs[i]) glDeleteTextures(1, &texs[i]);
    memset(t, 0, sizeof *t);
}

static smp_status check_complete(const char *what, smp_error *err) {
    GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (status == GL_FRAMEBUFFER_COMPLETE) return SMP_OK;
    /* a driver that could not allocate the attachments says only "incomplete" */
    if (smp_memory_short(64))
        return smp_error_set(err, SMP_ERR_NOMEM,
                             "out of memory: the %s framebuffer could not be allocated (0x%04x), "
                             "and an allocation of 64 MiB fails too (a memory limit such as "
                             "ulimit -v?)",
                             what, (unsigned)status);
    return smp_error_set(err, SMP_ERR_GL, "%s framebuffer incomplete (0x%04x)", what,
                         (unsigned)status);
    return SMP_OK;
}

static GLuint color_texture(GLint format, GLenum type, int width, int height) {
    GLuint tex;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, format, width, height, 0, GL_RGBA, type, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    return tex;
}

static GLuint renderbuffer(int samples, GLenum format, int width, int height) {
    GLuint rb;
    glGenRenderbuffers(1, &rb);
    glBindRenderbuffer(GL_RENDERBUFFER, rb);
    if (samples > 1)
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, format, width, height);
    else
        glRenderbufferStorage(GL_RENDERBUFFER, format, width, height);
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    return rb;
}

smp_status smp_gl_target_resize(smp_gl_target *t, int width, int height, int samples,
                                smp_error *err) {
    GLint max_samples = 1;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    if (samples > max_samples) samples = max_samples;
    if (samples < 1) samples = 1;
    if (t->out_fbo && t->width == width && t->height == height && t->samples == samples)
        return SMP_OK;
    smp_gl_target_destroy(t);
    t->width = width;
    t->height = height;
    t->samples = samples;

    t->hdr_tex = color_texture(GL_RGBA32F, GL_FLOAT, width, height);
    glGenFramebuffers(1, &t->hdr_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, t->hdr_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->hdr_tex, 0);
    if (samples == 1) { /* depth only where drawing happens */
        t->hdr_depth = renderbuffer(1, GL_DEPTH_COMPONENT24, width, height);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                  t->hdr_depth);
    }
    smp_status s = check_complete("linear", err);
    if (s == SMP_OK && samples > 1) {
        t->msaa_color = renderbuffer(samples, GL_RGBA32F, width, height);
        t->msaa_depth = renderbuffer(samples, GL_DEPTH_COMPONENT24, width, height);
        glGenFramebuffers(1, &t->msaa_fbo);
        glBindFramebuffer(GL_FRAMEBUFFER, t->msaa_fbo);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
                                  t->msaa_color);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                  t->msaa_depth);
        s = check_complete("multisampled", err);
    }
    if (s == SMP_OK) {
        t->out_tex = color_texture(GL_SRGB8_ALPHA8, GL_UNSIGNED_BYTE, width, height);
        glGenFramebuffers(1, &t->out_fbo);
        glBindFramebuffer(GL_FRAMEBUFFER, t->out_fbo);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->out_tex, 0);
        s = check_complete("output", err);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s == SMP_OK) s = smp_gl_check("creating the offscreen target", err);
    if (s != SMP_OK) smp_gl_target_destroy(t);
    return s;
}

void smp_gl_target_bind(const smp_gl_target *t) {
    glBindFramebuffer(GL_FRAMEBUFFER, t->msaa_fbo ? t->msaa_fbo : t->hdr_fbo);
}

void smp_gl_target_resolve(const smp_gl_target *t) {
    if (t->msaa_fbo) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, t->msaa_fbo);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, t->hdr_fbo);
        glBlitFramebuffer(0, 0, t->width, t->height, 0, 0, t->width, t->height, GL_COLOR_BUFFER_BIT,
                          GL_NEAREST);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, t->out_fbo);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, t->hdr_tex);
}

/* GL's first row is the bottom one; images are stored top row first. */
static smp_status flip_rows(unsigned char *dst, size_t stride, int height, smp_error *err) {
    unsigned char *tmp = malloc(stride);
    if (!tmp) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    for (int y = 0; y < height / 2; ++y) {
        unsigned char *a = dst + (size_t)y * stride, *b = dst + (size_t)(height - 1 - y) * stride;
        memcpy(tmp, a, stride);
        memcpy(a, b, stride);
        memcpy(b, tmp, stride);
    }
    free(tmp);
    return SMP_OK;
}

smp_status smp_gl_read_rgba8(GLuint fbo, int width, int height, unsigned char *dst,
                             const char *what, smp_error *err) {
    glDisable(GL_FRAMEBUFFER_SRGB); /* read the stored sRGB bytes as they are */
    glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo);
    if (fbo == 0) glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, dst);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    smp_status s = smp_gl_check(what, err);
    if (s != SMP_OK) return s;
    return flip_rows(dst, (size_t)width * 4, height, err);
}

smp_status smp_gl_target_read_linear(const smp_gl_target *t, float *dst, smp_error *err) {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t->hdr_fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, t->width, t->height, GL_RGBA, GL_FLOAT, dst);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    smp_status s = smp_gl_check("reading back the linear frame", err);
    if (s != SMP_OK) return s;
    return flip_rows((unsigned char *)dst, (size_t)t->width * 4 * sizeof(float), t->height, err);
}

smp_status smp_gl_target_read(const smp_gl_target *t, unsigned char *dst, smp_error *err) {
    return smp_gl_read_rgba8(t->out_fbo, t->width, t->height, dst, "reading back the frame", err);
}
