/* The monotonic clock, for durations (progress bars, timings, rates). */
#ifndef VIGIL_CLOCK_H
#define VIGIL_CLOCK_H

/* Seconds on CLOCK_MONOTONIC since an unspecified start. */
double clock_mono_seconds(void);

#endif
