#version 330 core
// Dots pass: ink absorbs light, so each dot multiplies what is behind it (blend DST_COLOR x
// source) in linear light; overlapping dots compound like layers of absorber. A dot is its
// core times its halo, each a Gaussian (dots.vert).

in vec2 v_local;
flat in vec2 v_core_scale;
flat in vec2 v_peak;
flat in vec3 v_transmit;
flat in vec3 v_halo;

out vec4 o_color;

void main() {
    float r2 = dot(v_local, v_local);
    if (r2 > 9.0) discard; // beyond 3 standard deviations: less than 1.1 % of the peak
    vec2 c = v_local * v_core_scale;
    float core = clamp(v_peak.x * exp(-0.5 * dot(c, c)), 0.0, 1.0);
    float halo = clamp(v_peak.y * exp(-0.5 * r2), 0.0, 1.0);
    o_color = vec4(mix(vec3(1.0), v_transmit, core) * mix(vec3(1.0), v_halo, halo), 1.0);
}
