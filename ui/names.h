/* Metric names in a fixed width, for the dashboard's lists and the command
 * line's tables alike: a name that does not fit is cut with an ellipsis,
 * keeping the part where it differs from the names that share its start
 * (Prometheus's node_filesystem_avail_bytes{device="sda1",...} and
 * {device="sda2",...}), so that names that differ stay apart when cut. */
#ifndef VIGIL_UI_NAMES_H
#define VIGIL_UI_NAMES_H

#include <stddef.h>

/* When names[m] (of n names), cut to its first w - 1 columns, reads like
 * another name so cut (names that share a long prefix: Exathlon's
 * 1_driver_..._processingDelay_0, _1, ...; Prometheus's
 * cpu_user{cpu="0",instance=...}, {cpu="1",...}), the byte where it first
 * differs from all of them; else 0. */
size_t ui_names_clash(const char *const *names, size_t n, size_t m,
		      size_t w);

/* name in w columns into buf (n bytes): whole, or cut with an ellipsis
 * ("…" when unicode, else "~") at the end, or, with differs_at
 * (ui_names_clash's answer, names alike at the start), its start around
 * the ellipsis and then the part that ends just past differs_at (its end
 * when that is near the end). Columns as the screen shows them, cuts
 * between UTF-8 characters; narrower when the cut does not fit in n. */
void ui_short_name(const char *name, char *buf, size_t n, size_t w,
		   int unicode, size_t differs_at);

#endif
