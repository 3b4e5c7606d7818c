#!/usr/bin/env bash
# Set up (idempotent), lint, type-check, and run the whole test suite with the real small LLM.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # the packages, per [tool.mypy] in pyproject.toml
exec .venv/bin/python -m pytest -ra "$@"
