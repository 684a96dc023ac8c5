#version 330 core
// Hair pass: every segment of every hair is a ribbon facing the camera, a quad between its
// two ends. The ribbon is as wide as the shaft; a shaft thinner than
// u_min_width_px on screen is widened to that and made transparent by the same factor, so a
// hair darkens its pixels by what it really covers: stubble keeps its tone at every zoom and
// never breaks into dashes.
//
// The part of each shaft still inside the skin is drawn by the same ribbons with u_under_skin
// set: it absorbs light under the epidermis as ink does, so it multiplies the skin (blended
// like the dots) by a transmittance that fades with depth and shifts blue, the way the skin
// scatters short wavelengths back before they reach it. That shadow, not the stubble above the
// skin, is most of the tone of a shaved scalp, and what SMP dots imitate.
//
// Shading is Kajiya-Kay, evaluated here per vertex: it depends only on the shaft's direction
// and the view, both constant along a segment, so the fragment shader (run for hundreds of
// thousands of overlapping ribbons on a CPU rasteriser) only rounds the shaft off. Diffuse
// goes with the sine between the shaft and the light; the sheen with the sine between the
// shaft and the half vector, twice: a white highlight off the cuticle and a broader one tinted
// by the hair's colour, shifted along the shaft as light that went through it is.

// Three RGBA32UI texels per ribbon (renderer.c, hair_ribbon): [p0 mm, shaft diameter mm],
// [p1 mm, sRGB colour bytes], [the skin's normal at the root, 1 = hidden where that skin faces
// away (short hair)]. Four vertices per ribbon, ribbon i's at 4i..4i+3, drawn as two indexed
// triangles; no instancing.
uniform usamplerBuffer u_ribbons;

uniform mat4 u_view;
uniform mat4 u_proj;
uniform vec2 u_viewport_px;
uniform float u_min_width_px;
uniform float u_width_scale;  // > 1 when a far view draws only some of the hairs, each wider
uniform int u_under_skin;     // 1: the ribbons are shafts under the skin (see above)

centroid out float v_across; // -1..1 across the ribbon
flat out float v_coverage;   // shaft width / drawn width
out vec3 v_color;            // lit, linear; under the skin: transmittance at the root
centroid out float v_fade;   // under the skin: how much of the root's absorption is left

// From lights.glsl, compiled after this file: four lights.
vec3 smp_light_dir(int i);
vec3 smp_light_color(int i);
vec3 smp_ambient(vec3 n);

vec3 srgb_to_linear(vec3 c) {
    return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c));
}

vec2 to_pixels(vec4 clip) { return (clip.xy / clip.w) * 0.5 * u_viewport_px; }

float sin_between(vec3 t, vec3 d) {
    float c = dot(t, d);
    return sqrt(max(1.0 - c * c, 0.0));
}

vec3 shade(vec3 t, vec3 v, vec3 albedo) {
    vec3 diffuse = vec3(0.0);
    vec3 sheen = vec3(0.0);
    vec3 t1 = normalize(t + 0.08 * v), t2 = normalize(t - 0.12 * v);
    for (int i = 0; i < 4; ++i) {
        vec3 l = smp_light_dir(i);
        vec3 lc = smp_light_color(i);
        vec3 h = normalize(l + v);
        // light from behind the hair reaches the eye only through it: a soft wrap
        float wrap = clamp(dot(v, l) * 0.5 + 0.5, 0.0, 1.0);
        diffuse += lc * sin_between(t, l) * wrap;
        sheen += lc * (0.035 * pow(sin_between(t1, h), 80.0) +
                       0.25 * pow(sin_between(t2, h), 18.0) * albedo) * wrap;
    }
    return albedo * (diffuse / 3.14159 + smp_ambient(v)) + sheen;
}

void main() {
    int id = gl_VertexID >> 2;
    int corner = gl_VertexID & 3; // bit 0: side, bit 1: which end
    uvec4 t0 = texelFetch(u_ribbons, 3 * id);
    uvec4 t1 = texelFetch(u_ribbons, 3 * id + 1);
    uvec4 t2 = texelFetch(u_ribbons, 3 * id + 2);
    vec3 a_p0 = uintBitsToFloat(t0.xyz);
    float a_diameter_mm = uintBitsToFloat(t0.w);
    vec3 a_p1 = uintBitsToFloat(t1.xyz);
    vec3 color_srgb = vec3(uvec3(t1.w, t1.w >> 8, t1.w >> 16) & 0xffu) / 255.0;
    vec3 root_normal = uintBitsToFloat(t2.xyz);

    // Short hair on skin turned away lies behind the head: culled first, before any shading,
    // as vertex work is most of this pass's cost on a CPU rasteriser. The margin keeps the
    // silhouette's hair. Decided once per ribbon (seen from the root), so all four corners go
    // together.
    vec3 to_eye = -(u_view * vec4(a_p0, 1.0)).xyz;
    if (t2.w != 0u && dot(mat3(u_view) * root_normal, to_eye) < -0.25 * length(to_eye)) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        v_across = 0.0;
        v_coverage = 0.0;
        v_color = vec3(0.0);
        v_fade = 0.0;
        return;
    }
    float end = (corner & 2) != 0 ? 1.0 : 0.0;
    float across = (corner & 1) != 0 ? 1.0 : -1.0;
    vec3 p = mix(a_p0, a_p1, end);
    vec4 pv = u_view * vec4(p, 1.0);
    vec3 t = mat3(u_view) * (a_p1 - a_p0);
    t = length(t) > 1e-9 ? normalize(t) : vec3(0.0, 1.0, 0.0);
    vec3 v = normalize(-pv.xyz);
    // Across the ribbon: perpendicular to the shaft and to the ray that sees it.
    vec3 side = cross(t, v);
    side = length(side) > 1e-6 ? normalize(side) : vec3(1.0, 0.0, 0.0);

    vec2 c0 = to_pixels(u_proj * pv);
    float px_per_mm = length(to_pixels(u_proj * vec4(pv.xyz + side, 1.0)) - c0);
    float width_px = a_diameter_mm * u_width_scale * px_per_mm;
    float drawn_px = max(width_px, u_min_width_px);
    v_coverage = width_px / drawn_px;

    // A hair leaves the skin at the root: pull the ribbon a shaft's width towards the camera so
    // the skin's triangles, which cut corners under it, never hide its base.
    vec3 lifted = pv.xyz + side * (0.5 * across * drawn_px / max(px_per_mm, 1e-6)) +
                  v * a_diameter_mm;
    v_across = across;
    vec3 albedo = srgb_to_linear(color_srgb);
    if (u_under_skin == 1) {
        // Absorption by the melanin of the shaft, seen through the epidermis: weaker in blue.
        v_color = 1.0 - 0.55 * (1.0 - albedo) * vec3(0.95, 0.90, 0.78);
        v_fade = 1.0 - 0.85 * end;
    } else {
        v_color = shade(t, v, albedo);
        v_fade = 1.0;
    }
    gl_Position = u_proj * vec4(lifted, 1.0);
}
