#!/bin/sh
# Run every cmocka test program in DIR, TEST_JOBS at a time (default: the
# number of cores, at least 2), the slow ones first, and beside them, in a
# lane of their own, the programs that mostly wait (see $waiting). Each
# program's output is shown whole when it ends,
# with its wall time; then one line "LABEL: N passed, N failed, N skipped"
# (the counts are cmocka's) and the names of the programs that failed.
# Exit 1 if any test failed or a program crashed.
#
#   sh tests/run.sh DIR [LABEL]
#
# The programs are independent: each works in temporary folders of its own
# (the model cache they may share is written file by file, atomically).
if [ "$1" = --one ]; then
	# one program: OUT/NAME.out, OUT/NAME.rc, OUT/NAME.time; then its
	# output on stdout, whole (the lock keeps two programs' apart)
	out=$2 t=$3
	n=${t##*/}
	s=$(date +%s.%N)
	"$t" >"$out/$n.out" 2>&1
	echo $? >"$out/$n.rc"
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f\n", e - s }' \
		>"$out/$n.time"
	show() {
		cat "$out/$n.out"
		echo "-- $n: $(cat "$out/$n.time") s, exit $(cat "$out/$n.rc")"
	}
	if command -v flock >/dev/null 2>&1; then
		(flock 9 && show) 9>"$out/.lock"
	else
		show
	fi
	exit 0
fi

dir=$1
label=${2:-tests}
cores=$(nproc 2>/dev/null || echo 2)
[ "$cores" -ge 2 ] 2>/dev/null || cores=2
jobs=${TEST_JOBS:-$cores}
out=$(mktemp -d "${TMPDIR:-/tmp}/vigil-run-XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

# The live Prometheus test mostly waits (for Prometheus to start scraping,
# for an alert to open and resolve at one scrape a second: 70 s, of which
# some 3 s of CPU): it runs in a lane of its own beside the TEST_JOBS
# lanes, which it would otherwise hold for its 70 s while the others did
# all the rest. The slowest first in those lanes (as measured, see the
# README's Tests section: the tmux tests), so that they finish about
# together; then the rest by name.
waiting="test_live_prom"
slow="test_ui_tmux test_ui_workbench test_ui_tour test_ui_provisional
test_watch_am test_data_fastfloat test_watch_csv test_ui_journal
test_data_csv_stream test_follow_tmux"
wlist=
for n in $waiting; do
	[ -x "$dir/$n" ] && wlist="$wlist $dir/$n"
done
list=
for n in $slow; do
	[ -x "$dir/$n" ] && list="$list $dir/$n"
done
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d) continue ;; esac
	case " $(echo $slow $waiting) " in *" ${t##*/} "*) continue ;; esac
	list="$list $t"
done

if [ -n "$wlist" ]; then
	printf '%s\n' $wlist | xargs -n 1 sh "$0" --one "$out" &
fi
printf '%s\n' $list | xargs -P "$jobs" -n 1 sh "$0" --one "$out"
wait
list="$wlist $list"

passed=0 failed=0 skipped=0 bad=""
for t in $list; do
	n=${t##*/}
	if [ ! -f "$out/$n.rc" ]; then
		echo "$n: did not run"
		failed=$((failed + 1))
		bad="$bad $n"
		continue
	fi
	rc=$(cat "$out/$n.rc")
	o=$out/$n.out
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$o" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$o" | tail -n 1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$o" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ "${f:-0}" -gt 0 ]; then
		bad="$bad $n"
	elif [ "$rc" -ne 0 ]; then
		echo "$n: exited with status $rc"
		failed=$((failed + 1))
		bad="$bad $n"
	fi
done
echo "$label: $passed passed, $failed failed, $skipped skipped"
[ -z "$bad" ] || echo "$label: failed:$bad"
[ -z "$bad" ]
