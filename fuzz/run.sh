#!/usr/bin/env bash
# Runs every fuzz target listed in fuzz/Cargo.toml for SECONDS each (default
# 60) and prints how many executions each ran without a finding.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); uses the nightly toolchain
# when installed, else `cargo +stable fuzz run -s none` (no sanitizer).
set -uo pipefail
secs="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
bash "$here/seed.sh"
if rustup toolchain list 2>/dev/null | grep -q nightly; then
    run=(cargo +nightly fuzz run)
else
    run=(cargo +stable fuzz run -s none)
fi
targets=$(grep -A1 '^\[\[bin\]\]' Cargo.toml | sed -n 's/^name = "\(.*\)"/\1/p')
status=0
for t in $targets; do
    mkdir -p "corpus/$t"
    log="$(mktemp)"
    "${run[@]}" "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    if [ $rc -eq 0 ]; then
        echo "$t: ${execs:-?} executions in ${secs}s, no finding"
    else
        echo "$t: FINDING or build failure (rc $rc), see below"; tail -30 "$log"; status=1
    fi
    rm -f "$log"
done
exit $status
