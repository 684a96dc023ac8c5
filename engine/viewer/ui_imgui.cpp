// The one C++ file: Dear ImGui behind the C interface of ui_imgui.h. No GL headers here:
// ImGui's OpenGL3 backend brings its own loader, which would clash with glad's.
#include "ui_imgui.h"

#include <SDL.h>
#include <cfloat>
#include <cstdarg>
#include <cstdio>

#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <imgui_internal.h> /* the active text field, for ui_wants_text_input */

static SDL_Window *g_window;
/* The pointer where the last event handled put it. The backend polls SDL's position when a
 * frame starts, which on X11 can lag the events already handled (a wheel notch just after a
 * move would be judged where the pointer was before): the panels take this one instead. */
static ImVec2 g_pointer;
static int g_pointer_known;

int ui_init(void *window, void *context, float scale) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO &io = ImGui::GetIO();
    io.IniFilename = nullptr; // the viewer starts the same way every time
    ImGui::StyleColorsDark();
    ImGuiStyle &style = ImGui::GetStyle();
    style.WindowRounding = 4.0f;
    style.FrameRounding = 3.0f;
    style.WindowBorderSize = 0.0f;
    style.Colors[ImGuiCol_WindowBg].w = 0.88f;
    if (scale > 1.0f) {
        style.ScaleAllSizes(scale);
        io.FontGlobalScale = scale;
    }
    g_window = static_cast<SDL_Window *>(window);
    if (!ImGui_ImplSDL2_InitForOpenGL(g_window, context)) return 1;
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) return 1;
    return 0;
}

void ui_shutdown(void) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
}

int ui_process_event(const void *event) {
    const SDL_Event *e = static_cast<const SDL_Event *>(event);
    int key = e->type == SDL_KEYDOWN || e->type == SDL_KEYUP;
    /* Tab moves ImGui's focus to the next text field, which would then take the keys: it
     * belongs to the window (hide the panels) unless a field is being typed into */
    if (key && e->key.keysym.sym == SDLK_TAB && !ui_wants_text_input()) return 0;
    int taken = ImGui_ImplSDL2_ProcessEvent(e) ? 1 : 0;
    if (e->type == SDL_MOUSEMOTION)
        g_pointer = ImVec2((float)e->motion.x, (float)e->motion.y), g_pointer_known = 1;
    else if (e->type == SDL_MOUSEBUTTONDOWN || e->type == SDL_MOUSEBUTTONUP)
        g_pointer = ImVec2((float)e->button.x, (float)e->button.y), g_pointer_known = 1;
    else if (e->type == SDL_WINDOWEVENT && e->window.event == SDL_WINDOWEVENT_LEAVE)
        g_pointer_known = 0;
    if (key) {
        /* the backend reads the modifiers SDL holds now, after every queued event was pumped
         * (Ctrl already up when Ctrl+A is handled): take them from the event itself */
        ImGuiIO &io = ImGui::GetIO();
        Uint16 mod = e->key.keysym.mod;
        io.KeyCtrl = (mod & KMOD_CTRL) != 0;
        io.KeyShift = (mod & KMOD_SHIFT) != 0;
        io.KeyAlt = (mod & KMOD_ALT) != 0;
        io.KeySuper = (mod & KMOD_GUI) != 0;
    }
    return taken;
}

int ui_wants_mouse(void) { return ImGui::GetIO().WantCaptureMouse ? 1 : 0; }
int ui_wants_text_input(void) {
    /* WantTextInput is only updated at the next frame's start: a field clicked in the last
     * frame is already the active text field, and the keys after the click are its */
    const ImGuiContext &g = *GImGui;
    int typing = g.ActiveId != 0 && g.InputTextState.ID == g.ActiveId;
    return typing || ImGui::GetIO().WantTextInput ? 1 : 0;
}

void ui_new_frame(void) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGuiIO &io = ImGui::GetIO();
    if (g_pointer_known && io.MousePos.x > -FLT_MAX) io.MousePos = g_pointer;
    ImGui::NewFrame();
}

