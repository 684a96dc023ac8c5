#include <stdlib.h>
#include <string.h>

#include "gl.h"

smp_status smp_gl_check(const char *what, smp_error *err) {
    GLenum first = glGetError();
    if (first == GL_NO_ERROR) return SMP_OK;
    while (glGetError() != GL_NO_ERROR) {
    }
    const char *name = first == GL_INVALID_ENUM        ? "GL_INVALID_ENUM"
                       : first == GL_INVALID_VALUE     ? "GL_INVALID_VALUE"
                       : first == GL_INVALID_OPERATION ? "GL_INVALID_OPERATION"
                       : first == GL_INVALID_FRAMEBUFFER_OPERATION
                           ? "GL_INVALID_FRAMEBUFFER_OPERATION"
                       : first == GL_OUT_OF_MEMORY ? "GL_OUT_OF_MEMORY"
                                                   : "unknown GL error";
    return smp_error_set(err, SMP_ERR_GL, "%s: %s (0x%04x)", what, name, (unsigned)first);
}

enum { MAX_PARTS = 4 };

/* name is one shaders/ file, or several joined by '+' ("dots.vert+dot_look.glsl"): the parts
 * are compiled as one shader in that order, so shared GLSL (the model) lives in one file. */
static smp_status compile(GLenum type, const char *name, GLuint *out, smp_error *err) {
    const char *sources[MAX_PARTS];
    char *owned[MAX_PARTS] = {0};
    int parts = 0;
    smp_status s = SMP_OK;
    for (const char *p = name; s == SMP_OK && *p;) {
        size_t n = strcspn(p, "+");
        char part[256];
        if (parts == MAX_PARTS || n == 0 || n >= sizeof part) {
            s = smp_error_set(err, SMP_ERR_INVALID_ARG, "shader name '%s' malformed", name);
            break;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        s = smp_shader_source(part, &sources[parts], &owned[parts], err);
        ++parts;
        p += n + (p[n] == '+');
    }
    GLuint shader = 0;
    if (s == SMP_OK) {
        shader = glCreateShader(type);
        glShaderSource(shader, parts, sources, NULL);
        glCompileShader(shader);
    }
    for (int i = 0; i < parts; ++i) free(owned[i]);
    if (s != SMP_OK) return s;
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[SMP_ERROR_MESSAGE_MAX - 64];
        glGetShaderInfoLog(shader, sizeof log, NULL, log);
        glDeleteShader(shader);
        return smp_error_set(err, SMP_ERR_GL, "shaders/%s: compile failed: %s", name, log);
    }
    *out = shader;
    return SMP_OK;
}

smp_status smp_program_create(const char *vert_name, const char *frag_name, GLuint *out,
                              smp_error *err) {
    GLuint vs = 0, fs = 0;
    smp_status s = compile(GL_VERTEX_SHADER, vert_name, &vs, err);
    if (s == SMP_OK) s = compile(GL_FRAGMENT_SHADER, frag_name, &fs, err);
    if (s != SMP_OK) {
        if (vs) glDeleteShader(vs);
        return s;
    }
    GLuint program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[SMP_ERROR_MESSAGE_MAX - 64];
        glGetProgramInfoLog(program, sizeof log, NULL, log);
        glDeleteProgram(program);
        return smp_error_set(err, SMP_ERR_GL, "shaders/%s + %s: link failed: %s", vert_name,
                             frag_name, log);
    }
    *out = program;
    return SMP_OK;
}
