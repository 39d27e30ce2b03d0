/* The dashboard's line prompts: the metric filter (/), go to (:), the
 * note (i), save as (s) with its y / n questions (a lossy format, a changed
 * destination), the quit guard and the journal recovery. While one is
 * open every key goes to it. */
#ifndef VIGIL_UI_PROMPTS_H
#define VIGIL_UI_PROMPTS_H

#include "ui/dash/app.h"

/* A key for the open prompt (a->prompt != PROMPT_NONE); returns DIRTY_* /
 * APP_* flags. */
unsigned prompts_key(App *a, int ch);

/* Quit: the edits were saved or discarded, so the journal is removed.
 * Returns APP_QUIT. */
unsigned prompts_quit(App *a);

#endif
