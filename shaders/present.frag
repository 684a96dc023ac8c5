#version 330 core
// Output pass: copies the linear frame into the sRGB8 target, which encodes on write.
uniform sampler2D u_frame;
in vec2 v_uv;
out vec4 o_color;
void main() {
    o_color = vec4(texelFetch(u_frame, ivec2(gl_FragCoord.xy), 0).rgb, 1.0);
}
