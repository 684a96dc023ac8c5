/* The viewer's panels: a C interface over Dear ImGui (Debian's libimgui-dev), implemented in
 * ui_imgui.cpp, the only C++ file. Keeps GL headers and C++ out of the rest of the program. */
#ifndef SMP_UI_IMGUI_H
#define SMP_UI_IMGUI_H

#ifdef __cplusplus
extern "C" {
#endif

/* window: the SDL_Window, context: its SDL_GLContext. Returns 0 on success. */
int ui_init(void *window, void *context, float scale);
void ui_shutdown(void);
/* Feeds one SDL_Event; returns nonzero if the UI took it (typing, dragging a slider). */
int ui_process_event(const void *sdl_event);
int ui_wants_mouse(void);
/* Whether a text field is being typed into: only then do keys belong to the panels. (ImGui's
 * WantCaptureKeyboard, and the SDL backend's answer for each key-down, are set for any focused
 * panel, which would leave the window's shortcuts dead after the first click on a panel.) */
int ui_wants_text_input(void);
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
/* A number dragged (speed per pixel) or typed (Ctrl+click or double click) within [min, max]. A
 * slider's or drag's typed number is returned once, when committed (Enter or a click
 * elsewhere; Esc drops it), not at every keystroke. */
int ui_drag_float(const char *label, float *value, float speed, float min, float max,
                  const char *format);
int ui_combo(const char *label, int *current, const char *const *items, int count);
int ui_slider_int_text(const char *label, int *value, int min, int max, const char *format);
int ui_radio(const char *label, int active);
/* A line of a list, highlighted when selected; returns 1 when clicked (*double_clicked: twice). */
int ui_selectable(const char *label, int selected, int *double_clicked);
/* The next widget takes the keyboard (a text field: typing goes on in it). */
void ui_focus_next(void);
/* A framed, scrolling region height pixels tall (0: the rest of the window); end it always. */
int ui_begin_list(const char *id, float height);
void ui_end_list(void);
/* A window over the others, placed and sized each time it appears, focused while shown. */
int ui_begin_dialog(const char *title, float x, float y, float width, float height);
/* A section that can fold away; open at first when open_at_first. */
int ui_section(const char *label, int open_at_first);
/* A colour square (sRGB 0..1) of size px; outlined when selected; returns 1 when clicked. */
int ui_swatch(const char *id, const float srgb[3], int selected, float size);
/* A colour picker (sRGB 0..1); returns 1 on change. */
int ui_color(const char *label, float srgb[3]);
/* A one-line text field editing buf (size bytes); returns 1 when Enter is pressed. */
int ui_input_text(const char *label, char *buf, unsigned long size);
/* The same, returning 1 when an edit is committed: Enter, or leaving the field after typing.
 * *active says whether it is being typed into (the caller keeps buf until it is not). */
int ui_input_text_committed(const char *label, char *buf, unsigned long size, int *active);
/* fraction 0..1 with a caption on the bar. */
void ui_progress(float fraction, const char *caption);
void ui_text_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Muted text at this opacity (0..1). */
void ui_text_faded(float alpha, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A tooltip with text while the last widget is hovered. */
void ui_hover_text(const char *text);
void ui_text_wrapped(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Width of the next widget in pixels (< 0: up to that far from the right edge). */
void ui_item_width(float width);
void ui_push_id(int id);
void ui_pop_id(void);
void ui_disabled_begin(int disabled);
void ui_disabled_end(void);
/* A panel at (x, y) of fixed size that scrolls when its content is taller. */
int ui_begin_fixed(const char *title, float x, float y, float width, float height);
/* The next window's first appearance is folded to its title bar (collapsed != 0) or open. */
void ui_set_next_collapsed_once(int collapsed);
/* A panel pinned at (x, y) with this size every frame, neither moved, resized nor folded by
 * the user (the timeline along the bottom follows the window's size). */
int ui_begin_pinned(const char *title, float x, float y, float width, float height);
/* A panel centred in the window over everything, sized to its content, with no title bar. */
int ui_begin_overlay(const char *id);
/* One row of two columns: left at the panel's edge, right from left_width on. */
void ui_row(const char *left, const char *right, float left_width);
/* A caption on a dark plate over everything, at pixel (x, y) of the window. */
void ui_label(float x, float y, const char *text);
/* A point marked over the scene at (x, y), window coordinates: a ring and its name beside it.
 * WARN (a guess to correct) is orange, ACTIVE (being placed) is cyan. */
enum { UI_MARKER_PLAIN, UI_MARKER_WARN, UI_MARKER_ACTIVE };
void ui_marker(float x, float y, int kind, const char *text);
/* The heat maps' colour ramp (the skin shader's, dark violet to yellow) as a bar at (x, y),
 * width w, with a title above and three labels below: left end, middle, right end. */
void ui_ramp_legend(float x, float y, float w, const char *title, const char *lo, const char *mid,
                    const char *hi);
/* The window's size in the coordinates the panels use. */
void ui_display_size(float *width, float *height);
/* The next section (ui_section) is open this frame. */
void ui_set_next_open(void);
/* The last widget's rectangle in window pixels, cut to the part its window shows (the part
 * that takes clicks): x, y, width, height; all 0 when it is scrolled out of view. */
void ui_item_rect(float out[4]);
/* How wide text is drawn, in pixels. */
float ui_text_width(const char *text);
/* A timeline: the year slider from min_year to max_year (printf format of its value) with a
 * tick for each session date (years, on the slider's scale), touch-ups (where touch_up[i],
 * which may be NULL) in another colour, and the touch-up-due year (> min_year). The slider's
 * rectangle goes to slider_rect (as ui_item_rect) unless it is NULL. */
int ui_timeline(const char *label, float *year, float min_year, float max_year, const float *marks,
                const int *touch_up, int mark_count, float due_year, const char *format,
                float slider_rect[4]);
/* A line chart of values (and optionally second, dimmer, or NULL) over x in [0, max_x], y in
 * [0, y_max], with gridlines every x_step, a marker at x (when within [0, max_x]) and an amber
 * tick at due_x (> 0). */
void ui_chart(const float *values, const float *second, int count, float max_x, float x_step,
              float x, float due_x, float y_max, float height);

#ifdef __cplusplus
}
#endif
#endif
