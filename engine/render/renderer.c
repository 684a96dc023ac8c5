#include "smp/renderer.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"
#include "smp/age.h"   /* the optics of what lies under the skin */
#include "smp/blend.h" /* SMP_SHAFT_IN_SKIN_MM */
#include "smp/skin.h"  /* smp_srgb_decode */

/* One buffer per static dot attribute, mirroring smp_dots' structure-of-arrays. */
enum { DOT_ATTRIBS = 9 };

/* Dots and hair ribbons are quads drawn without instancing: quad i is vertices 4i..4i+3, and
 * each vertex shader fetches its quad's data from buffer textures. A CPU rasteriser pays per
 * instance far more than per vertex, and indexing the two triangles over the four corners has
 * each corner shaded once. One 16-bit index buffer covers QUAD_CHUNK quads; longer draws go in
 * chunks, each offset by its base vertex. */
enum { QUAD_CHUNK = 16384 };

/* The dots pass reads its attributes from texture units DOT_UNIT.. (the hair pass uses 1). */
enum { DOT_UNIT = 2 };

/* Where a program reads the lighting of lights.glsl. */
typedef struct light_uniforms {
    GLint dir, color, ground, sky, up;
} light_uniforms;

/* One ribbon as the hair pass reads it from its buffer texture: three RGBA32UI texels, floats
 * stored by their bits; drawn as a quad (QUAD_CHUNK). */
typedef struct hair_ribbon {
    float p0[3], diameter_mm;
    float p1[3];
    uint32_t color_rgba8; /* sRGB bytes, red lowest */
    float normal[3];      /* the skin's normal at the root */
    uint32_t cull;        /* 1: hidden where the root's skin faces away (short hair) */
} hair_ribbon;
_Static_assert(sizeof(hair_ribbon) == 48, "three RGBA32UI texels");

struct smp_renderer {
    int msaa_samples;
    uint64_t uploads; /* smp_renderer_upload_count */
    GLuint skin_program;
    GLint u_view, u_proj, u_skin_linear, u_overlay, u_overlay_range, u_marks;
    light_uniforms skin_lights;
    GLuint head_vao;
    GLuint head_vbo[5]; /* positions, normals, uvs, overlay scalar, pen marks */
    GLuint head_ibo;
    GLsizei head_index_count;
    uint32_t head_vertex_count;
    GLuint hair_program;
    GLint u_hair_view, u_hair_proj, u_hair_viewport, u_hair_min_width, u_hair_under_skin;
    GLint u_hair_side_take, u_hair_half_depth, u_hair_epidermis, u_hair_tau;
    light_uniforms hair_lights;
    GLuint hair_vao;                 /* no attributes: the ribbons come from buffer textures */
    GLuint hair_buf[2], hair_tex[2]; /* above the skin: every segment; under it: one per hair */
    GLsizei hair_segments, hair_count;
    float hair_mean_diameter_mm; /* sets how many hairs a far view needs (draw_hair) */
    GLint u_hair_width_scale;
    GLuint present_program, present_vao;
    GLuint dots_program;
    GLint u_dots_view, u_dots_proj, u_dots_viewport, u_dots_t_years, u_dots_min_sigma;
    GLint u_age_sk, u_age_const;
    GLint u_dots_thin;
    GLuint dots_vao; /* no attributes: the dots come from buffer textures */
    GLuint dots_buf[DOT_ATTRIBS], dots_tex[DOT_ATTRIBS];
    GLuint quad_ibo; /* the corners of QUAD_CHUNK quads, for the dots' and the hair's vaos */
    GLsizei dot_count;
    smp_gl_target target;       /* multisampled, for frames at rest and captures */
    smp_gl_target draft_target; /* one sample per pixel, for frames in motion */
    smp_gl_target *drawn;       /* the target of the last offscreen frame */
};

void smp_frame_set_skin_optics(smp_frame_desc *frame, const smp_skin *skin) {
    for (int k = 0; k < 3; ++k) {
        frame->skin_side_take[k] =
            (float)(skin->tissue_dermal_share[SMP_TISSUE_SKIN][k] * SMP_OPTICS_SIDE_EFFICIENCY);
        frame->skin_half_depth_mm[k] = (float)(0.5 * smp_depth_weight_length_mm(skin, k));
    }
    frame->epidermis_mm = (float)skin->epidermis_mm;
}

