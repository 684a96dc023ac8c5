/* Parity of shaders/model.glsl with the C model: a fragment shader evaluates one dot per pixel
 * into two RGBA32F targets, and every value must match smp_age_eval within the stated
 * tolerance (the C path reads per-micrometre tables computed in double; the shader evaluates
 * the formulas in float with the driver's exp). */
#include <criterion/criterion.h>
#include <glad/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/fsio.h"
#include "smp/gl_context.h"

enum { W = 64, H = 48, N = W * H };
#define TOLERANCE 1e-4

static const char *k_vert = "#version 330 core\n"
                            "void main() {\n"
                            "    vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);\n"
                            "    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);\n"
                            "}\n";
static const char *k_frag_head = "#version 330 core\n";
static const char *k_frag_main =
    "uniform sampler2D u_dots; // radius µm, depth µm, ink 0..255, session·4 + tissue\n"
    "layout(location = 0) out vec4 o_a;\n"
    "layout(location = 1) out vec4 o_b;\n"
    "layout(location = 2) out vec4 o_c;\n"
    "void main() {\n"
    "    vec4 d = texelFetch(u_dots, ivec2(gl_FragCoord.xy), 0);\n"
    "    int sk = int(d.w + 0.5);\n"
    "    AgeDot r = age_dot(d.x, d.y, d.z, sk / 4, sk % 4);\n"
    "    o_a = vec4(r.sigma_mm, r.pigment, r.trans.r, r.trans.g);\n"
    "    o_b = vec4(r.trans.b, r.halo_sigma_mm, r.halo_trans.r, r.halo_trans.g);\n"
    "    o_c = vec4(r.halo_trans.b, 0.0, 0.0, 1.0);\n"
    "}\n";

static GLuint compile(GLenum type, int count, const char **src) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, count, src, NULL);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    char log[2048] = "";
    if (!ok) glGetShaderInfoLog(s, sizeof log, NULL, log);
    cr_assert(ok, "compile failed: %s", log);
    return s;
}

