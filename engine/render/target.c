#include <stdlib.h>
#include <string.h>

#include "gl.h"

void smp_gl_target_destroy(smp_gl_target *t) {
    if (t->msaa_fbo) glDeleteFramebuffers(1, &t->msaa_fbo);
    if (t->msaa_color) glDeleteRenderbuffers(1, &t->msaa_color);
    if (t->msaa_depth) glDeleteRenderbuffers(1, &t->msaa_depth);
    if (t->fbo) glDeleteFramebuffers(1, &t->fbo);
    if (t->color_tex) glDeleteTextures(1, &t->color_tex);
    if (t->depth_rb) glDeleteRenderbuffers(1, &t->depth_rb);
    memset(t, 0, sizeof *t);
}

static smp_status check_complete(const char *what, smp_error *err) {
    GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (status != GL_FRAMEBUFFER_COMPLETE)
        return smp_error_set(err, SMP_ERR_GL, "%s framebuffer incomplete (0x%04x)", what,
                             (unsigned)status);
    return SMP_OK;
}

smp_status smp_gl_target_resize(smp_gl_target *t, int width, int height, int samples,
                                smp_error *err) {
    GLint max_samples = 1;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    if (samples > max_samples) samples = max_samples;
    if (samples < 1) samples = 1;
    if (t->fbo && t->width == width && t->height == height && t->samples == samples) return SMP_OK;
    smp_gl_target_destroy(t);
    t->width = width;
    t->height = height;
    t->samples = samples;

    glGenTextures(1, &t->color_tex);
    glBindTexture(GL_TEXTURE_2D, t->color_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glBindTexture(GL_TEXTURE_2D, 0);
    glGenFramebuffers(1, &t->fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->color_tex, 0);
    if (samples == 1) { /* depth only where drawing happens */
        glGenRenderbuffers(1, &t->depth_rb);
        glBindRenderbuffer(GL_RENDERBUFFER, t->depth_rb);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, width, height);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                  t->depth_rb);
    }
    smp_status s = check_complete("resolve", err);
    if (s == SMP_OK && samples > 1) {
        glGenRenderbuffers(1, &t->msaa_color);
        glBindRenderbuffer(GL_RENDERBUFFER, t->msaa_color);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_RGBA8, width, height);
        glGenRenderbuffers(1, &t->msaa_depth);
        glBindRenderbuffer(GL_RENDERBUFFER, t->msaa_depth);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH_COMPONENT24, width,
                                         height);
        glGenFramebuffers(1, &t->msaa_fbo);
        glBindFramebuffer(GL_FRAMEBUFFER, t->msaa_fbo);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
                                  t->msaa_color);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
                                  t->msaa_depth);
        s = check_complete("multisampled", err);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s == SMP_OK) s = smp_gl_check("creating the offscreen target", err);
    if (s != SMP_OK) smp_gl_target_destroy(t);
    return s;
}

void smp_gl_target_bind(const smp_gl_target *t) {
    glBindFramebuffer(GL_FRAMEBUFFER, t->msaa_fbo ? t->msaa_fbo : t->fbo);
}

smp_status smp_gl_target_read(const smp_gl_target *t, unsigned char *dst, smp_error *err) {
    if (t->msaa_fbo) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, t->msaa_fbo);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, t->fbo);
        glBlitFramebuffer(0, 0, t->width, t->height, 0, 0, t->width, t->height, GL_COLOR_BUFFER_BIT,
                          GL_NEAREST);
    }
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t->fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, t->width, t->height, GL_RGBA, GL_UNSIGNED_BYTE, dst);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    smp_status s = smp_gl_check("reading back the frame", err);
    if (s != SMP_OK) return s;
    /* GL's first row is the bottom one; images are stored top row first. */
    size_t stride = (size_t)t->width * 4;
    unsigned char *tmp = malloc(stride);
    if (!tmp) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    for (int y = 0; y < t->height / 2; ++y) {
        unsigned char *a = dst + (size_t)y * stride,
                      *b = dst + (size_t)(t->height - 1 - y) * stride;
        memcpy(tmp, a, stride);
        memcpy(a, b, stride);
        memcpy(b, tmp, stride);
    }
    free(tmp);
    return SMP_OK;
}
