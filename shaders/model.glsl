// The ageing model's per-dot equations for GLSL 330 shaders: the twin of k_dots in the C
// kernel engine/model/age_kernel.h (docs/MODEL.md), which a shader cannot include, so a change
// to one is made to the other (GLSL's exp stands for the kernel's k_expneg). A library, not a
// shader: no #version; append it after a file that has one.
//
// The host fills the uniforms with smp_age_uniforms() for the year shown: everything that
// depends on time is folded into per-(session, tissue) factors there, so this code only does
// the depth terms and the per-dot arithmetic. Where C reads per-micrometre depth tables, this
// evaluates the same formulas directly; the parity test (tests/test_model_gl.c) holds the two
// within 1e-4 (llvmpipe: 4e-7).
//
//   AgeDot d = age_dot(radius_um, depth_um, ink_0_255, session, tissue);
//   colour *= 1.0 - (1.0 - d.trans) * exp(-r2 / (2.0 * d.sigma_mm * d.sigma_mm));

#define AGE_MAX_SESSIONS 16

// Per (session, tissue), index session * 4 + tissue, three vec4 each:
// [retention, retention * shed clock, re-deposit, re-deposit * shed clock],
// [2 · age · spread factors, swell² − 1, scab share, dermal share R · (1 − scab)],
// [dermal share G · (1 − scab), dermal share B · (1 − scab), 0, 0].
uniform vec4 u_age_sk[AGE_MAX_SESSIONS * 4 * 3];
// [epidermis mm, depth-weight length s·δ R, G, B], [shed depth, shed width, blowout depth,
// blowout width], [blowout variance, D, D deep, optical blur per depth],
// [κ, σ per µm of radius, column length, face efficiency],
// [core blur, halo base spread, halo spread per depth, side efficiency].
uniform vec4 u_age_const[5];

struct AgeDot {
    float sigma_mm;      // core footprint standard deviation in the tangent plane
    float pigment;       // pigment left, in full undiluted deposits
    vec3 trans;          // core: multiplier on the skin's linear albedo at its centre
    float halo_sigma_mm; // halo footprint standard deviation
    vec3 halo_trans;     // halo: multiplier at its centre
};

// The depth weight of a buried absorber and its integral down [z0, z1] (engine/model/age.c).
vec3 age_weight(float z, vec3 half_len, float epi) {
    return exp(-max(z - epi, 0.0) / half_len);
}
vec3 age_weight_integral(float z0, float z1, vec3 half_len, float epi) {
    if (!(z1 > z0)) return vec3(0.0);
    float above = z0 < epi ? min(z1, epi) - z0 : 0.0;
    float a = max(z0 - epi, 0.0), b = max(z1 - epi, 0.0);
    return vec3(above) + half_len * (exp(-a / half_len) - exp(-b / half_len));
}

float age_logistic(float x) { return 1.0 / (1.0 + exp(-x)); }

AgeDot age_dot(float radius_um, float depth_um, float ink8, int session, int tissue) {
    vec4 c0 = u_age_const[0], c1 = u_age_const[1], c2 = u_age_const[2], c3 = u_age_const[3];
    vec4 c4 = u_age_const[4];
    int p = (session * 4 + tissue) * 3;
    vec4 a = u_age_sk[p], b = u_age_sk[p + 1], c = u_age_sk[p + 2];

    float z = depth_um * 0.001;
    float epi = c0.x;
    float top = z <= epi ? z : max(epi, z - c3.z);
    float deep = age_logistic((z - c1.z) / c1.w);
    float lshed = 1.0 - age_logistic((z - c1.x) / c1.y);
    float vblow = c2.x * deep;
    float diffusion = c2.y + (c2.z - c2.y) * deep;
    float blur = c4.x + c2.w * max(top - epi, 0.0);
    float spread = c4.y + c4.z * max(z - epi, 0.0);
    vec3 half_len = 0.5 * c0.yzw;
    vec3 w_top = c3.w * age_weight(top, half_len, epi);
    vec3 w_bottom = c3.w * age_weight(z, half_len, epi);
    vec3 w_side = c4.w * age_weight_integral(top, z, half_len, epi);

    float sigma0 = radius_um * c3.y;
    float s02 = sigma0 * sigma0;
    float ink = ink8 / 255.0;
    float m = max(ink * a.x + a.z - lshed * (ink * a.y + a.w), 0.0);
    float sd2 = s02 + vblow + b.x * diffusion;
    float apig = 1.0 - exp(-c3.x * m * s02 / sd2);
    float so2 = sd2 + blur * blur;
    float opacity = apig * sd2 / so2;
    float swell = s02 * b.y;
    float sh2 = so2 + spread * spread;
    vec3 q = vec3(b.w, c.x, c.y);

    AgeDot d;
    d.sigma_mm = sqrt(so2 + swell);
    d.pigment = m;
    d.trans = max(1.0 - opacity * (w_top * q + b.z), 0.0);
    d.halo_sigma_mm = sqrt(sh2 + swell);
    d.halo_trans = max(1.0 - apig / sh2 * ((sd2 * w_bottom + sqrt(sd2 + sd2) * w_side) * q), 0.0);
    return d;
}
