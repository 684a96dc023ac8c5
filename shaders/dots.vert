#version 330 core
// Dots pass: every pigment dot is two Gaussian footprints lying in the skin's tangent plane, a
// sharp core and a wide, faint halo (smp/age.h), drawn together as one quad: dot i is vertices 4i..4i+3 (renderer.c, QUAD_CHUNK), each fetching the dot's
// static attributes from buffer textures. How the dot looks at u_t_years (spread, remaining
// pigment, colour through the skin) is computed here by smp_dot_look, so moving the year
// uploads nothing.
//
// A dot smaller than a pixel must still darken its pixel by what it covers: the footprint is
// widened to at least u_min_sigma_px on screen along each tangent axis, and its peak lowered by
// the same factor, so the integrated absorbance (peak x area) is unchanged. The scalp keeps its
// tone at every zoom and nothing flickers.
//
// In a frame in motion (u_thin) most of the cost is the quads' triangles, not their pixels: a
// widened dot is kept with probability p = max(peak, 1/4), decided by a hash of its index, and
// its peak divided by p. Dots multiply the skin, so each pixel's expected transmittance is
// exactly what drawing them all gives (the expectation of a product of independent factors is
// the product of their expectations); the texture gets noisier, the tone does not move.

uniform samplerBuffer u_x, u_y, u_z;        // mm, head frame
uniform usamplerBuffer u_normal;            // octahedral, two snorm16
uniform usamplerBuffer u_radius_um, u_depth_um;
uniform usamplerBuffer u_ink;               // 0..255
uniform usamplerBuffer u_session, u_tissue;

uniform mat4 u_view;
uniform mat4 u_proj;
uniform vec2 u_viewport_px;
uniform float u_t_years;
uniform float u_min_sigma_px;
uniform int u_thin;

out vec2 v_local;          // position in the halo's footprint, in its standard deviations
flat out vec2 v_core_scale; // halo σ / core σ per tangent axis
flat out vec2 v_peak;      // core and halo absorbance fractions at the centre after widening
flat out vec3 v_transmit;  // core: per-channel transmittance at full strength
flat out vec3 v_halo;      // halo: the same

// Defined by the model's GLSL, compiled after this file.
void smp_dot_look(uint radius_um, uint depth_um, uint ink, uint session, uint tissue,
                  float t_years, out float sigma_mm, out float opacity, out vec3 transmit,
                  out float halo_sigma_mm, out vec3 halo_transmit);

vec3 oct_decode(uint enc) {
    vec2 e = vec2(float(int(enc << 16) >> 16), float(int(enc) >> 16)) / 32767.0;
    vec3 n = vec3(e, 1.0 - abs(e.x) - abs(e.y));
    if (n.z < 0.0) n.xy = (1.0 - abs(n.yx)) * vec2(n.x >= 0.0 ? 1.0 : -1.0, n.y >= 0.0 ? 1.0 : -1.0);
    return normalize(n);
}

vec2 to_pixels(vec4 clip) { return (clip.xy / clip.w) * 0.5 * u_viewport_px; }

// A well-mixed 32-bit hash (Wellons' lowbias32) as a fraction in [0, 1).
float hash01(uint x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return float(x >> 8) / 16777216.0;
}

void main() {
    int id = gl_VertexID >> 2;
    vec3 p = vec3(texelFetch(u_x, id).r, texelFetch(u_y, id).r, texelFetch(u_z, id).r);
    vec3 n = oct_decode(texelFetch(u_normal, id).r);
    float sigma_mm, opacity, halo_mm;
    vec3 transmit, halo;
    smp_dot_look(texelFetch(u_radius_um, id).r, texelFetch(u_depth_um, id).r,
                 texelFetch(u_ink, id).r, texelFetch(u_session, id).r, texelFetch(u_tissue, id).r,
                 u_t_years, sigma_mm, opacity, transmit, halo_mm, halo);

    vec3 t = normalize(abs(n.y) < 0.9 ? cross(vec3(0.0, 1.0, 0.0), n) : cross(vec3(1.0, 0.0, 0.0), n));
    vec3 b = cross(n, t);
    mat4 vp = u_proj * u_view;
    vec4 c0 = vp * vec4(p, 1.0);
    // Pixels per mm along each tangent axis: foreshortening on the side of the head widens
    // only the axis that is squashed.
    float px_t = length(to_pixels(vp * vec4(p + t, 1.0)) - to_pixels(c0));
    float px_b = length(to_pixels(vp * vec4(p + b, 1.0)) - to_pixels(c0));
    vec2 floor_mm = u_min_sigma_px / max(vec2(px_t, px_b), 1e-6);
    vec2 sc = max(vec2(sigma_mm), floor_mm);
    vec2 s = max(vec2(halo_mm), floor_mm);
    v_peak = vec2(sigma_mm * sigma_mm / (sc.x * sc.y), halo_mm * halo_mm / (s.x * s.y));
    v_core_scale = s / sc;
    v_transmit = transmit;
    v_halo = halo;
    if (u_thin == 1) {
        // The core decides. Where the halo is widened too (far views) the whole dot goes or
        // stays; nearer, a dropped dot keeps its halo, which then needs no correction.
        float keep = max(v_peak.x, 0.25);
        bool whole = v_peak.y < 1.0;
        if (hash01(uint(id)) >= keep) {
            if (whole) opacity = 0.0;
            v_peak.x = 0.0;
        } else {
            v_peak.x /= keep;
            if (whole) v_peak.y /= keep;
        }
    }

    vec2 corner = vec2((gl_VertexID & 1) != 0 ? 3.0 : -3.0, (gl_VertexID & 2) != 0 ? 3.0 : -3.0);
    v_local = corner;
    // Lifted a hair off the surface so the skin's own triangles never hide it.
    vec3 world = p + t * (corner.x * s.x) + b * (corner.y * s.y) + n * 0.03;
    gl_Position = vp * vec4(world, 1.0);
    if (opacity <= 0.0) gl_Position = vec4(2.0, 2.0, 2.0, 1.0); // clipped: nothing to draw
}
