/* The mesh reader on Assimp: every format it knows, triangulated, with transforms applied and
 * the axes its metadata states. */
#include "mesh_read.h"

#include <assimp/cimport.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Assimp's generic metadata keys for formats that state their axes (FBX does; glTF and
 * COLLADA are converted to +Y up by Assimp itself). */
static int meta_int(const struct aiScene *scene, const char *key, int *out) {
    const struct aiMetadata *md = scene->mMetaData;
    if (!md) return 0;
    for (unsigned i = 0; i < md->mNumProperties; ++i) {
        if (strcmp(md->mKeys[i].data, key) != 0 || md->mValues[i].mType != AI_INT32) continue;
        *out = *(const int32_t *)md->mValues[i].mData;
        return 1;
    }
    return 0;
}

static smp_axis meta_axis(const struct aiScene *scene, const char *axis_key, const char *sign_key) {
    int axis, sign = 1;
    if (!meta_int(scene, axis_key, &axis) || axis < 0 || axis > 2) return SMP_AXIS_AUTO;
    meta_int(scene, sign_key, &sign);
    return (smp_axis)(SMP_AXIS_POS_X + 2 * axis + (sign < 0));
}

smp_status mesh_read_file(const char *path, mesh_read_result *rr, smp_error *err) {
    memset(rr, 0, sizeof *rr);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return smp_error_set(err, errno == ENOENT ? SMP_ERR_INVALID_ARG : SMP_ERR_IO,
                             "%s: cannot open the mesh file: %s", path, strerror(errno));
    fclose(probe);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: is a directory, not a mesh file", path);
    const struct aiScene *scene =
        aiImportFile(path, aiProcess_Triangulate | aiProcess_PreTransformVertices |
                               aiProcess_SortByPType | aiProcess_ValidateDataStructure);
    if (!scene) {
        /* Assimp's validation refuses a file whose meshes have no faces before we see it. */
        const char *why = aiGetErrorString();
        if (strstr(why, "no faces") || strstr(why, "no vertices"))
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "%s: the file holds no triangles (empty mesh; %s)", path, why);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: not a mesh file that can be read (%s)", path,
                             why);
    }
    uint64_t nv = 0, nt = 0;
    int uvs = 1;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
        const struct aiMesh *am = scene->mMeshes[i];
        if (!(am->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        nv += am->mNumVertices;
        for (unsigned f = 0; f < am->mNumFaces; ++f) nt += am->mFaces[f].mNumIndices == 3;
        uvs &= am->mTextureCoords[0] != NULL;
    }
    if (nt == 0 || nv < 3) {
        aiReleaseImport(scene);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: the file holds no triangles (empty mesh)",
                             path);
    }
    if (nv > UINT32_MAX / 4 || nt > UINT32_MAX / 8) {
        aiReleaseImport(scene);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: %llu triangles is more than supported", path,
                             (unsigned long long)nt);
    }
    smp_status s = smp_mesh_alloc(&rr->mesh, (uint32_t)nv, (uint32_t)nt, err);
    if (s != SMP_OK) {
        aiReleaseImport(scene);
        return s;
    }
    uint32_t base = 0, tri = 0;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
        const struct aiMesh *am = scene->mMeshes[i];
        if (!(am->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        for (unsigned v = 0; v < am->mNumVertices; ++v) {
            const struct aiVector3D p = am->mVertices[v];
            if (!isfinite(p.x) || !isfinite(p.y) || !isfinite(p.z)) {
                smp_mesh_free(&rr->mesh);
                aiReleaseImport(scene);
                return smp_error_set(err, SMP_ERR_FORMAT,
                                     "%s: vertex %u (of mesh %u) is not a finite number: "
                                     "(%g, %g, %g)",
                                     path, v, i, (double)p.x, (double)p.y, (double)p.z);
            }
            float *dst = rr->mesh.positions + 3 * (size_t)(base + v);
            dst[0] = p.x, dst[1] = p.y, dst[2] = p.z;
            float *uv = rr->mesh.uvs + 2 * (size_t)(base + v);
            uv[0] = uvs ? am->mTextureCoords[0][v].x : 0.0f;
            uv[1] = uvs ? am->mTextureCoords[0][v].y : 0.0f;
            if (!isfinite(uv[0]) || !isfinite(uv[1])) uv[0] = uv[1] = 0.0f;
        }
        for (unsigned f = 0; f < am->mNumFaces; ++f) {
            if (am->mFaces[f].mNumIndices != 3) continue;
            for (int k = 0; k < 3; ++k) {
                unsigned idx = am->mFaces[f].mIndices[k];
                if (idx >= am->mNumVertices) { /* Assimp validates this; never trust it blindly */
                    smp_mesh_free(&rr->mesh);
                    aiReleaseImport(scene);
                    return smp_error_set(err, SMP_ERR_FORMAT,
                                         "%s: face %u of mesh %u uses vertex %u of %u", path, f, i,
                                         idx, am->mNumVertices);
                }
                rr->mesh.indices[3 * (size_t)tri + k] = base + idx;
            }
            ++tri;
        }
        base += am->mNumVertices;
    }
    memset(rr->mesh.normals, 0, sizeof(float) * 3 * rr->mesh.vertex_count);
    rr->has_uvs = uvs;
    rr->meta_up = meta_axis(scene, "UpAxis", "UpAxisSign");
    rr->meta_facing = meta_axis(scene, "FrontAxis", "FrontAxisSign");
    aiReleaseImport(scene);
    return SMP_OK;
}

int smp_mesh_import_available(void) { return 1; }
