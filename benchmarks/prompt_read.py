"""How fast the embedded llama.cpp runtime reads a prompt: the bound on time to first token.

    python benchmarks/prompt_read.py [--tokens 720] [--repeat 3] [--model PATH]

An answer's first token waits for the model to read the selection prompt (about 720 tokens of
numbered statements on gongo), so the prompt-read rate decides it on a CPU. This loads the
model twice through llama.cpp's C API: with plain CPU kernels (the baseline) and with the extra
weight layouts the build carries (llama.cpp's runtime repack, when it is built in), reads the
same Korean prompt with each, writes 48 tokens one by one, and prints tokens/s and the ratios.
The chat server turns the repack off for its model (`serving/llama_server.py`) since this
measured it at 0.57-0.66x the plain prompt read on 2 AVX-512 cores; the build keeps it for e5's
Q4_0 weights, which embed at 1.5x with it (benchmarks/embedders.py). On a build without the
repack both rows read at the same pace.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import llama_cpp

from axa_settings import Settings
from axa_wiring import local_model_path

WRITTEN = 48  # tokens written one by one after the prompt: the answer's pace


def korean_prompt(n_tokens: int, vocab: object) -> list[int]:
    files = sorted(Path("examples/corpus").glob("*.md"))
    raw = "\n".join(p.read_text(encoding="utf-8") for p in files).encode()
    buf = (llama_cpp.llama_token * (len(raw) + 16))()
    n = llama_cpp.llama_tokenize(vocab, raw, len(raw), buf, len(buf), True, False)
    if n < n_tokens:
        raise SystemExit(f"examples/corpus holds {n} tokens, fewer than --tokens {n_tokens}")
    return list(buf[:n_tokens])


def _decode(ctx: object, tokens: list[int]) -> None:
    for at in range(0, len(tokens), 512):
        chunk = tokens[at : at + 512]
        arr = (llama_cpp.llama_token * len(chunk))(*chunk)
        if llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(arr, len(chunk))) != 0:
            raise SystemExit("llama_decode failed")


def rates(
    model_path: Path, tokens_n: int, repeat: int, threads: int, extra: bool
) -> tuple[float, float]:
    """(prompt tokens read per second, tokens written per second), medians of `repeat`."""
    mparams = llama_cpp.llama_model_default_params()
    mparams.use_extra_bufts = extra
    model = llama_cpp.llama_model_load_from_file(str(model_path).encode(), mparams)
    if not model:
        raise SystemExit(f"could not load {model_path}")
    cparams = llama_cpp.llama_context_default_params()
    cparams.n_ctx = 4096
    cparams.n_batch = 512
    cparams.n_ubatch = 512
    cparams.n_threads = threads
    cparams.n_threads_batch = threads
    cparams.flash_attn_type = 1  # on, as serving/llamacpp.py starts the server
    ctx = llama_cpp.llama_init_from_model(model, cparams)
    tokens = korean_prompt(tokens_n, llama_cpp.llama_model_get_vocab(model))
    read, write = [], []
    for i in range(repeat + 1):  # the first round warms caches and is not counted
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
        start = time.perf_counter()
        _decode(ctx, tokens)
        mid = time.perf_counter()
        for t in tokens[:WRITTEN]:  # one token at a time, as an answer is written
            _decode(ctx, [t])
        end = time.perf_counter()
        if i:
            read.append(len(tokens) / (mid - start))
            write.append(WRITTEN / (end - mid))
    llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)
    return statistics.median(read), statistics.median(write)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tokens", type=int, default=720)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None)
    args = ap.parse_args()
    settings = Settings()
    path = args.model or local_model_path(settings)
    llama_cpp.llama_backend_init()
    info = llama_cpp.llama_print_system_info().decode()
    threads = settings.llm_threads
    plain, plain_w = rates(path, args.tokens, args.repeat, threads, extra=False)
    extra, extra_w = rates(path, args.tokens, args.repeat, threads, extra=True)
    print(
        f"model: {path.name}; {args.tokens} prompt tokens, {threads} threads, "
        f"median of {args.repeat}"
    )
    print(f"build: {info.strip()}")
    print(f"plain kernels:       {plain:7.1f} tokens/s  {args.tokens / plain:5.2f} s")
    print(
        f"extra weight layout: {extra:7.1f} tokens/s  {args.tokens / extra:5.2f} s  "
        f"({extra / plain:.2f}x the plain kernels)"
    )
    print(f"writing, plain:      {plain_w:7.1f} tokens/s")
    print(f"writing, extra:      {extra_w:7.1f} tokens/s  ({extra_w / plain_w:.2f}x)")


if __name__ == "__main__":
    main()
