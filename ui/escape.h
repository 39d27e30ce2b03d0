/* Text from data files (metric names, cells quoted in messages, notes) may
 * hold terminal control sequences; it is escaped before it reaches the
 * user's terminal, on the command line and in the dashboard. */
#ifndef VIGIL_UI_ESCAPE_H
#define VIGIL_UI_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Copy in to out (size n, always NUL-terminated, cut short if need be)
 * with every control character (C0, DEL and the C1 range U+0080..U+009F)
 * and every byte that is not valid UTF-8 written as \xNN; other UTF-8
 * text is kept. Returns out. */
char *ui_escape(const char *in, char *out, size_t n);

/* fputs(ui_escape(text)) without a length limit. */
void ui_escape_fputs(const char *text, FILE *f);

#endif
