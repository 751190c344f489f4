#!/usr/bin/env bash
# Builds the seed corpora of the XML, SOAP/RPC decode, HTTP request and ACS session fuzz targets from the shared corpus
# (read in place: ../../shared/corpus, or $CWMP_CORPUS). SOAP bodies of .http
# dumps are cut after the HTTP head (chunked bodies are seeded as they are).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${CWMP_CORPUS:-$here/../../shared/corpus}"
for target in xml_tokenize xml_chunked rpc_decode_cpe rpc_decode_acs; do
    dir="$here/corpus/$target"
    mkdir -p "$dir"
    find "$src/messages" -type f \( -name '*.xml' -o -name '*.http' \) | while read -r f; do
        name="$(basename "$f")"
        if [[ "$f" == *.http ]]; then
            # Body after the first blank line (CRLF or LF).
            python3 - "$f" > "$dir/$name" <<'PY'
import sys, re
raw = open(sys.argv[1], 'rb').read()
m = re.search(rb'\r?\n\r?\n', raw)
sys.stdout.buffer.write(raw[m.end():] if m else raw)
PY
        else
            cp "$f" "$dir/$name"
        fi
        if [[ "$target" == xml_chunked ]]; then
            # First byte: how many chunk-size bytes follow (3), then sizes 1, 7, 2.
            { printf '\x03\x00\x06\x01'; cat "$dir/$name"; } > "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name"
        fi
    done
done
echo "seeded: $(ls "$here/corpus/xml_tokenize" | wc -l) files per message target"

# The server-side HTTP request parser: a step byte (how the body is fed in
# pieces), then a whole HTTP request as dumped.
dir="$here/corpus/http_request"
mkdir -p "$dir"
find "$src/messages" -type f -name '*.http' | while read -r f; do
    { printf '\x07'; cat "$f"; } > "$dir/$(basename "$f")"
done
# The ACS session engine: a configuration byte (auth mode, version, TLS,
# queued RPCs, hold), then the CPE's requests of a recorded session in order.
dir="$here/corpus/acs_session"
mkdir -p "$dir"
for sim in "$src"/messages/simulator/*/; do
    for cfg in '\x00' '\x14' '\x25'; do
        { printf "$cfg"; cat "$sim"/*-cpe.http; } > "$dir/$(basename "$sim")-$(printf '%s' "$cfg" | tr -dc '0-9a-f')"
    done
done
echo "seeded: $(ls "$here/corpus/http_request" | wc -l) http_request, $(ls "$here/corpus/acs_session" | wc -l) acs_session"
