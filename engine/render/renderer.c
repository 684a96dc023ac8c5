#include "smp/renderer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"
#include "smp/skin.h" /* smp_srgb_decode */

/* One buffer per static dot attribute, mirroring smp_dots' structure-of-arrays. */
enum { DOT_ATTRIBS = 9 };

struct smp_renderer {
    int msaa_samples;
    GLuint skin_program;
    GLint u_view, u_proj, u_skin_linear;
    GLuint head_vao;
    GLuint head_vbo[3]; /* positions, normals, uvs */
    GLuint head_ibo;
    GLsizei head_index_count;
    GLuint present_program, present_vao;
    GLuint dots_program;
    GLint u_dots_view, u_dots_proj, u_dots_viewport, u_dots_t_years, u_dots_min_sigma;
    GLint u_age_sk, u_age_const;
    GLuint dots_vao;
    GLuint dots_vbo[DOT_ATTRIBS];
    GLsizei dot_count;
    smp_gl_target target;
};

smp_frame_desc smp_frame_default(void) {
    smp_frame_desc f;
    memset(&f, 0, sizeof f);
    /* Monk Skin Tone 4, #eadaba. */
    f.skin_srgb[0] = 234.0f / 255.0f;
    f.skin_srgb[1] = 218.0f / 255.0f;
    f.skin_srgb[2] = 186.0f / 255.0f;
    /* A neutral mid-dark grey backdrop, as clinics photograph against. */
    f.background_srgb[0] = 0.20f;
    f.background_srgb[1] = 0.21f;
    f.background_srgb[2] = 0.22f;
    return f;
}

smp_status smp_renderer_create(const smp_renderer_desc *desc, smp_renderer **out, smp_error *err) {
    *out = NULL;
    smp_renderer *r = calloc(1, sizeof *r);
    if (!r) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    r->msaa_samples = desc && desc->msaa_samples > 0 ? desc->msaa_samples : 4;
    smp_status s = smp_program_create("skin.vert", "skin.frag", &r->skin_program, err);
    if (s != SMP_OK) {
        free(r);
        return s;
    }
    r->u_view = glGetUniformLocation(r->skin_program, "u_view");
    r->u_proj = glGetUniformLocation(r->skin_program, "u_proj");
    r->u_skin_linear = glGetUniformLocation(r->skin_program, "u_skin_linear");
    glGenVertexArrays(1, &r->head_vao);
    s = smp_program_create("dots.vert+model.glsl+dot_look.glsl", "dots.frag", &r->dots_program,
                           err);
    if (s != SMP_OK) {
        smp_renderer_destroy(r);
        return s;
    }
    r->u_dots_view = glGetUniformLocation(r->dots_program, "u_view");
    r->u_dots_proj = glGetUniformLocation(r->dots_program, "u_proj");
    r->u_dots_viewport = glGetUniformLocation(r->dots_program, "u_viewport_px");
    r->u_dots_t_years = glGetUniformLocation(r->dots_program, "u_t_years");
    r->u_dots_min_sigma = glGetUniformLocation(r->dots_program, "u_min_sigma_px");
    r->u_age_sk = glGetUniformLocation(r->dots_program, "u_age_sk");
    r->u_age_const = glGetUniformLocation(r->dots_program, "u_age_const");
    glGenVertexArrays(1, &r->dots_vao);
    s = smp_program_create("present.vert", "present.frag", &r->present_program, err);
    if (s != SMP_OK) {
        smp_renderer_destroy(r);
        return s;
    }
    glUseProgram(r->present_program);
    glUniform1i(glGetUniformLocation(r->present_program, "u_frame"), 0);
    glUseProgram(0);
    glGenVertexArrays(1, &r->present_vao);
    s = smp_gl_check("creating the renderer", err);
    if (s != SMP_OK) {
        smp_renderer_destroy(r);
        return s;
    }
    *out = r;
    return SMP_OK;
}

void smp_renderer_destroy(smp_renderer *r) {
    if (!r) return;
    smp_gl_target_destroy(&r->target);
    if (r->head_ibo) glDeleteBuffers(1, &r->head_ibo);
    if (r->head_vbo[0]) glDeleteBuffers(3, r->head_vbo);
    if (r->head_vao) glDeleteVertexArrays(1, &r->head_vao);
    if (r->skin_program) glDeleteProgram(r->skin_program);
    if (r->dots_vbo[0]) glDeleteBuffers(DOT_ATTRIBS, r->dots_vbo);
    if (r->dots_vao) glDeleteVertexArrays(1, &r->dots_vao);
    if (r->dots_program) glDeleteProgram(r->dots_program);
    if (r->present_vao) glDeleteVertexArrays(1, &r->present_vao);
    if (r->present_program) glDeleteProgram(r->present_program);
    free(r);
}

