// How a dot looks at a given year, for the dots pass: the fixed first approximation used until
// the skin and ageing model provides smp_dot_look. A healed deposit of grey carbon seen
// through the epidermis, no change over time.

void smp_dot_look(uint radius_um, uint depth_um, uint ink, uint session, uint tissue,
                  float t_years, out float sigma_mm, out float opacity, out vec3 transmit) {
    sigma_mm = float(radius_um) * 0.001 / 1.5;
    opacity = float(ink) / 255.0;
    transmit = vec3(0.30, 0.31, 0.33);
}