smp_frame_desc smp_frame_default(void) {
    smp_frame_desc f;
    memset(&f, 0, sizeof f);
    /* Monk Skin Tone 4, #eadaba. */
    f.skin_srgb[0] = 234.0f / 255.0f;
    f.skin_srgb[1] = 218.0f / 255.0f;
    f.skin_srgb[2] = 186.0f / 255.0f;
    /* MST 4's optics, so a frame without a client still shows shafts */
    smp_skin skin;
    if (smp_skin_resolve(&(smp_skin_desc){.mst = 4}, &skin, NULL) == SMP_OK)
        smp_frame_set_skin_optics(&f, &skin);
    /* The plain mid-tone blue-grey of clinic photographs (CIELAB L* 50, b* -11): light skin
     * stands out against it by lightness, dark skin by lightness and hue, and warm skin
     * between by hue; every Monk tone's albedo lies at least ΔE00 25 from it (test_render). */
    f.background_srgb[0] = 107.0f / 255.0f;
    f.background_srgb[1] = 120.0f / 255.0f;
    f.background_srgb[2] = 138.0f / 255.0f;
    return f;
}

static const char *const k_lighting_names[SMP_LIGHTING_COUNT] = {"clinic", "overhead", "daylight",
                                                                 "flash", "measure"};

const char *smp_lighting_name(smp_lighting lighting) {
    return (unsigned)lighting < SMP_LIGHTING_COUNT ? k_lighting_names[lighting] : NULL;
}

smp_status smp_lighting_parse(const char *name, smp_lighting *out, smp_error *err) {
    for (int i = 0; i < SMP_LIGHTING_COUNT; ++i)
        if (strcmp(name, k_lighting_names[i]) == 0) {
            *out = (smp_lighting)i;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "lighting '%s': expected clinic, overhead, daylight, flash or measure",
                         name);
}

/* A preset's lights. Those marked in_view follow the camera (a photographer's set-up); the
 * others are fixed to the room (head frame, +Y up) and turned into view space per frame. */
typedef struct preset_light {
    float dir[3];
    float color[3];
    int in_view;
} preset_light;

typedef struct preset {
    preset_light light[4];
    float ground[3], sky[3];
} preset;

static const preset k_presets[SMP_LIGHTING_COUNT] = {
    /* clinic, as hair-restoration photographs are lit: a large soft key 45° to the camera's
     * left and 35° above, a fill from the right at half the key, a little top light for the
     * crown and a rim from behind and above that parts a dark head from the backdrop; the skin's
     * wrap and the hemisphere keep the side away from the key from going black */
    {{{{-0.58f, 0.57f, 0.58f}, {1.90f, 1.85f, 1.76f}, 1},
      {{0.66f, 0.12f, 0.74f}, {0.92f, 0.94f, 0.98f}, 1},
      {{0.00f, 1.00f, 0.10f}, {0.30f, 0.30f, 0.30f}, 1},
      {{0.45f, 0.50f, -0.74f}, {0.70f, 0.72f, 0.78f}, 1}},
     {0.07f, 0.06f, 0.055f},
     {0.17f, 0.18f, 0.20f}},
    /* overhead: a ceiling panel above the chair, a little in front; a dim frontal fill */
    {{{{0.00f, 1.00f, 0.25f}, {3.20f, 3.10f, 2.95f}, 0},
      {{0.00f, 0.00f, 1.00f}, {0.35f, 0.35f, 0.36f}, 1},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0}},
     {0.04f, 0.035f, 0.03f},
     {0.12f, 0.12f, 0.13f}},
    /* daylight: a broad window on the client's left, a blue sky, a warm bounce from the floor */
    {{{{0.85f, 0.35f, 0.40f}, {1.80f, 1.80f, 1.75f}, 0},
      {{-0.60f, 0.20f, 0.50f}, {0.25f, 0.27f, 0.30f}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0}},
     {0.16f, 0.13f, 0.10f},
     {0.30f, 0.36f, 0.46f}},
    /* flash: one hard light next to the lens, almost nothing else */
    {{{{0.05f, 0.10f, 1.00f}, {3.00f, 3.00f, 3.00f}, 1},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0}},
     {0.02f, 0.02f, 0.02f},
     {0.04f, 0.04f, 0.045f}},
    /* measure: only the hemisphere, equal and white above and below, so the skin's and the
     * hair's shading reduce to their albedo (smpsim measure) */
    {{{{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0},
      {{0, 1, 0}, {0, 0, 0}, 0}},
     {1.0f, 1.0f, 1.0f},
     {1.0f, 1.0f, 1.0f}},
};

