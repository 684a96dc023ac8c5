#version 330 core
// Hair pass: the ribbon's colour (lit per vertex) darkened towards its edges as a round shaft
// is, blended over the skin by the shaft's coverage of the pixel. Under the skin the ribbon is
// an absorber instead: it multiplies what is behind it (blend DST_COLOR x source), softly
// across its width as light scattered in the skin blurs it.

// centroid: a ribbon a pixel wide rarely covers its pixel's centre, and a value extrapolated
// there would be off the shaft
centroid in float v_across;
flat in float v_coverage;
in vec3 v_color;
centroid in float v_fade;

uniform int u_under_skin;

out vec4 o_color;

void main() {
    float a = clamp(v_across, -1.0, 1.0);
    // Profiles across a shaft are only resolved when it is wider than the pixel; a widened
    // ribbon takes the profile's mean instead, so the tone does not depend on where pixel
    // centres happen to fall.
    if (u_under_skin == 1) {
        // 1.5 (1 - a²) has mean 1 across the ribbon: the absorbance is kept
        float profile = mix(1.0, 1.5 * (1.0 - a * a), v_coverage);
        float k = v_coverage * v_fade * profile;
        o_color = vec4(max(mix(vec3(1.0), v_color, k), 0.0), 1.0);
        return;
    }
    // 0.75 + 0.25 sqrt(1 - a²): a round shaft darker at its edges, mean 0.946
    float round_off = mix(0.946, 0.75 + 0.25 * sqrt(1.0 - a * a), v_coverage);
    o_color = vec4(v_color * round_off, v_coverage);
}
