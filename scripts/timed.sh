#!/usr/bin/env bash
# Runs a stage of `make test` and reports its wall time.
set -uo pipefail
name="$1"; shift
start=$(date +%s)
echo "=== $name ==="
"$@"; rc=$?
echo "=== $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) in $(( $(date +%s) - start )) s ==="
exit $rc