void ui_render(void) {
    ImGui::Render();
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

int ui_begin(const char *title, float x, float y, float width) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Once);
    ImGui::SetNextWindowSize(ImVec2(width, 0.0f), ImGuiCond_Once);
    return ImGui::Begin(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize) ? 1 : 0;
}

void ui_end(void) { ImGui::End(); }

void ui_text(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ImGui::TextV(fmt, ap);
    va_end(ap);
}

void ui_text_muted(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextV(fmt, ap);
    ImGui::PopStyleColor();
    va_end(ap);
}

void ui_separator(void) { ImGui::Separator(); }
void ui_same_line(void) { ImGui::SameLine(); }
int ui_button(const char *label) { return ImGui::Button(label) ? 1 : 0; }

int ui_checkbox(const char *label, int *value) {
    bool b = *value != 0;
    bool changed = ImGui::Checkbox(label, &b);
    *value = b ? 1 : 0;
    return changed ? 1 : 0;
}

/* A number typed into a slider (Ctrl+click) counts when it is committed (Enter, or a click
 * elsewhere), not at every keystroke: "1461" would otherwise be checked as 1, 14 and 146
 * first, and refused. While the text is edited, the latest value waits here; Esc drops it. */
static ImGuiID g_typed_id;
static double g_typed_value;

static int committed(bool changed, double *value) {
    const ImGuiContext &g = *GImGui;
    ImGuiID id = ImGui::GetItemID();
    if (g.ActiveId == id && g.TempInputId == id) { /* being typed */
        if (changed || g_typed_id != id) g_typed_id = id, g_typed_value = *value;
        return 0;
    }
    if (g_typed_id == id) { /* typing ended this frame (with its last character, maybe) */
        g_typed_id = 0;
        if (ImGui::IsKeyDown(ImGui::GetKeyIndex(ImGuiKey_Escape))) return 0;
        if (!changed) *value = g_typed_value;
        return 1;
    }
    return changed ? 1 : 0;
}

int ui_slider_float(const char *label, float *value, float min, float max, const char *format) {
    double typed = *value;
    bool changed = ImGui::SliderFloat(label, value, min, max, format);
    if (changed) typed = *value;
    int take = committed(changed, &typed);
    *value = (float)typed;
    return take;
}

int ui_drag_float(const char *label, float *value, float speed, float min, float max,
                  const char *format) {
    double typed = *value;
    bool changed =
        ImGui::DragFloat(label, value, speed, min, max, format, ImGuiSliderFlags_AlwaysClamp);
    if (changed) typed = *value;
    int take = committed(changed, &typed);
    *value = (float)typed;
    return take;
}

int ui_slider_int(const char *label, int *value, int min, int max) {
    return ImGui::SliderInt(label, value, min, max) ? 1 : 0;
}

int ui_combo(const char *label, int *current, const char *const *items, int count) {
    return ImGui::Combo(label, current, items, count) ? 1 : 0;
}

int ui_timeline(const char *label, float *year, float min_year, float max_year, const float *marks,
                const int *touch_up, int mark_count, float due_year, const char *format,
                float slider_rect[4]) {
    ImGui::SetNextItemWidth(-1.0f);
    bool changed = ImGui::SliderFloat(label, year, min_year, max_year, format);
    if (slider_rect) ui_item_rect(slider_rect);
    // Ticks under the slider: sessions (white), touch-ups (blue), the touch-up-due year (amber).
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ImDrawList *draw = ImGui::GetWindowDrawList();
    float grab = ImGui::GetStyle().GrabMinSize * 0.5f;
    float x0 = min.x + grab, x1 = max.x - grab;
    for (int i = 0; i < mark_count; ++i) {
        float x = x0 + (x1 - x0) * (marks[i] - min_year) / (max_year - min_year);
        ImU32 colour =
            touch_up && touch_up[i] ? IM_COL32(110, 170, 240, 255) : IM_COL32(235, 235, 235, 255);
        draw->AddLine(ImVec2(x, max.y), ImVec2(x, max.y + 6.0f), colour, 2.0f);
    }
    if (due_year > min_year && due_year <= max_year) {
        float x = x0 + (x1 - x0) * (due_year - min_year) / (max_year - min_year);
        draw->AddTriangleFilled(ImVec2(x, max.y), ImVec2(x - 5.0f, max.y + 8.0f),
                                ImVec2(x + 5.0f, max.y + 8.0f), IM_COL32(240, 170, 40, 255));
    }
    ImGui::Dummy(ImVec2(0.0f, 8.0f));
    return changed ? 1 : 0;
}