Test(model_gl, shader_matches_the_c_model) {
    smp_gl_context *gl = NULL;
    smp_error err = {0};
    smp_gl_context_desc gd = {.debug = 1};
    if (smp_gl_context_create(&gd, &gl, &err) != SMP_OK)
        cr_skip_test("no headless OpenGL 3.3 here: %s", err.message);

    char *model_src = NULL;
    size_t model_size = 0;
    cr_assert_eq(
        smp_read_file(SMP_SOURCE_DIR "/shaders/model.glsl", 0, &model_src, &model_size, &err),
        SMP_OK, "%s", err.message);
    const char *frag[3] = {k_frag_head, model_src, k_frag_main};
    GLuint vs = compile(GL_VERTEX_SHADER, 1, &k_vert), fs = compile(GL_FRAGMENT_SHADER, 3, frag);
    free(model_src);
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glLinkProgram(prog);
    GLint linked = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &linked);
    cr_assert(linked);
    glDeleteShader(vs);
    glDeleteShader(fs);

    /* A plan with a touch-up, on dark skin with sun: every factor non-trivial. */
    smp_skin skin;
    cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = 6, .fitzpatrick = 2}, &skin, &err),
                 SMP_OK);
    smp_age_session s[4] = {
        {.t_years = 0, .dilution = 0.6},
        {.t_years = 0.06, .dilution = 0.4},
        {.t_years = 0.12, .dilution = 0.3, .ink_class = SMP_INK_TEMPORARY},
        {.t_years = 3.0, .touch_up = 1, .dilution = 0.5},
    };
    smp_age_desc d = {.skin = &skin, .sessions = s, .session_count = 4, .outdoor_hours_per_day = 2};
    smp_age_model *m = NULL;
    cr_assert_eq(smp_age_create(&d, &m, &err), SMP_OK, "%s", err.message);

    static uint16_t r[N], z[N];
    static uint8_t ink[N], ses[N], tis[N];
    static float texels[N * 4];
    uint32_t x = 12345u;
    for (int i = 0; i < N; ++i) {
        x = x * 1664525u + 1013904223u;
        r[i] = (uint16_t)(30 + (x >> 8) % 200);
        z[i] = (uint16_t)((x >> 12) % 1800);
        ink[i] = (uint8_t)(x >> 20);
        ses[i] = (uint8_t)((x >> 28) % 4);
        tis[i] = (uint8_t)((x >> 4) % SMP_TISSUE_COUNT);
        texels[i * 4 + 0] = r[i];
        texels[i * 4 + 1] = z[i];
        texels[i * 4 + 2] = ink[i];
        texels[i * 4 + 3] = (float)(ses[i] * 4 + tis[i]);
    }
    GLuint tex[4], fbo;
    glGenTextures(4, tex);
    for (int t = 0; t < 4; ++t) {
        glBindTexture(GL_TEXTURE_2D, tex[t]);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, W, H, 0, GL_RGBA, GL_FLOAT,
                     t == 0 ? texels : NULL);
    }
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex[1], 0);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT1, GL_TEXTURE_2D, tex[2], 0);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT2, GL_TEXTURE_2D, tex[3], 0);
    const GLenum bufs[3] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
    glDrawBuffers(3, bufs);
    cr_assert_eq(glCheckFramebufferStatus(GL_FRAMEBUFFER), GL_FRAMEBUFFER_COMPLETE);
    GLuint vao;
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glViewport(0, 0, W, H);
    glUseProgram(prog);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, tex[0]);
    glUniform1i(glGetUniformLocation(prog, "u_dots"), 0);

    static float sk[SMP_AGE_GLSL_MAX_SESSIONS * 4 * SMP_AGE_SK_FLOATS],
        consts[SMP_AGE_CONST_FLOATS];
    static float got_a[N * 4], got_b[N * 4], got_c[N * 4], c_out[9][N];
    smp_dot_attrs in = {r, z, ink, ses, tis};
    smp_dot_look out = {c_out[0], c_out[1], c_out[2], c_out[3], c_out[4],
                        c_out[5], c_out[6], c_out[7], c_out[8]};
    const double years[] = {0.0, 0.01, 0.2, 1.0, 3.05, 7.5, 25.0};
    double worst = 0.0;
    for (size_t y = 0; y < sizeof years / sizeof *years; ++y) {
        cr_assert_eq(smp_age_uniforms(m, years[y], sk, consts, &err), SMP_OK, "%s", err.message);
        glUniform4fv(glGetUniformLocation(prog, "u_age_sk"), 4 * 4 * 3, sk);
        glUniform4fv(glGetUniformLocation(prog, "u_age_const"), SMP_AGE_CONST_FLOATS / 4, consts);
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glReadBuffer(GL_COLOR_ATTACHMENT0);
        glReadPixels(0, 0, W, H, GL_RGBA, GL_FLOAT, got_a);
        glReadBuffer(GL_COLOR_ATTACHMENT1);
        glReadPixels(0, 0, W, H, GL_RGBA, GL_FLOAT, got_b);
        glReadBuffer(GL_COLOR_ATTACHMENT2);
        glReadPixels(0, 0, W, H, GL_RGBA, GL_FLOAT, got_c);
        cr_assert_eq(smp_age_eval(m, years[y], &in, 0, N, &out, 1, &err), SMP_OK, "%s",
                     err.message);
        for (int i = 0; i < N; ++i) {
            const float shader[9] = {got_a[i * 4],     got_a[i * 4 + 1], got_a[i * 4 + 2],
                                     got_a[i * 4 + 3], got_b[i * 4],     got_b[i * 4 + 1],
                                     got_b[i * 4 + 2], got_b[i * 4 + 3], got_c[i * 4]};
            for (int k = 0; k < 9; ++k) {
                double scale = k == 0 || k == 5 ? c_out[k][i] : 1.0; /* sigmas: relative */
                double e = fabs(shader[k] - c_out[k][i]) / scale;
                if (e > worst) worst = e;
                cr_assert_leq(e, TOLERANCE,
                              "year %g dot %d (r %u z %u ink %u s %u t %u) output %d: "
                              "GLSL %.7g, C %.7g",
                              years[y], i, r[i], z[i], ink[i], ses[i], tis[i], k, shader[k],
                              c_out[k][i]);
            }
        }
    }
    cr_log_info("largest GLSL-vs-C difference %.3g (tolerance %g)", worst, TOLERANCE);
    cr_assert_eq(smp_gl_context_error_count(gl), 0, "GL errors: %s", smp_gl_context_last_error(gl));
    glDeleteVertexArrays(1, &vao);
    glDeleteFramebuffers(1, &fbo);
    glDeleteTextures(4, tex);
    glDeleteProgram(prog);
    smp_age_destroy(m);
    smp_gl_context_destroy(gl);
}
