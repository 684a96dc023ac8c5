#version 330 core
// Skin pass: the head mesh, lit in view space so the clinic lights stay where a photographer
// would put them whichever way the camera looks.

layout(location = 0) in vec3 a_position_mm;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_uv;
layout(location = 3) in float a_scalar; // for the overlay; 0 when none was given
layout(location = 4) in vec3 a_marks;   // pen lines: outline, hairline, hairline mask

uniform mat4 u_view;
uniform mat4 u_proj;

out vec3 v_position_view;
out vec3 v_normal_view;
out vec2 v_uv;
out float v_scalar;
out vec3 v_marks;

void main() {
    vec4 p = u_view * vec4(a_position_mm, 1.0);
    v_position_view = p.xyz;
    v_normal_view = mat3(u_view) * a_normal; // the view matrix is rigid
    v_uv = a_uv;
    v_scalar = a_scalar;
    v_marks = a_marks;
    gl_Position = u_proj * p;
}
