/* How wide UTF-8 text is on the screen, for every place the dashboard and
 * the name shortening (ui/names.c) fit text into columns: display columns
 * by wcwidth (a character it cannot measure, or bytes that are no UTF-8
 * character, count one column a character), and cuts that fall between
 * characters, never inside one.
 * Plain C without curses. */
#ifndef VIGIL_UI_TEXTW_H
#define VIGIL_UI_TEXTW_H

#include <stddef.h>

/* Display columns of t. */
int textw_cols(const char *t);

/* Display columns of t's first n bytes (n on a character boundary). */
int textw_span_cols(const char *t, size_t n);

/* Bytes of t's shortest head that is cols columns wide or wider (all of
 * t when it is narrower): where to cut to drop cols columns from its
 * head. A character boundary. */
size_t textw_skip(const char *t, int cols);

/* Bytes of t's longest head at most cols columns wide: what to print to
 * fill at most cols columns. A character boundary. */
size_t textw_fit(const char *t, int cols);

#endif
