#!/usr/bin/env bash
# Builds the seed corpora of the XML and SOAP/RPC decode fuzz targets from the shared corpus
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