int ui_slider_int_text(const char *label, int *value, int min, int max, const char *format) {
    double typed = *value;
    bool changed = ImGui::SliderInt(label, value, min, max, format);
    if (changed) typed = *value;
    int take = committed(changed, &typed);
    *value = (int)typed;
    return take;
}

int ui_radio(const char *label, int active) { return ImGui::RadioButton(label, active != 0); }

int ui_selectable(const char *label, int selected, int *double_clicked) {
    bool clicked = ImGui::Selectable(label, selected != 0, ImGuiSelectableFlags_AllowDoubleClick);
    if (double_clicked) *double_clicked = clicked && ImGui::IsMouseDoubleClicked(0);
    return clicked ? 1 : 0;
}

void ui_focus_next(void) { ImGui::SetKeyboardFocusHere(); }

int ui_begin_list(const char *id, float height) {
    return ImGui::BeginChild(id, ImVec2(0, height), true) ? 1 : 0;
}

void ui_end_list(void) { ImGui::EndChild(); }

int ui_begin_dialog(const char *title, float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Appearing);
    ImGui::SetNextWindowSize(ImVec2(width, height), ImGuiCond_Appearing);
    ImGui::SetNextWindowFocus();
    return ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoCollapse) ? 1 : 0;
}

int ui_section(const char *label, int open_at_first) {
    return ImGui::CollapsingHeader(label, open_at_first ? ImGuiTreeNodeFlags_DefaultOpen : 0) ? 1
                                                                                              : 0;
}

int ui_swatch(const char *id, const float srgb[3], int selected, float size) {
    ImVec4 colour(srgb[0], srgb[1], srgb[2], 1.0f);
    bool clicked =
        ImGui::ColorButton(id, colour, ImGuiColorEditFlags_NoTooltip, ImVec2(size, size));
    if (selected) {
        ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddRect(ImVec2(min.x - 2, min.y - 2),
                                            ImVec2(max.x + 2, max.y + 2),
                                            IM_COL32(240, 170, 40, 255), 2.0f, 0, 2.0f);
    }
    return clicked ? 1 : 0;
}

int ui_color(const char *label, float srgb[3]) {
    return ImGui::ColorEdit3(label, srgb, ImGuiColorEditFlags_NoInputs) ? 1 : 0;
}

int ui_input_text(const char *label, char *buf, unsigned long size) {
    return ImGui::InputText(label, buf, size, ImGuiInputTextFlags_EnterReturnsTrue) ? 1 : 0;
}

int ui_input_text_committed(const char *label, char *buf, unsigned long size, int *active) {
    bool enter = ImGui::InputText(label, buf, size, ImGuiInputTextFlags_EnterReturnsTrue);
    *active = ImGui::IsItemActive() ? 1 : 0;
    return enter || ImGui::IsItemDeactivatedAfterEdit() ? 1 : 0;
}

void ui_progress(float fraction, const char *caption) {
    ImGui::ProgressBar(fraction, ImVec2(-1.0f, 0.0f), caption);
}

void ui_text_faded(float alpha, const char *fmt, ...) {
    ImVec4 colour = ImGui::GetStyle().Colors[ImGuiCol_Text];
    colour.w *= alpha < 0 ? 0 : alpha > 1 ? 1 : alpha;
    va_list ap;
    va_start(ap, fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextV(fmt, ap);
    ImGui::PopStyleColor();
    va_end(ap);
}

void ui_hover_text(const char *text) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

void ui_text_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColoredV(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), fmt, ap);
    ImGui::PopTextWrapPos();
    va_end(ap);
}

