#version 330 core
// Skin pass, first version: wrapped diffuse with wider wrap in red than in green and blue
// (light scattered under the skin carries red round the terminator), a low, broad sheen and a
// hemisphere ambient. Everything in linear light: the framebuffer is sRGB and encodes on
// write, so the dots drawn over the skin multiply it in linear light.

in vec3 v_position_view;
in vec3 v_normal_view;
in vec2 v_uv;

uniform vec3 u_skin_linear; // albedo, linear RGB

out vec4 o_color;

struct Light { vec3 dir; vec3 color; };

// Clinic lighting in view space (x right, y up, z towards the camera): a soft key from the
// upper left, a fill from the right, a top light for the crown, a cool rim from behind.
const Light LIGHTS[4] = Light[4](
    Light(vec3(-0.45, 0.55, 0.70), vec3(1.00, 0.97, 0.92) * 2.0),
    Light(vec3(0.70, 0.10, 0.70), vec3(0.90, 0.93, 1.00) * 0.75),
    Light(vec3(0.00, 1.00, 0.15), vec3(1.00, 1.00, 1.00) * 0.6),
    Light(vec3(0.20, 0.40, -0.90), vec3(0.85, 0.90, 1.00) * 0.5));

const vec3 WRAP = vec3(0.42, 0.20, 0.14);
const float F0_SKIN = 0.028;    // reflectance of skin at normal incidence (n ≈ 1.4)
const float SHININESS = 36.0;

void main() {
    vec3 n = normalize(v_normal_view);
    vec3 v = normalize(-v_position_view);
    if (dot(n, v) < 0.0) n = -n; // never light the inside of a cut as black

    vec3 diffuse = vec3(0.0);
    float specular = 0.0;
    for (int i = 0; i < 4; ++i) {
        vec3 l = normalize(LIGHTS[i].dir);
        float ndl = dot(n, l);
        vec3 wrapped = clamp((vec3(ndl) + WRAP) / (1.0 + WRAP), 0.0, 1.0);
        diffuse += LIGHTS[i].color * wrapped;
        vec3 h = normalize(l + v);
        float ndh = max(dot(n, h), 0.0);
        float fresnel = F0_SKIN + (1.0 - F0_SKIN) * pow(1.0 - max(dot(h, v), 0.0), 5.0);
        float norm = (SHININESS + 8.0) / 25.13; // (n + 8) / 8π: energy-normalised Blinn
        specular += fresnel * norm * pow(ndh, SHININESS) * max(ndl, 0.0) *
                    dot(LIGHTS[i].color, vec3(0.333));
    }
    float hemi = 0.5 + 0.5 * n.y;
    vec3 ambient = mix(vec3(0.10, 0.08, 0.07), vec3(0.22, 0.23, 0.26), hemi);
    vec3 color = u_skin_linear * (diffuse / 3.14159 + ambient) + vec3(specular) * 0.35;
    o_color = vec4(color, 1.0);
}
