#!/bin/sh
# Run every cmocka test binary in DIR, show its output, and close with one
# line "LABEL: N passed, N failed, N skipped" (the counts are cmocka's).
# Exit 1 if any test failed or a binary crashed.
dir=$1
label=${2:-tests}
passed=0 failed=0 skipped=0 bad=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d) continue ;; esac
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "$t: exited with status $rc"
		bad=$((bad + 1))
		failed=$((failed + 1))
	fi
done
echo "$label: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] && [ $bad -eq 0 ]