void ui_text_wrapped(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ImGui::TextWrappedV(fmt, ap);
    va_end(ap);
}

void ui_item_width(float width) { ImGui::SetNextItemWidth(width); }
void ui_push_id(int id) { ImGui::PushID(id); }
void ui_pop_id(void) { ImGui::PopID(); }
void ui_disabled_begin(int disabled) { ImGui::BeginDisabled(disabled != 0); }
void ui_disabled_end(void) { ImGui::EndDisabled(); }

void ui_set_next_collapsed_once(int collapsed) {
    ImGui::SetNextWindowCollapsed(collapsed != 0, ImGuiCond_Once);
}

int ui_begin_fixed(const char *title, float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Once);
    ImGui::SetNextWindowSize(ImVec2(width, height), ImGuiCond_Once);
    return ImGui::Begin(title, nullptr, 0) ? 1 : 0;
}

int ui_begin_pinned(const char *title, float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, height), ImGuiCond_Always);
    return ImGui::Begin(title, nullptr,
                        ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                            ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar)
               ? 1
               : 0;
}

int ui_begin_overlay(const char *id) {
    const ImGuiViewport *vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(0.94f);
    ImGui::SetNextWindowFocus();
    return ImGui::Begin(id, nullptr,
                        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                            ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings)
               ? 1
               : 0;
}

void ui_row(const char *left, const char *right, float left_width) {
    ImGui::TextUnformatted(left);
    ImGui::SameLine(left_width);
    ImGui::TextUnformatted(right);
}

void ui_item_rect(float out[4]) {
    if (!ImGui::IsItemVisible()) { /* scrolled out of its window: nowhere to click */
        out[0] = out[1] = out[2] = out[3] = 0;
        return;
    }
    /* only the part inside the window's clip takes clicks */
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImDrawList *draw = ImGui::GetWindowDrawList();
    ImVec2 ca = draw->GetClipRectMin(), cb = draw->GetClipRectMax();
    a.x = a.x > ca.x ? a.x : ca.x, a.y = a.y > ca.y ? a.y : ca.y;
    b.x = b.x < cb.x ? b.x : cb.x, b.y = b.y < cb.y ? b.y : cb.y;
    if (b.x <= a.x || b.y <= a.y) {
        out[0] = out[1] = out[2] = out[3] = 0;
        return;
    }
    out[0] = a.x, out[1] = a.y, out[2] = b.x - a.x, out[3] = b.y - a.y;
}

float ui_text_width(const char *text) { return ImGui::CalcTextSize(text).x; }

void ui_label(float x, float y, const char *text) {
    ImDrawList *draw = ImGui::GetForegroundDrawList();
    ImVec2 size = ImGui::CalcTextSize(text);
    draw->AddRectFilled(ImVec2(x - 6, y - 3), ImVec2(x + size.x + 6, y + size.y + 3),
                        IM_COL32(20, 20, 22, 190), 3.0f);
    draw->AddText(ImVec2(x, y), IM_COL32(240, 240, 236, 255), text);
}

void ui_marker(float x, float y, int kind, const char *text) {
    ImDrawList *draw = ImGui::GetForegroundDrawList();
    const ImU32 colour = kind == UI_MARKER_WARN     ? IM_COL32(255, 150, 40, 255)
                         : kind == UI_MARKER_ACTIVE ? IM_COL32(60, 220, 255, 255)
                                                    : IM_COL32(250, 250, 245, 255);
    draw->AddCircle(ImVec2(x, y), 6.0f, IM_COL32(0, 0, 0, 200), 16, 4.0f);
    draw->AddCircle(ImVec2(x, y), 6.0f, colour, 16, 2.0f);
    ImVec2 size = ImGui::CalcTextSize(text);
    draw->AddRectFilled(ImVec2(x + 10, y - size.y * 0.5f - 2),
                        ImVec2(x + 16 + size.x, y + size.y * 0.5f + 2), IM_COL32(20, 20, 22, 170),
                        3.0f);
    draw->AddText(ImVec2(x + 13, y - size.y * 0.5f), colour, text);
}

