#include "smp/text.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct smp_font {
    FT_Library lib;
    FT_Face face;
};

static char *find_font_file(const char *name, smp_error *err) {
    if (strchr(name, '/')) return strdup(name);
    FcConfig *config = FcInitLoadConfigAndFonts();
    FcPattern *pat = config ? FcNameParse((const FcChar8 *)name) : NULL;
    char *path = NULL;
    if (pat) {
        FcConfigSubstitute(config, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult result;
        FcPattern *match = FcFontMatch(config, pat, &result);
        FcChar8 *file = NULL, *family = NULL;
        /* fontconfig always returns its best guess; accept it only if the family matches, so
         * a missing DejaVu is reported rather than silently replaced by a symbol font. */
        if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
            FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch) {
            size_t n = strcspn(name, ":");
            if (strncasecmp((const char *)family, name, n) == 0 && family[n] == '\0')
                path = strdup((const char *)file);
        }
        if (match) FcPatternDestroy(match);
        FcPatternDestroy(pat);
    }
    if (config) FcConfigDestroy(config);
    if (!path)
        smp_error_set(err, SMP_ERR_UNSUPPORTED,
                      "font '%s' not found (install fonts-dejavu-core, or name a .ttf file)", name);
    return path;
}

smp_status smp_font_open(const char *name, smp_font **out, smp_error *err) {
    *out = NULL;
    if (!name) name = "DejaVu Sans";
    char *path = find_font_file(name, err);
    if (!path) return SMP_ERR_UNSUPPORTED;
    smp_font *f = calloc(1, sizeof *f);
    if (!f) {
        free(path);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory opening font '%s'", name);
    }
    smp_status st = SMP_OK;
    if (FT_Init_FreeType(&f->lib) != 0)
        st = smp_error_set(err, SMP_ERR_UNSUPPORTED, "FreeType failed to initialise");
    else if (FT_New_Face(f->lib, path, 0, &f->face) != 0)
        st = smp_error_set(err, SMP_ERR_UNSUPPORTED, "%s: not a font FreeType can read", path);
    free(path);
    if (st != SMP_OK) {
        smp_font_close(f);
        return st;
    }
    *out = f;
    return SMP_OK;
}

void smp_font_close(smp_font *font) {
    if (!font) return;
    if (font->face) FT_Done_Face(font->face);
    if (font->lib) FT_Done_FreeType(font->lib);
    free(font);
}

/* Next code point of a UTF-8 string; malformed sequences yield U+FFFD and skip one byte. */
static unsigned long next_codepoint(const unsigned char **s) {
    const unsigned char *p = *s;
    unsigned long cp;
    int extra;
    if (p[0] < 0x80)
        cp = p[0], extra = 0;
    else if ((p[0] & 0xE0) == 0xC0)
        cp = p[0] & 0x1F, extra = 1;
    else if ((p[0] & 0xF0) == 0xE0)
        cp = p[0] & 0x0F, extra = 2;
    else if ((p[0] & 0xF8) == 0xF0)
        cp = p[0] & 0x07, extra = 3;
    else {
        *s = p + 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= extra; ++i) {
        if ((p[i] & 0xC0) != 0x80) {
            *s = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s = p + 1 + extra;
    return cp;
}

static int set_size(smp_font *font, float px) {
    return FT_Set_Char_Size(font->face, 0, (FT_F26Dot6)(px * 64.0f + 0.5f), 72, 72) == 0;
}

int smp_text_width(smp_font *font, float px, const char *utf8) {
    if (!set_size(font, px)) return 0;
    long pen = 0;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;) {
        unsigned long cp = next_codepoint(&s);
        if (FT_Load_Char(font->face, cp, FT_LOAD_DEFAULT) == 0) pen += font->face->glyph->advance.x;
    }
    return (int)((pen + 63) >> 6);
}

void smp_text_draw(smp_font *font, smp_image *img, int x, int baseline_y, float px,
                   const uint8_t colour[4], const char *utf8) {
    if (!set_size(font, px)) return;
    long pen = (long)x * 64;
    for (const unsigned char *s = (const unsigned char *)utf8; *s;) {
        unsigned long cp = next_codepoint(&s);
        if (FT_Load_Char(font->face, cp, FT_LOAD_RENDER) != 0) continue;
        FT_GlyphSlot g = font->face->glyph;
        int gx = (int)(pen >> 6) + g->bitmap_left, gy = baseline_y - g->bitmap_top;
        for (unsigned row = 0; row < g->bitmap.rows; ++row) {
            int y = gy + (int)row;
            if (y < 0 || y >= img->height) continue;
            const unsigned char *src = g->bitmap.buffer + (long)row * g->bitmap.pitch;
            for (unsigned col = 0; col < g->bitmap.width; ++col) {
                int xx = gx + (int)col;
                if (xx < 0 || xx >= img->width || src[col] == 0) continue;
                unsigned a = (unsigned)src[col] * colour[3] / 255u;
                uint8_t *d = smp_image_at(img, xx, y);
                for (int c = 0; c < 3; ++c)
                    d[c] = (uint8_t)((colour[c] * a + d[c] * (255u - a) + 127u) / 255u);
                d[3] = (uint8_t)(a + d[3] * (255u - a) / 255u);
            }
        }
        pen += g->advance.x;
    }
}