smp_status smp_renderer_set_head(smp_renderer *r, const smp_mesh *head, smp_error *err) {
    smp_status s = smp_mesh_validate(head, err);
    if (s != SMP_OK) return s;
    if (!head->normals || !head->uvs)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "head mesh needs normals and UVs");
    if (!r->head_vbo[0]) glGenBuffers(3, r->head_vbo);
    if (!r->head_ibo) glGenBuffers(1, &r->head_ibo);
    glBindVertexArray(r->head_vao);
    const float *arrays[3] = {head->positions, head->normals, head->uvs};
    const int comps[3] = {3, 3, 2};
    for (GLuint i = 0; i < 3; ++i) {
        glBindBuffer(GL_ARRAY_BUFFER, r->head_vbo[i]);
        glBufferData(GL_ARRAY_BUFFER,
                     (GLsizeiptr)(sizeof(float) * (size_t)comps[i] * head->vertex_count), arrays[i],
                     GL_STATIC_DRAW);
        glEnableVertexAttribArray(i);
        glVertexAttribPointer(i, comps[i], GL_FLOAT, GL_FALSE, 0, NULL);
    }
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r->head_ibo);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER,
                 (GLsizeiptr)(sizeof(uint32_t) * 3 * (size_t)head->triangle_count), head->indices,
                 GL_STATIC_DRAW);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    r->head_index_count = (GLsizei)(3 * head->triangle_count);
    return smp_gl_check("uploading the head mesh", err);
}

smp_status smp_renderer_set_dot_model(smp_renderer *r, const float *per_session, int sessions,
                                      const float *constants, smp_error *err) {
    if (sessions < 0 || sessions > SMP_RENDERER_MAX_SESSIONS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%d sessions: the dots pass holds %d",
                             sessions, SMP_RENDERER_MAX_SESSIONS);
    glUseProgram(r->dots_program);
    if (sessions > 0) glUniform4fv(r->u_age_sk, sessions * 4 * 3, per_session);
    glUniform4fv(r->u_age_const, 4, constants);
    glUseProgram(0);
    return smp_gl_check("setting the dot model", err);
}

smp_status smp_renderer_set_dots(smp_renderer *r, const smp_dots *dots, smp_error *err) {
    if (dots->count > (size_t)INT32_MAX)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%zu dots: more than one draw can hold",
                             dots->count);
    if (!r->dots_vbo[0]) glGenBuffers(DOT_ATTRIBS, r->dots_vbo);
    const struct {
        const void *data;
        size_t bytes;
        GLenum type;
        int integer;
    } attr[DOT_ATTRIBS] = {
        {dots->x, 4, GL_FLOAT, 0},
        {dots->y, 4, GL_FLOAT, 0},
        {dots->z, 4, GL_FLOAT, 0},
        {dots->normal, 4, GL_UNSIGNED_INT, 1},
        {dots->radius_um, 2, GL_UNSIGNED_SHORT, 1},
        {dots->depth_um, 2, GL_UNSIGNED_SHORT, 1},
        {dots->ink, 1, GL_UNSIGNED_BYTE, 1},
        {dots->session, 1, GL_UNSIGNED_BYTE, 1},
        {dots->tissue, 1, GL_UNSIGNED_BYTE, 1},
    };
    glBindVertexArray(r->dots_vao);
    for (GLuint i = 0; i < DOT_ATTRIBS; ++i) {
        glBindBuffer(GL_ARRAY_BUFFER, r->dots_vbo[i]);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(attr[i].bytes * (dots->count ? dots->count : 1)),
                     dots->count ? attr[i].data : NULL, GL_STATIC_DRAW);
        glEnableVertexAttribArray(i);
        if (attr[i].integer)
            glVertexAttribIPointer(i, 1, attr[i].type, 0, NULL);
        else
            glVertexAttribPointer(i, 1, attr[i].type, GL_FALSE, 0, NULL);
        glVertexAttribDivisor(i, 1);
    }
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    r->dot_count = (GLsizei)dots->count;
    return smp_gl_check("uploading the dots", err);
}

