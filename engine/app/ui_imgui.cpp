// The one C++ file: Dear ImGui behind the C interface of ui_imgui.h. No GL headers here:
// ImGui's OpenGL3 backend brings its own loader, which would clash with glad's.
#include "ui_imgui.h"

#include <SDL.h>
#include <cstdarg>
#include <cstdio>

#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

static SDL_Window *g_window;

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
    return ImGui_ImplSDL2_ProcessEvent(static_cast<const SDL_Event *>(event)) ? 1 : 0;
}

int ui_wants_mouse(void) { return ImGui::GetIO().WantCaptureMouse ? 1 : 0; }
int ui_wants_keyboard(void) { return ImGui::GetIO().WantCaptureKeyboard ? 1 : 0; }

void ui_new_frame(void) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
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

int ui_slider_float(const char *label, float *value, float min, float max, const char *format) {
    return ImGui::SliderFloat(label, value, min, max, format) ? 1 : 0;
}

int ui_slider_int(const char *label, int *value, int min, int max) {
    return ImGui::SliderInt(label, value, min, max) ? 1 : 0;
}

int ui_combo(const char *label, int *current, const char *const *items, int count) {
    return ImGui::Combo(label, current, items, count) ? 1 : 0;
}

int ui_timeline(const char *label, float *year, float max_year, const float *marks, int mark_count,
                float due_year) {
    ImGui::SetNextItemWidth(-1.0f);
    bool changed = ImGui::SliderFloat(label, year, 0.0f, max_year, "year %.2f");
    // Ticks under the slider: sessions (white) and the touch-up-due year (amber).
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ImDrawList *draw = ImGui::GetWindowDrawList();
    float grab = ImGui::GetStyle().GrabMinSize * 0.5f;
    float x0 = min.x + grab, x1 = max.x - grab;
    for (int i = 0; i < mark_count; ++i) {
        float x = x0 + (x1 - x0) * marks[i] / max_year;
        draw->AddLine(ImVec2(x, max.y), ImVec2(x, max.y + 6.0f), IM_COL32(235, 235, 235, 255),
                      2.0f);
    }
    if (due_year > 0.0f && due_year <= max_year) {
        float x = x0 + (x1 - x0) * due_year / max_year;
        draw->AddTriangleFilled(ImVec2(x, max.y), ImVec2(x - 5.0f, max.y + 8.0f),
                                ImVec2(x + 5.0f, max.y + 8.0f), IM_COL32(240, 170, 40, 255));
    }
    ImGui::Dummy(ImVec2(0.0f, 8.0f));
    return changed ? 1 : 0;
}

void ui_plot(const char *label, const float *values, int count, float max_x, float x, float y_max,
             float height) {
    ImGui::PlotLines(label, values, count, 0, nullptr, 0.0f, y_max, ImVec2(-1.0f, height));
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    float px = min.x + (max.x - min.x) * (x / max_x);
    ImGui::GetWindowDrawList()->AddLine(ImVec2(px, min.y), ImVec2(px, max.y),
                                        IM_COL32(240, 170, 40, 200), 1.5f);
}
