#!/bin/sh
# Builds every variant of the probe and prints its flash use (text = code +
# rodata; there is no data or bss). Run from this directory.
set -e
for v in none root gateway gwdiag full tr098; do
    cargo build -q --release --target thumbv7em-none-eabihf --features "$v"
    dir="${CARGO_TARGET_DIR:-target}/thumbv7em-none-eabihf/release"
    printf '%-8s ' "$v"
    size -A "$dir/cwmp-schema-flashprobe" | awk '/^\.rodata/ {r=$2} /^\.text/ {t=$2} END {printf "code %6d  tables %7d  total %7d bytes\n", t, r, t + r}'
done
