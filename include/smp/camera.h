/*
 * smp/camera.h — named views of the head and their matrices.
 *
 * A view preset ("front", "top", ...) frames a bounding box from a fixed direction in the head
 * frame (+Y up, +Z facing, +X towards the client's left). The camera is a plain struct; the
 * renderer only needs its view and projection matrices (column-major, OpenGL clip space).
 *
 *   smp_camera cam;
 *   smp_camera_for_view(SMP_VIEW_TOP, &bounds, 16.0f / 9.0f, &cam);
 *   float view[16], proj[16];
 *   smp_camera_matrices(&cam, 16.0f / 9.0f, view, proj);
 *
 * Does NOT: orbit or animate (the viewer does), or know about GL.
 */
#ifndef SMP_CAMERA_H
#define SMP_CAMERA_H

#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_view {
    SMP_VIEW_FRONT,
    SMP_VIEW_BACK,
    SMP_VIEW_LEFT,  /* the client's left side */
    SMP_VIEW_RIGHT, /* the client's right side */
    SMP_VIEW_TOP,
    SMP_VIEW_THREE_QUARTER, /* front-left, slightly from above */
    SMP_VIEW_CLOSEUP,       /* trichoscope scale: a 10 mm field on the frontal scalp */
    SMP_VIEW_COUNT
} smp_view;

typedef struct smp_camera {
    float eye[3];
    float target[3];
    float up[3];
    float fov_y_deg;
    float near_mm;
    float far_mm;
} smp_camera;

const char *smp_view_name(smp_view view);

/* Parses a view name; the error lists the valid names. */
smp_status smp_view_parse(const char *name, smp_view *out, smp_error *err);

/* Places the camera so the box fits the frame with a small margin at the given aspect. For
 * SMP_VIEW_CLOSEUP, which shows a patch rather than the head, the patch is guessed from the
 * box (the front of the crown); smp_camera_closeup places it exactly when the surface is known. */
void smp_camera_for_view(smp_view view, const smp_bounds *box, float aspect, smp_camera *cam);

/* A close-up looking straight down the surface normal at point, showing field_mm of skin
 * across the frame's shorter side (10 mm: trichoscope scale). */
void smp_camera_closeup(const float point[3], const float normal[3], float field_mm, float aspect,
                        smp_camera *cam);

/* Column-major 4x4 view and projection matrices. */
void smp_camera_matrices(const smp_camera *cam, float aspect, float view[16], float proj[16]);

#ifdef __cplusplus
}
#endif
#endif
