#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"
#include "smp/fsio.h"

struct smp_embedded_file {
    const char *name;
    const char *data;
    size_t size;
};
extern const struct smp_embedded_file smp_shaders_embedded[];

smp_status smp_shader_source(const char *name, const char **source, char **owned, smp_error *err) {
    *source = NULL;
    *owned = NULL;
    const char *dir = getenv("SMP_SHADER_DIR");
    if (dir && *dir) {
        char path[SMP_PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "SMP_SHADER_DIR: path too long");
        size_t size;
        smp_status s = smp_read_file(path, 1 << 20, owned, &size, err);
        if (s != SMP_OK) return s;
        *source = *owned;
        return SMP_OK;
    }
    for (const struct smp_embedded_file *f = smp_shaders_embedded; f->name; ++f)
        if (strcmp(f->name, name) == 0) {
            *source = f->data;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_GL, "shader '%s' is not embedded in this build", name);
}
