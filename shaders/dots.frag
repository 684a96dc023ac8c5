#version 330 core
// Dots pass: ink absorbs light, so each dot multiplies what is behind it (blend DST_COLOR x
// source) in linear light; overlapping dots compound like layers of absorber.

in vec2 v_local;
flat in float v_peak;
flat in vec3 v_transmit;

out vec4 o_color;

void main() {
    float r2 = dot(v_local, v_local);
    if (r2 > 9.0) discard; // beyond 3 standard deviations: less than 1.1 % of the peak
    float a = clamp(v_peak * exp(-0.5 * r2), 0.0, 1.0);
    o_color = vec4(mix(vec3(1.0), v_transmit, a), 1.0);
}
