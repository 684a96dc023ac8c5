/*
 * smp/renderer.h — draws the head into the current GL context.
 *
 * The renderer owns the GPU side of a scene: shader programs (loaded from the embedded copies
 * of shaders/, or from $SMP_SHADER_DIR when set, for editing without rebuilding), the head's
 * vertex buffers, the dots' static attributes, the client's hair, and an offscreen target for
 * captures. Colours given to it are sRGB in [0, 1]; shading and the dots' multiplicative ink
 * happen in linear light in a 32-bit float buffer, encoded to sRGB8 only on output.
 *
 * Passes, in order: skin (lit by the frame's lighting preset, optionally tinted by a
 * per-vertex scalar for heat maps), dots (ink multiplies the skin), hair (camera-facing
 * ribbons blended over both by coverage, depth-tested against the skin). Each can be hidden
 * per frame; a hidden skin still hides what lies behind the head.
 *
 *   smp_renderer_desc rd = {0};                  // 4x MSAA
 *   smp_renderer *r = NULL;
 *   smp_renderer_create(&rd, &r, &err);          // a GL context must be current
 *   smp_renderer_set_head(r, &mesh, &err);       // uploads once
 *   smp_renderer_set_dots(r, &dots, &err);       // uploads once; years cost nothing
 *   smp_renderer_set_hair(r, &hair, &err);       // optional: the client's own hair
 *   smp_frame_desc f = smp_frame_default();
 *   smp_camera_for_view(SMP_VIEW_FRONT, &bounds, aspect, &f.camera);
 *   smp_renderer_capture(r, &f, &image, &err);   // image allocated by the caller
 *   smp_renderer_destroy(r);
 *
 * Does NOT: create the GL context (smp/gl_context.h), write files, keep CPU copies of the
 * mesh, grow hair (smp/hair.h) or sort hair for blending (thin hair blended in any order
 * differs by far less than a quantisation step).
 */
#ifndef SMP_RENDERER_H
#define SMP_RENDERER_H

#include <stdint.h>

#include "smp/camera.h"
#include "smp/dots.h"
#include "smp/hair.h"
#include "smp/image.h"
#include "smp/mesh.h"
#include "smp/skin.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smp_renderer_desc {
    int msaa_samples; /* 0 = 4; 1 = no multisampling; clamped to what the driver offers */
} smp_renderer_desc;

/* Lighting presets, as clinics photograph a scalp. */
typedef enum smp_lighting {
    SMP_LIGHTING_CLINIC = 0, /* soft key upper left, fill right, top light, cool rim: the default */
    SMP_LIGHTING_OVERHEAD,   /* a ceiling light straight above, dim fill: shows see-through */
    SMP_LIGHTING_DAYLIGHT,   /* broad window light from the client's left and a blue sky */
    SMP_LIGHTING_FLASH,      /* on-camera flash, dark room: a phone photo at the clinic */
    SMP_LIGHTING_MEASURE,    /* no lights, a uniform white (D65) surround of radiance 1: every
                                surface shows its albedo times what absorbs in it, wherever it
                                faces, as a colorimeter's diffuse sphere sees it */
    SMP_LIGHTING_COUNT
} smp_lighting;

/* "clinic", "overhead", "daylight", "flash"; NULL out of range. */
const char *smp_lighting_name(smp_lighting lighting);
/* Parses a preset name; the error lists the valid names. */
smp_status smp_lighting_parse(const char *name, smp_lighting *out, smp_error *err);

typedef enum smp_overlay {
    SMP_OVERLAY_NONE = 0,
    SMP_OVERLAY_VERTEX_SCALAR, /* skin albedo replaced by a ramp of smp_renderer_set_vertex_scalar
                                */
} smp_overlay;

typedef struct smp_frame_desc {
    smp_camera camera;
    float skin_srgb[3]; /* skin albedo, sRGB 0..1 */
    /* The skin as a medium for the hair shafts under it (smp/age.h, smp/blend.h): what a buried
     * absorber's side takes per unit of area and depth weight (the dermal share of the skin's
     * remitted light times the side efficiency), half the depth-weight length s·δ/2 (mm) per
     * band, and the epidermis's thickness. */
    float skin_side_take[3], skin_half_depth_mm[3], epidermis_mm;
    float background_srgb[3]; /* backdrop, sRGB 0..1 */
    float t_years;            /* years after the first session: how the dots look */
    int hide_dots;            /* no dots (before/after comparisons) */
    int hide_hair;            /* no native hair */
    int hide_skin;            /* no skin colour: dots and hair over the backdrop, still occluded
                                 by the head */
    int fast_hair;            /* a frame in motion: where shafts are under half a pixel, draw a
                                 random share of the hairs, each wider (at most 4x fewer); the
                                 tone stays within a few per cent, the texture coarsens */
    int fast_dots;            /* a frame in motion: of the dots widened to reach a pixel, a
                                 random share (at most 4x fewer) drawn darker; the expected
                                 tone is the same, the texture noisier */
    int single_sample;        /* a frame in motion, offscreen: one sample per pixel whatever
                                 the renderer's msaa_samples (about 3x cheaper on a CPU
                                 rasteriser), in a target of its own; dots and hair keep their
                                 tone, edges alias */
    smp_lighting lighting;    /* 0 = SMP_LIGHTING_CLINIC */
    smp_overlay overlay;      /* 0 = none */
    /* Scalar values at the ramp's ends (dark violet, yellow); equal ends map [0, 1]. */
    float overlay_min, overlay_max;
    int marks; /* draw the pen lines of smp_renderer_set_marks */
} smp_frame_desc;

typedef struct smp_renderer smp_renderer;