static light_uniforms light_locations(GLuint program) {
    return (light_uniforms){glGetUniformLocation(program, "u_light_dir"),
                            glGetUniformLocation(program, "u_light_color"),
                            glGetUniformLocation(program, "u_ambient_ground"),
                            glGetUniformLocation(program, "u_ambient_sky"),
                            glGetUniformLocation(program, "u_up_view")};
}

/* Sets the preset's lights on the program in use, in the view space of the column-major view
 * matrix. */
static void set_lights(const light_uniforms *u, smp_lighting lighting, const float *view) {
    const preset *p = &k_presets[(unsigned)lighting < SMP_LIGHTING_COUNT ? lighting : 0];
    float dir[12], color[12];
    for (int i = 0; i < 4; ++i) {
        const preset_light *l = &p->light[i];
        float d[3] = {l->dir[0], l->dir[1], l->dir[2]};
        if (!l->in_view)
            for (int r = 0; r < 3; ++r)
                d[r] = view[r] * l->dir[0] + view[4 + r] * l->dir[1] + view[8 + r] * l->dir[2];
        float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        for (int k = 0; k < 3; ++k) {
            dir[3 * i + k] = len > 0 ? d[k] / len : 0.0f;
            color[3 * i + k] = l->color[k];
        }
    }
    glUniform3fv(u->dir, 4, dir);
    glUniform3fv(u->color, 4, color);
    glUniform3fv(u->ground, 1, p->ground);
    glUniform3fv(u->sky, 1, p->sky);
    glUniform3f(u->up, view[4], view[5], view[6]);
}

