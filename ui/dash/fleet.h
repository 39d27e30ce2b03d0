/* The machines view: `vigil PATH/ServerMachineDataset` (the folder, no
 * machine), or a folder of CSV or NAB files, opens every machine (every
 * file) of the folder, one App each, and lists them
 * with their rows, model (queued, training with its progress, trained), node
 * detections per criticality, node event P/R/F1 against the original and
 * the working labels, and unsaved edits. Models train in the background, at
 * most one per core at a time (the cores this process may run on, divided
 * by --threads), the open machine first. Enter opens a machine in the dashboard (its
 * lock and journal taken then, as for a single machine); M goes back with
 * everything kept. */
#ifndef VIGIL_UI_FLEET_H
#define VIGIL_UI_FLEET_H

#include <stddef.h>

#include "data/status.h"
#include "ui/dash/app.h"
#include "ui/dash/dash.h"

typedef struct {
	char name[256];       /* machine-1-2 */
	char dataset[4400];   /* FOLDER:machine */
	App app;              /* owned: the machine's dashboard state */
	int started;          /* its model was started */
	int session;          /* its lock and journal were taken */
	size_t pending;       /* before that: the unsaved edits its journal
				 holds from an earlier session */
	char error[640];      /* not empty: the machine could not be opened
				 (why); it is listed, never opened */
} FleetMachine;

typedef struct {
	FleetMachine *m;      /* owned: n machines, sorted by name */
	size_t n;
	size_t sel;           /* the chosen row */
	long open;            /* the machine shown, -1: the machines view */
	DashOptions opt;      /* the dashboard's options (dataset unused) */
	size_t slots;         /* trainings at once: one per core */
	int quit_asked;       /* q once with unsaved edits somewhere */
	char message[256];    /* the view's status line */
} Fleet;

/* Key handling results of fleet_key. */
enum {
	FLEET_REDRAW = 1u << 0,
	FLEET_OPENED = 1u << 1, /* f->open is a machine now */
	FLEET_QUIT = 1u << 2,
};

/* Open every machine of the SMD folder dir, or every CSV file in it (data
 * and labels; models are queued). A machine that cannot be opened keeps
 * its error in FleetMachine.error and the others open; returns STATUS_OK,
 * or the first machine's error when none opens. */
Status fleet_open(Fleet *f, const char *dir, const DashOptions *opt,
		  ErrorRecord *err);

/* Stop every model worker, free every machine. */
void fleet_close(Fleet *f);

/* Collect model progress of every machine and start queued ones while
 * fewer than f->slots train. Returns nonzero when anything changed. */
int fleet_poll(Fleet *f);

/* Whether a model is training or queued (the loop then polls). */
int fleet_busy(const Fleet *f);

/* A key in the machines view: j/k (arrows) choose, g/G first and last,
 * Enter opens the machine, q quits (asks once when edits are unsaved). */
unsigned fleet_key(Fleet *f, int ch);

/* Draw the machines view over the whole screen. */
void fleet_draw(Fleet *f);

/* Forget the view's window (after endwin or before a new layout). */
void fleet_free_window(void);

#endif
