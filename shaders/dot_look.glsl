// How a dot looks at the year shown, for the dots pass: the ageing model's per-dot equations
// (model.glsl, compiled just before this file) in the form dots.vert asks for. The core and
// the halo are the model's Gaussians at full strength; a dot whose session has not happened
// yet, or whose pigment is gone, transmits everything and is not drawn.

void smp_dot_look(uint radius_um, uint depth_um, uint ink, uint session, uint tissue, float t_years,
                  out float sigma_mm, out float opacity, out vec3 transmit, out float halo_sigma_mm,
                  out vec3 halo_transmit) {
    if (u_age_const[0].y <= 0.0) { // no model given yet: draw nothing rather than NaN
        sigma_mm = 0.1;
        halo_sigma_mm = 0.1;
        opacity = 0.0;
        transmit = vec3(1.0);
        halo_transmit = vec3(1.0);
        return;
    }
    AgeDot d = age_dot(float(radius_um), float(depth_um), float(ink), int(session), int(tissue));
    sigma_mm = d.sigma_mm;
    halo_sigma_mm = d.halo_sigma_mm;
    transmit = clamp(d.trans, 0.0, 1.0);
    halo_transmit = clamp(d.halo_trans, 0.0, 1.0);
    opacity = all(greaterThan(min(transmit, halo_transmit), vec3(0.9995))) ? 0.0 : 1.0;
}