smp_status smp_renderer_create(const smp_renderer_desc *desc, smp_renderer **out, smp_error *err) {
    *out = NULL;
    smp_renderer *r = calloc(1, sizeof *r);
    if (!r) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    r->msaa_samples = desc && desc->msaa_samples > 0 ? desc->msaa_samples : 4;
    smp_status s = smp_program_create("skin.vert", "skin.frag+lights.glsl", &r->skin_program, err);
    if (s != SMP_OK) {
        free(r);
        return s;
    }
    r->u_view = glGetUniformLocation(r->skin_program, "u_view");
    r->u_proj = glGetUniformLocation(r->skin_program, "u_proj");
    r->u_skin_linear = glGetUniformLocation(r->skin_program, "u_skin_linear");
    r->u_overlay = glGetUniformLocation(r->skin_program, "u_overlay");
    r->u_overlay_range = glGetUniformLocation(r->skin_program, "u_overlay_range");
    r->u_marks = glGetUniformLocation(r->skin_program, "u_marks");
    r->skin_lights = light_locations(r->skin_program);
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
    r->u_dots_thin = glGetUniformLocation(r->dots_program, "u_thin");
    static const char *const dot_samplers[DOT_ATTRIBS] = {"u_x",      "u_y",         "u_z",
                                                          "u_normal", "u_radius_um", "u_depth_um",
                                                          "u_ink",    "u_session",   "u_tissue"};
    glUseProgram(r->dots_program);
    for (int i = 0; i < DOT_ATTRIBS; ++i)
        glUniform1i(glGetUniformLocation(r->dots_program, dot_samplers[i]), DOT_UNIT + i);
    glUseProgram(0);
    s = smp_program_create("hair.vert+lights.glsl", "hair.frag", &r->hair_program, err);
    if (s != SMP_OK) {
        smp_renderer_destroy(r);
        return s;
    }
    r->u_hair_view = glGetUniformLocation(r->hair_program, "u_view");
    r->u_hair_proj = glGetUniformLocation(r->hair_program, "u_proj");
    r->u_hair_viewport = glGetUniformLocation(r->hair_program, "u_viewport_px");
    r->u_hair_min_width = glGetUniformLocation(r->hair_program, "u_min_width_px");
    r->u_hair_under_skin = glGetUniformLocation(r->hair_program, "u_under_skin");
    r->u_hair_side_take = glGetUniformLocation(r->hair_program, "u_side_take");
    r->u_hair_tau = glGetUniformLocation(r->hair_program, "u_hair_tau");
    r->u_hair_half_depth = glGetUniformLocation(r->hair_program, "u_half_depth_mm");
    r->u_hair_epidermis = glGetUniformLocation(r->hair_program, "u_epidermis_mm");
    r->u_hair_width_scale = glGetUniformLocation(r->hair_program, "u_width_scale");
    r->hair_lights = light_locations(r->hair_program);
    glUseProgram(r->hair_program);
    glUniform1i(glGetUniformLocation(r->hair_program, "u_ribbons"), 1);
    glUseProgram(0);
    glGenVertexArrays(1, &r->hair_vao);
    s = smp_program_create("present.vert", "present.frag", &r->present_program, err);
    if (s != SMP_OK) {
        smp_renderer_destroy(r);
        return s;
    }
    glUseProgram(r->present_program);
    glUniform1i(glGetUniformLocation(r->present_program, "u_frame"), 0);
    glUseProgram(0);
    glGenVertexArrays(1, &r->present_vao);
    static const uint16_t corner[6] = {0, 1, 2, 2, 1, 3}; /* bit 0: side, bit 1: which end */
    uint16_t *idx = malloc(sizeof *idx * 6 * QUAD_CHUNK);
    if (!idx) {
        smp_renderer_destroy(r);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory creating the renderer");
    }
    for (int i = 0; i < 6 * QUAD_CHUNK; ++i) idx[i] = (uint16_t)(4 * (i / 6) + corner[i % 6]);
    glGenBuffers(1, &r->quad_ibo);
    glGenVertexArrays(1, &r->dots_vao);
    GLuint vaos[2] = {r->dots_vao, r->hair_vao};
    for (int i = 0; i < 2; ++i) {
        glBindVertexArray(vaos[i]);
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r->quad_ibo);
        if (i == 0)
            glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(sizeof *idx * 6 * QUAD_CHUNK), idx,
                         GL_STATIC_DRAW);
    }
    glBindVertexArray(0);
    free(idx);
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
    smp_gl_target_destroy(&r->draft_target);
    if (r->quad_ibo) glDeleteBuffers(1, &r->quad_ibo);
    if (r->head_ibo) glDeleteBuffers(1, &r->head_ibo);
    if (r->head_vbo[0]) glDeleteBuffers(3, r->head_vbo);
    if (r->head_vbo[3]) glDeleteBuffers(1, &r->head_vbo[3]);
    if (r->head_vbo[4]) glDeleteBuffers(1, &r->head_vbo[4]);
    if (r->hair_tex[0]) glDeleteTextures(2, r->hair_tex);
    if (r->hair_buf[0]) glDeleteBuffers(2, r->hair_buf);
    if (r->hair_vao) glDeleteVertexArrays(1, &r->hair_vao);
    if (r->hair_program) glDeleteProgram(r->hair_program);
    if (r->head_vao) glDeleteVertexArrays(1, &r->head_vao);
    if (r->skin_program) glDeleteProgram(r->skin_program);
    if (r->dots_tex[0]) glDeleteTextures(DOT_ATTRIBS, r->dots_tex);
    if (r->dots_buf[0]) glDeleteBuffers(DOT_ATTRIBS, r->dots_buf);
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
    /* a new head has no overlay values or marks until they are given */
    glDisableVertexAttribArray(3);
    glVertexAttrib1f(3, 0.0f);
    glDisableVertexAttribArray(4);
    glVertexAttrib3f(4, -1.0f, -1.0f, 0.0f);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    r->head_index_count = (GLsizei)(3 * head->triangle_count);
    r->head_vertex_count = head->vertex_count;
    ++r->uploads;
    return smp_gl_check("uploading the head mesh", err);
}

smp_status smp_renderer_set_vertex_scalar(smp_renderer *r, const float *values, size_t count,
                                          smp_error *err) {
    if (values && count > 0 && count != r->head_vertex_count)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "overlay: %zu values for a head of %u vertices", count,
                             r->head_vertex_count);
    glBindVertexArray(r->head_vao);
    if (!values || count == 0) {
        glDisableVertexAttribArray(3);
    } else {
        if (!r->head_vbo[3]) glGenBuffers(1, &r->head_vbo[3]);
        glBindBuffer(GL_ARRAY_BUFFER, r->head_vbo[3]);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * count), values, GL_STATIC_DRAW);
        glEnableVertexAttribArray(3);
        glVertexAttribPointer(3, 1, GL_FLOAT, GL_FALSE, 0, NULL);
        glBindBuffer(GL_ARRAY_BUFFER, 0);
    }
    glBindVertexArray(0);
    glVertexAttrib1f(3, 0.0f);
    ++r->uploads;
    return smp_gl_check("uploading the overlay values", err);
}

