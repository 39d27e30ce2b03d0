#!/bin/sh
# Run each fuzz target for SECONDS seconds (make fuzz: FUZZ_SECONDS, 60 by
# default) and print one summary line per target: executions, coverage
# (libFuzzer's cov: edges and ft: features), corpus size. Corpora grow in
# build/fuzz/corpus/TARGET, seeded from data/samples, tests/fuzz/seeds and
# tests/fuzz/regress. A crash, leak, sanitizer report or timeout stops with
# the input saved as build/fuzz/crash-TARGET-*: copy it to
# tests/fuzz/regress/TARGET/ so `make check` keeps it as a test.
# Usage: sh tests/fuzz/run.sh SECONDS TARGET...
set -u
secs=$1
shift
bin=build/fuzz
s=data/samples
status=0
for t in "$@"; do
	corpus=$bin/corpus/$t
	mkdir -p "$corpus"
	case $t in
	csv) seeds="$s/nab/realAWSCloudwatch" ;;
	smd) seeds="$s/smd-cut/ServerMachineDataset/test" ;;
	nab) seeds="$s/nab/realAWSCloudwatch" ;;
	interp) seeds="$s/smd-cut/ServerMachineDataset/interpretation_label
		$s/smd/ServerMachineDataset/interpretation_label" ;;
	test_label) seeds="$s/smd-cut/ServerMachineDataset/test_label" ;;
	nab_windows) seeds="$s/nab/combined_windows.json" ;;
	*) seeds="" ;;
	esac
	for f in $seeds tests/fuzz/seeds/$t tests/fuzz/regress/$t; do
		[ -e "$f" ] || continue
		if [ -d "$f" ]; then
			cp "$f"/* "$corpus"/ 2>/dev/null
		else
			cp "$f" "$corpus"/
		fi
	done
	log=$bin/fuzz-$t.log
	"$bin/fuzz_$t" "$corpus" -max_total_time="$secs" -max_len=16384 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$bin/crash-$t-" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(printf '%s\n' "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$line" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		echo "fuzz $t: ${secs} s, ${execs:-?} executions, cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?}: ok"
	else
		echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions; see $log and $bin/crash-$t-*"
		status=1
	fi
done
exit $status
