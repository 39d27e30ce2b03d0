/* The subcommands of the vigil binary. Each lives in its own file,
 * ui/cli/cmd_*.c (the dashboard: ui/dash/cmd_dashboard.c), takes the
 * arguments after its name (argv[0] is the subcommand name) and returns
 * the process exit code: 0 success, 1 usage, 2 bad input, 3 internal
 * error. */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

int cmd_dashboard(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_labels(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_nab(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