smp_status smp_renderer_set_marks(smp_renderer *r, const float *outline, const float *hairline,
                                  const float *hairline_mask, size_t count, smp_error *err) {
    if ((outline || hairline) && count != r->head_vertex_count)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "marks: %zu values for a head of %u vertices", count,
                             r->head_vertex_count);
    glBindVertexArray(r->head_vao);
    if (!outline && !hairline) {
        glDisableVertexAttribArray(4);
    } else {
        float *v = malloc(sizeof(float) * 3 * (count ? count : 1));
        if (!v) {
            glBindVertexArray(0);
            return smp_error_set(err, SMP_ERR_NOMEM, "marks: out of memory");
        }
        for (size_t i = 0; i < count; ++i) { /* -1: no line anywhere near */
            v[3 * i + 0] = outline ? outline[i] : -1.0f;
            v[3 * i + 1] = hairline ? hairline[i] : -1.0f;
            v[3 * i + 2] = hairline && (!hairline_mask || hairline_mask[i] > 0.5f) ? 1.0f : 0.0f;
        }
        if (!r->head_vbo[4]) glGenBuffers(1, &r->head_vbo[4]);
        glBindBuffer(GL_ARRAY_BUFFER, r->head_vbo[4]);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * 3 * count), v, GL_STATIC_DRAW);
        free(v);
        glEnableVertexAttribArray(4);
        glVertexAttribPointer(4, 3, GL_FLOAT, GL_FALSE, 0, NULL);
        glBindBuffer(GL_ARRAY_BUFFER, 0);
    }
    glBindVertexArray(0);
    glVertexAttrib3f(4, -1.0f, -1.0f, 0.0f);
    ++r->uploads;
    return smp_gl_check("uploading the marks", err);
}

/* Fills one of the hair buffer textures with n ribbons. */
static void upload_ribbons(GLuint buffer, GLuint texture, const hair_ribbon *v, size_t n) {
    glBindBuffer(GL_TEXTURE_BUFFER, buffer);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof *v * (n ? n : 1)), n ? v : NULL,
                 GL_STATIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, texture);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32UI, buffer);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_TEXTURE_BUFFER, 0);
}

/* A ribbon between two points of hair h, with its root's normal. Short hair lies against the
 * skin, so where the skin faces away from the camera it is hidden and need not be drawn; a
 * long strand may hang into view, so it is always drawn. */
static hair_ribbon ribbon(const smp_hair_set *hair, size_t h, const float p0[3], const float p1[3],
                          float diameter_mm, const float n[3]) {
    hair_ribbon v;
    memcpy(v.p0, p0, sizeof v.p0);
    memcpy(v.p1, p1, sizeof v.p1);
    v.diameter_mm = diameter_mm;
    const uint8_t *c = hair->color_srgb + 3 * h;
    v.color_rgba8 = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | 0xff000000u;
    memcpy(v.normal, n, sizeof v.normal);
    v.cull = hair->segments == 1;
    return v;
}

/* The shaft under the skin: from the root down into the head, opposite the way the hair
 * leaves it, SMP_SHAFT_IN_SKIN_MM long (p1 is the shaft's deep end; hair.vert draws it where
 * it lies under the surface and darkens the skin by its optics, smp/blend.h). */
static hair_ribbon under_skin_ribbon(const smp_hair_set *hair, size_t h, const float n[3]) {
    const float *p = hair->points + 3 * (size_t)(hair->segments + 1) * h;
    float d[3], end[3];
    for (int k = 0; k < 3; ++k) d[k] = p[3 + k] - p[k];
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int k = 0; k < 3; ++k)
        end[k] = p[k] - (len > 0 ? d[k] / len : n[k]) * (float)SMP_SHAFT_IN_SKIN_MM;
    hair_ribbon v = ribbon(hair, h, p, end, hair->diameter_mm[h], n);
    v.cull = 1;
    return v;
}