/* A frame with the default skin (Monk scale tone 4) and the clinic backdrop, a plain mid-tone
 * blue-grey (sRGB #6b788a) that stands apart from every skin tone; the camera still has to be
 * set. */
smp_frame_desc smp_frame_default(void);

/* Fills the frame's skin_side_take, skin_half_depth_mm and epidermis_mm from a resolved skin
 * with the ageing model's optics (smp/age.h). */
void smp_frame_set_skin_optics(smp_frame_desc *frame, const smp_skin *skin);

smp_status smp_renderer_create(const smp_renderer_desc *desc, smp_renderer **out, smp_error *err);
void smp_renderer_destroy(smp_renderer *r);

/* Uploads the head mesh (replacing any previous one). The mesh may be freed afterwards. */
smp_status smp_renderer_set_head(smp_renderer *r, const smp_mesh *head, smp_error *err);

/* Uploads the dots' static attributes (replacing any previous set; count 0 clears). Changing
 * frame.t_years afterwards uploads nothing: each dot's look at that year is computed on the GPU.
 * Costs 31 bytes of GPU memory per dot. SMP_ERR_UNSUPPORTED when the driver's buffer textures
 * cannot hold one texel per dot (llvmpipe and current GPUs hold 2^27 or more). */
smp_status smp_renderer_set_dots(smp_renderer *r, const smp_dots *dots, smp_error *err);

/* Uploads the client's hair (replacing any previous hair; count 0 clears): one ribbon per
 * segment, and one per hair for the shaft's shadow under the skin. Costs 48 bytes of GPU memory
 * per ribbon, and as much CPU scratch during the call. SMP_ERR_UNSUPPORTED when the driver's
 * buffer textures cannot hold 3 texels per ribbon (grow fewer hairs). On llvmpipe a frame pays
 * ≈ 1 µs per visible ribbon; short hair on skin facing away from the camera is culled first. */
smp_status smp_renderer_set_hair(smp_renderer *r, const smp_hair_set *hair, smp_error *err);

/* Uploads one scalar per head vertex for SMP_OVERLAY_VERTEX_SCALAR (dot density, contrast...):
 * count must equal the vertex count of the head set last; values NULL or count 0 clears (the
 * overlay then reads 0 everywhere). Replaced by the next smp_renderer_set_head. 4 bytes per
 * vertex. */
smp_status smp_renderer_set_vertex_scalar(smp_renderer *r, const float *values, size_t count,
                                          smp_error *err);

/* Pen lines on the skin, as a trainer draws on a client with a surgical marker: per head
 * vertex, a value whose zero crossing is drawn as a line about two pixels wide at any zoom, in
 * violet for outline (a target area's edge) and in red for hairline (the designed hairline),
 * the latter only where hairline_mask > 0.5 (NULL: everywhere). Either may be NULL; both NULL
 * clears. count must equal the head's vertex count. 12 bytes per vertex; drawn when
 * frame.marks is set. Replaced by the next smp_renderer_set_head. */
smp_status smp_renderer_set_marks(smp_renderer *r, const float *outline, const float *hairline,
                                  const float *hairline_mask, size_t count, smp_error *err);

/* How many times what the renderer holds has changed (set_head, set_dots, set_hair,
 * set_vertex_scalar, set_marks). Between two equal counts, the same frame at the same size and dot
 * model draws the same picture: a viewer can show the one it has instead of drawing it again. */
uint64_t smp_renderer_upload_count(const smp_renderer *r);

enum { SMP_RENDERER_MAX_SESSIONS = 16, SMP_RENDERER_DOT_CONSTANTS = 20 };

/* The ageing model's state for the year about to be drawn, in the layout of shaders/model.glsl
 * (smp_age_uniforms fills it): 12 floats per (session, tissue) pair for sessions sessions, and
 * SMP_RENDERER_DOT_CONSTANTS constants (SMP_AGE_CONST_FLOATS). A few hundred floats per call: call
 * it whenever the year changes. Until it is called every dot transmits nothing and is not drawn. */
smp_status smp_renderer_set_dot_model(smp_renderer *r, const float *per_session, int sessions,
                                      const float *constants, smp_error *err);

/* Draws into the framebuffer currently bound, over the given viewport size in pixels. */
smp_status smp_renderer_draw(smp_renderer *r, const smp_frame_desc *frame, int width, int height,
                             smp_error *err);

/* Renders into the renderer's offscreen target at the given size, without reading it back
 * (benchmarks pair it with smp_gl_context_finish). */
smp_status smp_renderer_draw_offscreen(smp_renderer *r, const smp_frame_desc *frame, int width,
                                       int height, smp_error *err);

/* Renders offscreen at image->width x image->height and reads the pixels back into image
 * (RGBA8, top row first, alpha 255). image must already be allocated. */
smp_status smp_renderer_capture(smp_renderer *r, const smp_frame_desc *frame, smp_image *image,
                                smp_error *err);

/* Renders offscreen at width x height and reads back the linear-light colour before it is
 * encoded (rgba: width * height * 4 floats, top row first, alpha 1): what measurements average,
 * free of the 8-bit output's rounding. */
smp_status smp_renderer_capture_linear(smp_renderer *r, const smp_frame_desc *frame, int width,
                                       int height, float *rgba, smp_error *err);

/* Copies the last offscreen frame (smp_renderer_draw_offscreen) into the default framebuffer
 * (a window's back buffer) at width x height, for viewers that draw their UI on top; a frame
 * drawn at another size is scaled with linear filtering. */
smp_status smp_renderer_present(smp_renderer *r, int width, int height, smp_error *err);

/* Reads the default framebuffer's back buffer (the window, with its UI) into image, top row
 * first, at image->width x image->height from the bottom-left corner. */
smp_status smp_renderer_read_window(smp_image *image, smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
