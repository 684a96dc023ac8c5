// The ageing model's per-dot equations (engine/core/age_internal.h, docs/MODEL.md) for GLSL
// 330 shaders. A library, not a shader: no #version; append it after a file that has one.
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
// [epidermis mm, δ R, δ G, δ B], [shed depth, shed width, blowout depth, blowout width],
// [blowout variance, D, D deep, optical blur per depth], [κ, σ per µm of radius, 0, 0].
uniform vec4 u_age_const[4];

struct AgeDot {
    float sigma_mm; // footprint standard deviation in the tangent plane
    float pigment;  // pigment left, in full undiluted deposits
    vec3 trans;     // multiplier on the skin's linear albedo at the footprint's centre
};

float age_logistic(float x) { return 1.0 / (1.0 + exp(-x)); }

AgeDot age_dot(float radius_um, float depth_um, float ink8, int session, int tissue) {
    vec4 c0 = u_age_const[0], c1 = u_age_const[1], c2 = u_age_const[2], c3 = u_age_const[3];
    int p = (session * 4 + tissue) * 3;
    vec4 a = u_age_sk[p], b = u_age_sk[p + 1], c = u_age_sk[p + 2];

    float z = depth_um * 0.001;
    float dermal = max(z - c0.x, 0.0);
    float deep = age_logistic((z - c1.z) / c1.w);
    float lshed = 1.0 - age_logistic((z - c1.x) / c1.y);
    float vblow = c2.x * deep;
    float diffusion = c2.y + (c2.z - c2.y) * deep;
    float blur = c2.w * dermal;
    vec3 w = exp(-2.0 * dermal / c0.yzw);

    float sigma0 = radius_um * c3.y;
    float s02 = sigma0 * sigma0;
    float ink = ink8 / 255.0;
    float m = max(ink * a.x + a.z - lshed * (ink * a.y + a.w), 0.0);
    float sd2 = s02 + vblow + b.x * diffusion;
    float apig = 1.0 - exp(-c3.x * m * s02 / sd2);
    float so2 = sd2 + blur * blur;
    float opacity = apig * sd2 / so2;
    float sv2 = so2 + s02 * b.y;

    AgeDot d;
    d.sigma_mm = sqrt(sv2);
    d.pigment = m;
    d.trans = 1.0 - opacity * (w * vec3(b.w, c.x, c.y) + b.z);
    return d;
}