smp_status smp_renderer_set_hair(smp_renderer *r, const smp_hair_set *hair, smp_error *err) {
    size_t segs = hair->count * (size_t)(hair->count ? hair->segments : 0);
    GLint max_texels = 0;
    glGetIntegerv(GL_MAX_TEXTURE_BUFFER_SIZE, &max_texels);
    if (segs > (size_t)INT32_MAX / 6 || 3 * segs > (size_t)max_texels)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "%zu hair segments: more than this driver's buffer textures hold "
                             "(%d texels, 3 per segment); grow fewer (max_hairs)",
                             segs, max_texels);
    hair_ribbon *v = malloc(sizeof *v * (segs + hair->count + 1));
    if (!v) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory uploading the hair");
    hair_ribbon *under = v + segs;
    size_t stride = 3 * (size_t)(hair->segments + 1);
    for (size_t h = 0, i = 0; h < hair->count; ++h) {
        float n[3];
        smp_normal_decode_oct(hair->normal[h], n);
        for (int k = 0; k < hair->segments; ++k, ++i) {
            const float *p = hair->points + h * stride + 3 * (size_t)k;
            v[i] = ribbon(hair, h, p, p + 3, hair->diameter_mm[h], n);
        }
        under[h] = under_skin_ribbon(hair, h, n);
    }
    if (!r->hair_buf[0]) {
        glGenBuffers(2, r->hair_buf);
        glGenTextures(2, r->hair_tex);
    }
    upload_ribbons(r->hair_buf[0], r->hair_tex[0], v, segs);
    upload_ribbons(r->hair_buf[1], r->hair_tex[1], under, hair->count);
    free(v);
    r->hair_segments = (GLsizei)segs;
    r->hair_count = (GLsizei)hair->count;
    double sum = 0.0;
    for (size_t h = 0; h < hair->count; ++h) sum += hair->diameter_mm[h];
    r->hair_mean_diameter_mm = hair->count ? (float)(sum / (double)hair->count) : 0.0f;
    ++r->uploads;
    return smp_gl_check("uploading the hair", err);
}

uint64_t smp_renderer_upload_count(const smp_renderer *r) { return r->uploads; }

smp_status smp_renderer_set_dot_model(smp_renderer *r, const float *per_session, int sessions,
                                      const float *constants, smp_error *err) {
    if (sessions < 0 || sessions > SMP_RENDERER_MAX_SESSIONS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%d sessions: the dots pass holds %d",
                             sessions, SMP_RENDERER_MAX_SESSIONS);
    glUseProgram(r->dots_program);
    if (sessions > 0) glUniform4fv(r->u_age_sk, sessions * 4 * 3, per_session);
    glUniform4fv(r->u_age_const, SMP_RENDERER_DOT_CONSTANTS / 4, constants);
    glUseProgram(0);
    return smp_gl_check("setting the dot model", err);
}

smp_status smp_renderer_set_dots(smp_renderer *r, const smp_dots *dots, smp_error *err) {
    if (dots->count > (size_t)INT32_MAX / 4)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%zu dots: more than one draw can hold",
                             dots->count);
    GLint max_texels = 0;
    glGetIntegerv(GL_MAX_TEXTURE_BUFFER_SIZE, &max_texels);
    if (dots->count > (size_t)max_texels)
        return smp_error_set(err, SMP_ERR_UNSUPPORTED,
                             "%zu dots: more than this driver's buffer textures hold (%d)",
                             dots->count, max_texels);
    if (!r->dots_buf[0]) {
        glGenBuffers(DOT_ATTRIBS, r->dots_buf);
        glGenTextures(DOT_ATTRIBS, r->dots_tex);
    }
    const struct {
        const void *data;
        size_t bytes;
        GLenum format;
    } attr[DOT_ATTRIBS] = {
        {dots->x, 4, GL_R32F},       {dots->y, 4, GL_R32F},          {dots->z, 4, GL_R32F},
        {dots->normal, 4, GL_R32UI}, {dots->radius_um, 2, GL_R16UI}, {dots->depth_um, 2, GL_R16UI},
        {dots->ink, 1, GL_R8UI},     {dots->session, 1, GL_R8UI},    {dots->tissue, 1, GL_R8UI},
    };
    for (int i = 0; i < DOT_ATTRIBS; ++i) {
        glBindBuffer(GL_TEXTURE_BUFFER, r->dots_buf[i]);
        glBufferData(GL_TEXTURE_BUFFER,
                     (GLsizeiptr)(attr[i].bytes * (dots->count ? dots->count : 1)),
                     dots->count ? attr[i].data : NULL, GL_STATIC_DRAW);
        glBindTexture(GL_TEXTURE_BUFFER, r->dots_tex[i]);
        glTexBuffer(GL_TEXTURE_BUFFER, attr[i].format, r->dots_buf[i]);
    }
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_TEXTURE_BUFFER, 0);
    r->dot_count = (GLsizei)dots->count;
    ++r->uploads;
    return smp_gl_check("uploading the dots", err);
}

