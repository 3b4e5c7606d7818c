#!/usr/bin/env bash
# Set up everything, index the bundled sample corpus, and open the chat on http://127.0.0.1:7860
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/axa-ingest examples/corpus || echo "[run] some files failed to index (see the table above)" >&2
exec .venv/bin/axa-chat "$@"
