/* Finds where a JSON path ("plan.sessions[1].depth_mm") sits in a JSON text, for error
 * messages: cJSON keeps no positions. Private to engine/scene. */
#ifndef SMP_JSON_LOCATE_H
#define SMP_JSON_LOCATE_H

#include <stddef.h>

/* Line (1-based) of the value at path, counting only its occurrence-th appearance when a key
 * repeats (0 = first). Falls back to the line of the deepest enclosing part found, or 0 when
 * the text gives nothing (a path that came from --set). Linear in the text size. */
int json_locate_line(const char *text, size_t size, const char *path, int occurrence);

/* Line and column (1-based) of a byte offset. */
void json_line_col(const char *text, size_t offset, int *line, int *col);

#endif
