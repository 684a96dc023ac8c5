#version 330 core
// Skin pass: wrapped diffuse with wider wrap in red than in green and blue (light scattered
// under the skin carries red round the terminator), a low, broad sheen and a hemisphere
// ambient, under the frame's lighting preset (lights.glsl). Everything in linear light: the
// framebuffer is sRGB and encodes on write, so the dots drawn over the skin multiply it in
// linear light.
//
// With an overlay on, the albedo is replaced by a colour ramp of the per-vertex scalar, still
// lit, so the shape of the head stays readable under the map.

in vec3 v_position_view;
in vec3 v_normal_view;
in vec2 v_uv;
in float v_scalar;
in vec3 v_marks;

uniform vec3 u_skin_linear;  // albedo, linear RGB
uniform int u_overlay;       // 0 none, 1 the per-vertex scalar
uniform vec2 u_overlay_range; // scalar values at the ramp's two ends
uniform int u_marks;          // 1: draw the pen lines (zero crossings of v_marks.xy)

out vec4 o_color;

// From lights.glsl, compiled after this file: four lights.
vec3 smp_light_dir(int i);
vec3 smp_light_color(int i);
vec3 smp_ambient(vec3 n);

const vec3 WRAP = vec3(0.42, 0.20, 0.14);
const float F0_SKIN = 0.028;    // reflectance of skin at normal incidence (n ≈ 1.4)
const float SHININESS = 36.0;

// A perceptually ordered ramp (dark violet, blue, teal, green, yellow), readable by the
// colour-blind, in linear RGB: five sRGB stops of the viridis map decoded.
vec3 ramp(float x) {
    const vec3 STOPS[5] = vec3[5](vec3(0.0582, 0.0000, 0.0865), vec3(0.0423, 0.0844, 0.2582),
                                  vec3(0.0152, 0.2831, 0.2623), vec3(0.1119, 0.5841, 0.1221),
                                  vec3(0.9823, 0.7874, 0.0203));
    float s = clamp(x, 0.0, 1.0) * 4.0;
    int i = min(int(s), 3);
    return mix(STOPS[i], STOPS[i + 1], s - float(i));
}

// Pen colours in linear light: a violet surgical marker for a target's edge, a red one for the
// designed hairline (sRGB #6a2c91 and #d01c1c).
const vec3 PEN_OUTLINE = vec3(0.1441, 0.0252, 0.2831);
const vec3 PEN_HAIRLINE = vec3(0.6308, 0.0116, 0.0116);

// Coverage of a line along the zero crossing of f, about two pixels wide at any zoom.
float pen(float f) {
    float d = abs(f) / max(fwidth(f), 1e-6);
    return 1.0 - smoothstep(0.6, 1.6, d);
}

void main() {
    vec3 n = normalize(v_normal_view);
    vec3 v = normalize(-v_position_view);
    if (dot(n, v) < 0.0) n = -n; // never light the inside of a cut as black

    vec3 albedo = u_skin_linear;
    if (u_overlay == 1) {
        float span = u_overlay_range.y - u_overlay_range.x;
        albedo = ramp(span != 0.0 ? (v_scalar - u_overlay_range.x) / span : v_scalar);
    }
    if (u_marks == 1) {
        albedo = mix(albedo, PEN_OUTLINE, 0.9 * pen(v_marks.x));
        albedo = mix(albedo, PEN_HAIRLINE, 0.9 * pen(v_marks.y) * step(0.5, v_marks.z));
    }
    vec3 diffuse = vec3(0.0);
    float specular = 0.0;
    for (int i = 0; i < 4; ++i) {
        vec3 l = smp_light_dir(i);
        vec3 lc = smp_light_color(i);
        float ndl = dot(n, l);
        vec3 wrapped = clamp((vec3(ndl) + WRAP) / (1.0 + WRAP), 0.0, 1.0);
        diffuse += lc * wrapped;
        vec3 h = normalize(l + v);
        float ndh = max(dot(n, h), 0.0);
        float fresnel = F0_SKIN + (1.0 - F0_SKIN) * pow(1.0 - max(dot(h, v), 0.0), 5.0);
        float norm = (SHININESS + 8.0) / 25.13; // (n + 8) / 8π: energy-normalised Blinn
        specular += fresnel * norm * pow(ndh, SHININESS) * max(ndl, 0.0) * dot(lc, vec3(0.333));
    }
    vec3 color = albedo * (diffuse / 3.14159 + smp_ambient(n)) + vec3(specular) * 0.35;
    o_color = vec4(color, 1.0);
}
