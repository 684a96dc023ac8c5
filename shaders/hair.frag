#version 330 core
// Hair pass: the ribbon's colour (lit per vertex) darkened towards its edges as a round shaft
// is, blended over the skin by the shaft's coverage of the pixel. Under the skin the ribbon is
// an absorber instead: it multiplies what is behind it (blend DST_COLOR x source), softly
// across its width as light scattered in the skin blurs it, and less with the shaft's depth
// below each point (hair.vert).

// centroid: a ribbon a pixel wide rarely covers its pixel's centre, and a value extrapolated
// there would be off the shaft
centroid in float v_across;
flat in float v_coverage;
in vec3 v_color;
centroid in float v_fade;
flat in vec3 v_decay;

uniform int u_under_skin;
uniform float u_epidermis_mm;

out vec4 o_color;

void main() {
    float a = clamp(v_across, -1.0, 1.0);
    // Profiles across a shaft are only resolved when it is wider than the pixel; a widened
    // ribbon takes the profile's mean instead, so the tone does not depend on where pixel
    // centres happen to fall.
    if (u_under_skin == 1) {
        // Flat across: the ribbon is already as wide as the skin blurs the shadow, and a profile
        // sampled at the centroid of a pixel's covered samples would lean to its darker middle
        // when the ribbon is narrower than the pixel.
        vec3 w = exp(-max(v_fade - u_epidermis_mm, 0.0) * v_decay);
        vec3 k = clamp(v_color * w, 0.0, 1.0) * v_coverage;
        o_color = vec4(1.0 - k, 1.0);
        return;
    }
    // 0.75 + 0.25 sqrt(1 - a²): a round shaft darker at its edges, mean 0.946
    float round_off = mix(0.946, 0.75 + 0.25 * sqrt(1.0 - a * a), v_coverage);
    o_color = vec4(v_color * round_off, v_coverage);
}
