/* The viewer's panels: a C interface over Dear ImGui (Debian's libimgui-dev), implemented in
 * ui_imgui.cpp, the only C++ file. Keeps GL headers and C++ out of the rest of the program. */
#ifndef SMP_APP_UI_IMGUI_H
#define SMP_APP_UI_IMGUI_H

#ifdef __cplusplus
extern "C" {
#endif

/* window: the SDL_Window, context: its SDL_GLContext. Returns 0 on success. */
int ui_init(void *window, void *context, float scale);
void ui_shutdown(void);
/* Feeds one SDL_Event; returns nonzero if the UI took it (typing, dragging a slider). */
int ui_process_event(const void *sdl_event);
int ui_wants_mouse(void);
int ui_wants_keyboard(void);
void ui_new_frame(void);
void ui_render(void);

/* Widgets, in the order they are called between ui_new_frame and ui_render. */
int ui_begin(const char *title, float x, float y, float width);
void ui_end(void);
void ui_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_text_muted(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_separator(void);
void ui_same_line(void);
int ui_button(const char *label);
int ui_checkbox(const char *label, int *value);
int ui_slider_float(const char *label, float *value, float min, float max, const char *format);
int ui_slider_int(const char *label, int *value, int min, int max);
int ui_combo(const char *label, int *current, const char *const *items, int count);
/* A timeline: the year slider with a tick for each session date (years). */
int ui_timeline(const char *label, float *year, float max_year, const float *marks, int mark_count,
                float due_year);
/* A small line plot of values over [0, max_x], with a marker at x. */
void ui_plot(const char *label, const float *values, int count, float max_x, float x, float y_max,
             float height);

#ifdef __cplusplus
}
#endif
#endif