void ui_ramp_legend(float x, float y, float w, const char *title, const char *lo, const char *mid,
                    const char *hi) {
    /* the sRGB stops whose decoded values shaders/skin.frag's ramp() holds */
    static const ImU32 stops[5] = {IM_COL32(68, 1, 84, 255), IM_COL32(59, 82, 139, 255),
                                   IM_COL32(33, 145, 140, 255), IM_COL32(94, 201, 98, 255),
                                   IM_COL32(253, 231, 37, 255)};
    ImDrawList *draw = ImGui::GetForegroundDrawList();
    const float line = ImGui::GetTextLineHeight(), bar = 12.0f;
    draw->AddRectFilled(ImVec2(x - 8, y - 6), ImVec2(x + w + 8, y + 2 * line + bar + 14),
                        IM_COL32(20, 20, 22, 200), 4.0f);
    draw->AddText(ImVec2(x, y), IM_COL32(240, 240, 236, 255), title);
    const float top = y + line + 4;
    for (int i = 0; i < 4; ++i)
        draw->AddRectFilledMultiColor(ImVec2(x + w * (float)i / 4, top),
                                      ImVec2(x + w * (float)(i + 1) / 4, top + bar), stops[i],
                                      stops[i + 1], stops[i + 1], stops[i]);
    const float below = top + bar + 3;
    const ImU32 text = IM_COL32(220, 220, 214, 255);
    draw->AddText(ImVec2(x, below), text, lo);
    draw->AddText(ImVec2(x + (w - ImGui::CalcTextSize(mid).x) * 0.5f, below), text, mid);
    draw->AddText(ImVec2(x + w - ImGui::CalcTextSize(hi).x, below), text, hi);
}

void ui_display_size(float *width, float *height) {
    ImVec2 s = ImGui::GetIO().DisplaySize;
    *width = s.x, *height = s.y;
}

void ui_set_next_open(void) { ImGui::SetNextItemOpen(true, ImGuiCond_Always); }

void ui_chart(const float *values, const float *second, int count, float max_x, float x_step,
              float x, float due_x, float y_max, float height) {
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float width = ImGui::GetContentRegionAvail().x;
    ImGui::Dummy(ImVec2(width, height));
    ImDrawList *draw = ImGui::GetWindowDrawList();
    ImVec2 end(origin.x + width, origin.y + height);
    draw->AddRectFilled(origin, end, IM_COL32(28, 30, 34, 255), 3.0f);
    auto px = [&](float v) { return origin.x + width * v / max_x; };
    auto py = [&](float v) { return end.y - height * (v > y_max ? 1.0f : v / y_max); };
    for (float g = x_step; g < max_x; g += x_step)
        draw->AddLine(ImVec2(px(g), origin.y), ImVec2(px(g), end.y), IM_COL32(70, 72, 78, 255));
    const float *series[2] = {second, values};
    const ImU32 colours[2] = {IM_COL32(120, 170, 230, 200), IM_COL32(235, 235, 235, 255)};
    for (int s = 0; s < 2; ++s) {
        if (!series[s] || count < 2) continue;
        for (int i = 1; i < count; ++i) {
            float x0 = max_x * (float)(i - 1) / (float)(count - 1);
            float x1 = max_x * (float)i / (float)(count - 1);
            draw->AddLine(ImVec2(px(x0), py(series[s][i - 1])), ImVec2(px(x1), py(series[s][i])),
                          colours[s], 2.0f);
        }
    }
    if (due_x > 0.0f && due_x <= max_x)
        draw->AddTriangleFilled(ImVec2(px(due_x), end.y - 8.0f), ImVec2(px(due_x) - 5.0f, end.y),
                                ImVec2(px(due_x) + 5.0f, end.y), IM_COL32(240, 170, 40, 255));
    if (x >= 0.0f && x <= max_x)
        draw->AddLine(ImVec2(px(x), origin.y), ImVec2(px(x), end.y), IM_COL32(240, 170, 40, 220),
                      1.5f);
}
