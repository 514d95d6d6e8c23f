#!/bin/sh
# dormant bench: the fault matrix (tests/e2e/fault_matrix.test) many rounds
# over, and its table: fault kind x cloud, runs, exact scans, scans that
# ended as a scope error (exit 3), wrong disables (must be 0), faults the
# mocks injected. BENCH_FAULT_RUNS rounds (default 10).
table=$(mktemp "${TMPDIR:-/tmp}/dormant-faults.XXXXXX") || exit 1
trap 'rm -f "$table"' EXIT
DORMANT_FAULT_RUNS=${BENCH_FAULT_RUNS:-10} DORMANT_FAULT_TABLE=$table \
	$SHELL "$top_srcdir/tests/e2e/fault_matrix.test" >"$table.tap" 2>&1
rc=$?
grep -E '^not ok' "$table.tap"
rm -f "$table.tap"
# Columns: cloud kind round verdict faults wrong disabled restored
awk '
{
	k = $2 " " $1
	runs[k]++; faults[k] += $5; wrong[k] += $6
	if ($4 == "exact") exact[k]++
	else if ($4 == "error") err[k]++
	else if ($4 == "admins-unknown") unk[k]++
	else bad[k]++
	if (!(k in seen)) { seen[k] = 1; order[n++] = k }
}
END {
	printf "%-16s %-6s %5s %6s %7s %6s %6s %6s\n", "FAULT", "CLOUD", "RUNS",
	       "EXACT", "ADM-UNK", "ERROR", "WRONG", "WRONG-DISABLES"
	for (i = 0; i < n; i++) {
		k = order[i]; split(k, p, " ")
		printf "%-16s %-6s %5d %6d %7d %6d %6d %6d   (%d faults)\n", p[1], p[2],
		       runs[k], exact[k], unk[k], err[k], bad[k], wrong[k], faults[k]
	}
}' "$table" | sort
exit $rc
