// The lighting shared by the skin and hair passes. A library, not a shader: no #version;
// compile it after a file that has one and declares the functions below. The host fills the
// uniforms from the frame's lighting preset with every direction already in view space (x
// right, y up, z towards the camera), so the shaders need not know which lights follow the
// camera and which stay fixed to the room.

uniform vec3 u_light_dir[4];   // unit, towards the light
uniform vec3 u_light_color[4]; // linear radiance scale; black = unused
uniform vec3 u_ambient_ground; // hemisphere ambient, facing down and facing up
uniform vec3 u_ambient_sky;
uniform vec3 u_up_view;        // the room's up in view space, for the hemisphere

vec3 smp_light_dir(int i) { return u_light_dir[i]; }
vec3 smp_light_color(int i) { return u_light_color[i]; }
vec3 smp_ambient(vec3 n) {
    return mix(u_ambient_ground, u_ambient_sky, 0.5 + 0.5 * dot(n, u_up_view));
}