static void draw_dots(smp_renderer *r, const smp_frame_desc *frame, const float *view,
                      const float *proj, int width, int height) {
    glUseProgram(r->dots_program);
    glUniformMatrix4fv(r->u_dots_view, 1, GL_FALSE, view);
    glUniformMatrix4fv(r->u_dots_proj, 1, GL_FALSE, proj);
    glUniform2f(r->u_dots_viewport, (float)width, (float)height);
    glUniform1f(r->u_dots_t_years, frame->t_years);
    /* 0.5 px: with 4x MSAA a footprint this wide is sampled without gaps or flicker. */
    glUniform1f(r->u_dots_min_sigma, 0.5f);
    glDepthMask(GL_FALSE);
    glDepthFunc(GL_LEQUAL);
    glDisable(GL_CULL_FACE);
    glEnable(GL_BLEND);
    /* dst.rgb *= src.rgb; alpha stays opaque for captures */
    glBlendFuncSeparate(GL_DST_COLOR, GL_ZERO, GL_ZERO, GL_ONE);
    glBindVertexArray(r->dots_vao);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, r->dot_count);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
    glDepthMask(GL_TRUE);
    glDepthFunc(GL_LESS);
}

smp_status smp_renderer_draw(smp_renderer *r, const smp_frame_desc *frame, int width, int height,
                             smp_error *err) {
    if (width < 1 || height < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "viewport %dx%d is empty", width, height);
    glViewport(0, 0, width, height);
    /* Shaders write linear light; an sRGB framebuffer encodes it and blends in linear. */
    glEnable(GL_FRAMEBUFFER_SRGB);
    glClearColor((float)smp_srgb_decode(frame->background_srgb[0]),
                 (float)smp_srgb_decode(frame->background_srgb[1]),
                 (float)smp_srgb_decode(frame->background_srgb[2]), 1.0f);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    if (r->head_index_count == 0) return smp_gl_check("clearing the frame", err);

    float view[16], proj[16];
    smp_camera_matrices(&frame->camera, (float)width / (float)height, view, proj);
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    glFrontFace(GL_CCW);
    glUseProgram(r->skin_program);
    glUniformMatrix4fv(r->u_view, 1, GL_FALSE, view);
    glUniformMatrix4fv(r->u_proj, 1, GL_FALSE, proj);
    glUniform3f(r->u_skin_linear, (float)smp_srgb_decode(frame->skin_srgb[0]),
                (float)smp_srgb_decode(frame->skin_srgb[1]),
                (float)smp_srgb_decode(frame->skin_srgb[2]));
    glBindVertexArray(r->head_vao);
    glDrawElements(GL_TRIANGLES, r->head_index_count, GL_UNSIGNED_INT, NULL);
    glBindVertexArray(0);
    if (r->dot_count > 0 && !frame->hide_dots) draw_dots(r, frame, view, proj, width, height);
    glUseProgram(0);
    return smp_gl_check("drawing the head", err);
}

smp_status smp_renderer_draw_offscreen(smp_renderer *r, const smp_frame_desc *frame, int width,
                                       int height, smp_error *err) {
    smp_status s = smp_gl_target_resize(&r->target, width, height, r->msaa_samples, err);
    if (s != SMP_OK) return s;
    smp_gl_target_bind(&r->target);
    s = smp_renderer_draw(r, frame, width, height, err);
    if (s == SMP_OK) {
        smp_gl_target_resolve(&r->target);
        glEnable(GL_FRAMEBUFFER_SRGB);
        glDisable(GL_DEPTH_TEST);
        glUseProgram(r->present_program);
        glBindVertexArray(r->present_vao);
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glBindVertexArray(0);
        glUseProgram(0);
        s = smp_gl_check("encoding the frame", err);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return s;
}

smp_status smp_renderer_capture(smp_renderer *r, const smp_frame_desc *frame, smp_image *image,
                                smp_error *err) {
    if (!image->pixels)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "capture needs an allocated image");
    smp_status s = smp_renderer_draw_offscreen(r, frame, image->width, image->height, err);
    if (s == SMP_OK) s = smp_gl_target_read(&r->target, image->pixels, err);
    return s;
}

smp_status smp_renderer_present(smp_renderer *r, int width, int height, smp_error *err) {
    if (!r->target.out_fbo)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "present before any offscreen frame");
    glDisable(GL_FRAMEBUFFER_SRGB); /* copy the encoded bytes as they are */
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r->target.out_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glBlitFramebuffer(0, 0, r->target.width, r->target.height, 0, 0, width, height,
                      GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return smp_gl_check("presenting the frame", err);
}

smp_status smp_renderer_read_window(smp_image *image, smp_error *err) {
    smp_status s =
        smp_gl_read_rgba8(0, image->width, image->height, image->pixels, "reading the window", err);
    /* a window's alpha is whatever the UI left there; images are opaque */
    for (size_t i = 0; s == SMP_OK && i < (size_t)image->width * image->height; ++i)
        image->pixels[4 * i + 3] = 255;
    return s;
}
