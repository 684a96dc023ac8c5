/* A parameter's valid range and default, written once. An engine header defines each
 * parameter it owns as a macro of three numbers, `lo, hi, default`:
 *
 *   #define SMP_HAIRLINE_HEIGHT_MM 40, 130, 80
 *
 * and both the engine's validation and the scene schema (docs/SCENE.md) read it, so the file
 * format, the documentation and the engine cannot disagree. SMP_PARAM_LO(SMP_HAIRLINE_HEIGHT_MM)
 * is 40, SMP_PARAM_HI 130, SMP_PARAM_DEFAULT 80. Ranges are closed. */
#ifndef SMP_PARAM_H
#define SMP_PARAM_H

#define SMP_PARAM_LO(p)      SMP_PARAM_LO_(p)
#define SMP_PARAM_HI(p)      SMP_PARAM_HI_(p)
#define SMP_PARAM_DEFAULT(p) SMP_PARAM_DEFAULT_(p)

#define SMP_PARAM_LO_(lo, hi, def)      (lo)
#define SMP_PARAM_HI_(lo, hi, def)      (hi)
#define SMP_PARAM_DEFAULT_(lo, hi, def) (def)

#endif
