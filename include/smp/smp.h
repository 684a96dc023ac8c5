/*
 * smp/smp.h — the whole smpsim engine API in one include.
 *
 * engine/core (no GL): status, fsio, image, mesh, head, camera.
 * engine/render (OpenGL 3.3 core): gl_context, renderer.
 */
#ifndef SMP_SMP_H
#define SMP_SMP_H

#include "smp/age.h"
#include "smp/camera.h"
#include "smp/dots.h"
#include "smp/fields.h"
#include "smp/fsio.h"
#include "smp/gl_context.h"
#include "smp/hair.h"
#include "smp/head.h"
#include "smp/image.h"
#include "smp/landmarks.h"
#include "smp/mesh.h"
#include "smp/mesh_import.h"
#include "smp/mesh_ops.h"
#include "smp/pick.h"
#include "smp/renderer.h"
#include "smp/rng.h"
#include "smp/scatter.h"
#include "smp/scene.h"
#include "smp/score.h"
#include "smp/sheet.h"
#include "smp/simd.h"
#include "smp/skin.h"
#include "smp/status.h"
#include "smp/text.h"
#include "smp/training.h"
#include "smp/version.h"

#endif