/* Draws quads 0..count-1 (QUAD_CHUNK) with the vertex array bound. */
static void draw_quads(GLsizei count) {
    for (GLsizei first = 0; first < count; first += QUAD_CHUNK) {
        GLsizei n = count - first < QUAD_CHUNK ? count - first : QUAD_CHUNK;
        glDrawElementsBaseVertex(GL_TRIANGLES, 6 * n, GL_UNSIGNED_SHORT, NULL, 4 * first);
    }
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
    glUniform1i(r->u_dots_thin, frame->fast_dots ? 1 : 0);
    glDepthMask(GL_FALSE);
    glDepthFunc(GL_LEQUAL);
    glDisable(GL_CULL_FACE);
    glEnable(GL_BLEND);
    /* dst.rgb *= src.rgb; alpha stays opaque for captures */
    glBlendFuncSeparate(GL_DST_COLOR, GL_ZERO, GL_ZERO, GL_ONE);
    glBindVertexArray(r->dots_vao);
    for (int i = 0; i < DOT_ATTRIBS; ++i) {
        glActiveTexture(GL_TEXTURE0 + DOT_UNIT + (GLenum)i);
        glBindTexture(GL_TEXTURE_BUFFER, r->dots_tex[i]);
    }
    draw_quads(r->dot_count);
    for (int i = 0; i < DOT_ATTRIBS; ++i) {
        glActiveTexture(GL_TEXTURE0 + DOT_UNIT + (GLenum)i);
        glBindTexture(GL_TEXTURE_BUFFER, 0);
    }
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
    glDepthMask(GL_TRUE);
    glDepthFunc(GL_LESS);
}

static void draw_hair(smp_renderer *r, const smp_frame_desc *frame, const float *view,
                      const float *proj, int width, int height) {
    glUseProgram(r->hair_program);
    glUniformMatrix4fv(r->u_hair_view, 1, GL_FALSE, view);
    glUniformMatrix4fv(r->u_hair_proj, 1, GL_FALSE, proj);
    glUniform2f(r->u_hair_viewport, (float)width, (float)height);
    /* A pixel: with 4x MSAA a ribbon this wide always covers samples, so thinner shafts fade
     * by coverage instead of breaking up. */
    glUniform1f(r->u_hair_min_width, 1.0f);
    /* In motion (fast_hair), far shafts are a fraction of a pixel and every ribbon is widened
     * to one and faded: about the same tone comes from fewer hairs drawn wider (at most 4x
     * fewer). Hairs are stored in random order (hair.c shuffles its units), so the first k are
     * an even thinning. A CPU rasteriser spends this pass on the ribbons'
     * triangles far more than on their pixels. */
    float keep = 1.0f;
    if (frame->fast_hair) {
        const float *eye = frame->camera.eye, *at = frame->camera.target;
        float dx = eye[0] - at[0], dy = eye[1] - at[1], dz = eye[2] - at[2];
        float dist = fmaxf(sqrtf(dx * dx + dy * dy + dz * dz), 1e-3f);
        float shaft_px = r->hair_mean_diameter_mm * proj[5] * 0.5f * (float)height / dist;
        keep = fminf(1.0f, fmaxf(2.0f * shaft_px, 0.25f));
    }
    GLsizei hairs = (GLsizei)ceilf(keep * (float)r->hair_count);
    if (hairs < 1) hairs = 1;
    GLsizei per_hair = r->hair_count ? r->hair_segments / r->hair_count : 0;
    glUniform1f(r->u_hair_width_scale, (float)r->hair_count / (float)hairs);
    set_lights(&r->hair_lights, frame->lighting, view);
    /* Hair does not write depth: a hair in front must not hide, within its pixels, the hair
     * behind it that its coverage lets through. The skin's depth still hides what is behind
     * the head. */
    glDepthMask(GL_FALSE);
    glDepthFunc(GL_LEQUAL);
    glDisable(GL_CULL_FACE);
    glEnable(GL_BLEND);
    /* under the skin first: absorbers, multiplied in like ink */
    glBindVertexArray(r->hair_vao);
    glActiveTexture(GL_TEXTURE1);
    glUniform1i(r->u_hair_under_skin, 1);
    glUniform3fv(r->u_hair_side_take, 1, frame->skin_side_take);
    glUniform3f(r->u_hair_tau, (float)(SMP_HAIR_TAU_PER_MM * smp_eumelanin_relative[0]),
                (float)(SMP_HAIR_TAU_PER_MM * smp_eumelanin_relative[1]),
                (float)(SMP_HAIR_TAU_PER_MM * smp_eumelanin_relative[2]));
    glUniform3fv(r->u_hair_half_depth, 1, frame->skin_half_depth_mm);
    glUniform1f(r->u_hair_epidermis, frame->epidermis_mm);
    glBlendFuncSeparate(GL_DST_COLOR, GL_ZERO, GL_ZERO, GL_ONE);
    glBindTexture(GL_TEXTURE_BUFFER, r->hair_tex[1]);
    draw_quads(hairs);
    glUniform1i(r->u_hair_under_skin, 0);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
    glBindTexture(GL_TEXTURE_BUFFER, r->hair_tex[0]);
    draw_quads(hairs * per_hair);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glActiveTexture(GL_TEXTURE0);
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
    glUniform1i(r->u_overlay, frame->overlay == SMP_OVERLAY_VERTEX_SCALAR ? 1 : 0);
    glUniform2f(r->u_overlay_range, frame->overlay_min, frame->overlay_max);
    glUniform1i(r->u_marks, frame->marks ? 1 : 0);
    set_lights(&r->skin_lights, frame->lighting, view);
    /* A hidden skin still fills the depth buffer, so nothing behind the head shows through. */
    if (frame->hide_skin) glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glBindVertexArray(r->head_vao);
    glDrawElements(GL_TRIANGLES, r->head_index_count, GL_UNSIGNED_INT, NULL);
    glBindVertexArray(0);
    glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    if (r->dot_count > 0 && !frame->hide_dots) draw_dots(r, frame, view, proj, width, height);
    if (r->hair_segments > 0 && !frame->hide_hair) draw_hair(r, frame, view, proj, width, height);
    glUseProgram(0);
    return smp_gl_check("drawing the head", err);
}

