/*
 * smp/camera.h — named views of the head and their matrices.
 *
 * A view preset ("front", "top", ...) frames a head from a fixed direction in the head frame
 * (+Y up, +Z facing, +X towards the client's left), as hair-restoration photographs are taken:
 * front, top (vertex), back, left and right, a moderate telephoto from about a metre, the head
 * filling most of the frame's height. The camera is a plain struct; the renderer only needs its
 * view and projection matrices (column-major, OpenGL clip space).
 *
 *   smp_camera cam;
 *   smp_camera_frame_points(SMP_VIEW_TOP, head.positions, head.vertex_count, 16.0f / 9.0f,
 *                           SMP_CAMERA_CLINIC_FILL, &cam);
 *   float view[16], proj[16];
 *   smp_camera_matrices(&cam, 16.0f / 9.0f, view, proj);
 *
 * Does NOT: orbit or animate (the viewer does), or know about GL.
 */
#ifndef SMP_CAMERA_H
#define SMP_CAMERA_H

#include <stddef.h>

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

/* The lens of every head view: 15° of vertical field, what a 90 mm lens gives on a full-frame
 * camera held in landscape. A wide angle from close up swells the nearest part of the head (the
 * forehead, the crown) and misleads about where the dots lie; clinics photograph from about a
 * metre with a short telephoto. */
#define SMP_CAMERA_CLINIC_FOV_Y_DEG 15.0f

/* The share of the frame's height a clinic view's head fills: most of it, with a margin that
 * never cuts the scalp off. */
#define SMP_CAMERA_CLINIC_FILL 0.82f

/* Places the camera on the view's direction so that the points (xyz, count of them: a head's
 * vertices) project centred, their bounding box filling the fraction fill (0.1..1) of the
 * frame's height, or of its width where that is the tighter fit (portrait frames). Uses the
 * clinic lens. Cost: a few passes over the points. SMP_VIEW_CLOSEUP, or no points, falls back
 * to smp_camera_for_view on their bounds (an empty box when count is 0). */
void smp_camera_frame_points(smp_view view, const float *xyz, size_t count, float aspect,
                             float fill, smp_camera *cam);

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
