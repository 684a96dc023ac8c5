#version 330 core
// Hair pass: every segment of every hair is a ribbon facing the camera, a quad between its
// two ends. The ribbon is as wide as the shaft; a shaft thinner than
// u_min_width_px on screen is widened to that and made transparent by the same factor, so a
// hair darkens its pixels by what it really covers: stubble keeps its tone at every zoom and
// never breaks into dashes.
//
// The part of each shaft still inside the skin is drawn by the same ribbons with u_under_skin
// set: it is a buried absorber like an ink deposit (smp/blend.h), so it multiplies the skin
// (blended like the dots) by the light its surface takes at each depth, the depth weight
// W(z) = exp(-(z - epidermis) / half_depth) per band: red reaches deepest, so the shadow is
// cool. That shadow, not the stubble above the skin, is most of the tone of a shaved scalp,
// and what SMP dots imitate. Each ribbon lies along the skin above its shaft; a unit length
// of it removes what a unit length of shaft does, spread over the ribbon's width.
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
uniform vec3 u_side_take;     // what a buried absorber's side takes per mm² and depth weight
uniform vec3 u_hair_tau;      // a shaft's melanin optical depth per mm of diameter and unit of
                              // -ln(hair luminance), per band (smp/blend.h)
uniform vec3 u_half_depth_mm; // depth-weight length per band
uniform float u_epidermis_mm;

centroid out float v_across; // -1..1 across the ribbon
flat out float v_coverage;   // shaft width / drawn width
out vec3 v_color;            // lit, linear; under the skin: absorbance across the ribbon at
                             // the root, per band
centroid out float v_fade;   // under the skin: depth of the shaft below this point, mm
flat out vec3 v_decay;       // under the skin: 1 / depth-weight length per band

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
        v_decay = vec3(0.0);
        return;
    }
    float end = (corner & 2) != 0 ? 1.0 : 0.0;
    float across = (corner & 1) != 0 ? 1.0 : -1.0;
    // Under the skin: the ribbon lies on the skin above the shaft, from the root to above the
    // shaft's deep end; the shaft descends `sink` mm per mm along the skin.
    vec3 shaft = a_p1 - a_p0;
    float depth_total = max(-dot(shaft, root_normal), 0.0);
    vec3 along_skin = shaft + root_normal * depth_total;
    float run = max(length(along_skin), 1e-4);
    if (u_under_skin == 1) a_p1 = a_p0 + along_skin;
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
    // Under the skin a shaft takes π·d·W per mm of its length (its side's area): spread over a
    // ribbon wide enough that the root's absorbance stays below 0.4, as the skin blurs it. The
    // hairs of a follicular unit share their root; darker, narrower ribbons would saturate
    // where they cross when resolved and not when widened to a pixel, and the fringe's tone
    // would then change with the zoom.
    float shaft_len = length(shaft);
    float per_run = shaft_len / run; // mm of shaft per mm of skin above it
    vec3 hair_lin = srgb_to_linear(color_srgb);
    float darkness = -log(clamp(dot(hair_lin, vec3(0.2126, 0.7152, 0.0722)), 1e-3, 1.0));
    vec3 alpha = 1.0 - exp(-u_hair_tau * (darkness * a_diameter_mm));
    vec3 take = 3.14159265 * a_diameter_mm * per_run * alpha * u_side_take;
    float ribbon_mm = u_under_skin == 1 ? max(2.0 * a_diameter_mm, max(take.r, max(take.g, take.b)) / 0.4)
                                        : a_diameter_mm;
    float width_px = ribbon_mm * u_width_scale * px_per_mm;
    float drawn_px = max(width_px, u_min_width_px);
    v_coverage = width_px / drawn_px;

    // A hair leaves the skin at the root: pull the ribbon a shaft's width towards the camera so
    // the skin's triangles, which cut corners under it, never hide its base.
    vec3 lifted = pv.xyz + side * (0.5 * across * drawn_px / max(px_per_mm, 1e-6)) +
                  v * a_diameter_mm;
    v_across = across;
    vec3 albedo = srgb_to_linear(color_srgb);
    v_decay = 1.0 / u_half_depth_mm;
    if (u_under_skin == 1) {
        v_color = take / ribbon_mm;
        v_fade = end * depth_total;
    } else {
        v_color = shade(t, v, albedo);
        v_fade = 1.0;
    }
    gl_Position = u_proj * vec4(lifted, 1.0);
}