smp_status smp_renderer_draw_offscreen(smp_renderer *r, const smp_frame_desc *frame, int width,
                                       int height, smp_error *err) {
    /* Frames in motion have a target of their own, so going from motion to rest and back
     * reallocates nothing. */
    smp_gl_target *t = frame->single_sample ? &r->draft_target : &r->target;
    r->drawn = NULL;
    smp_status s =
        smp_gl_target_resize(t, width, height, frame->single_sample ? 1 : r->msaa_samples, err);
    if (s != SMP_OK) return s;
    smp_gl_target_bind(t);
    s = smp_renderer_draw(r, frame, width, height, err);
    if (s == SMP_OK) {
        smp_gl_target_resolve(t);
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
    if (s == SMP_OK) r->drawn = t;
    return s;
}

smp_status smp_renderer_capture(smp_renderer *r, const smp_frame_desc *frame, smp_image *image,
                                smp_error *err) {
    if (!image->pixels)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "capture needs an allocated image");
    smp_status s = smp_renderer_draw_offscreen(r, frame, image->width, image->height, err);
    if (s == SMP_OK) s = smp_gl_target_read(r->drawn, image->pixels, err);
    return s;
}

smp_status smp_renderer_capture_linear(smp_renderer *r, const smp_frame_desc *frame, int width,
                                       int height, float *rgba, smp_error *err) {
    smp_status s = smp_renderer_draw_offscreen(r, frame, width, height, err);
    if (s == SMP_OK) s = smp_gl_target_read_linear(r->drawn, rgba, err);
    return s;
}

smp_status smp_renderer_present(smp_renderer *r, int width, int height, smp_error *err) {
    const smp_gl_target *t = r->drawn;
    if (!t) return smp_error_set(err, SMP_ERR_INVALID_ARG, "present before any offscreen frame");
    glDisable(GL_FRAMEBUFFER_SRGB); /* copy the encoded bytes as they are */
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t->out_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    /* a frame drawn smaller (the viewer while the camera moves) is scaled up smoothly */
    int same = t->width == width && t->height == height;
    glBlitFramebuffer(0, 0, t->width, t->height, 0, 0, width, height, GL_COLOR_BUFFER_BIT,
                      same ? GL_NEAREST : GL_LINEAR);
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
