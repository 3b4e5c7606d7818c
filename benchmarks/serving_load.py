"""Serving benchmark on the configured LLM: TTFT p50/p95, tokens/s and answers/min at
concurrency 1, 2 and 4, and the pipeline's end-to-end time against the raw LLM call on the
same prompt (pipeline overhead).

    python benchmarks/serving_load.py [--levels 1 2 4] [--requests 8]

Each measured call is preceded by an unrelated prompt, so llama.cpp's prefix cache (one slot)
favours neither side of the overhead comparison.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from answer_latency import QUESTIONS, pct  # same folder: run as a script

from axa_settings import Settings
from axa_wiring import chat_model, make_assistant, make_ingestor, open_store
from rag import build_messages
from rag.context import budget_passages
from rag.prompts import PromptPassage
from serving import BUNDLED_MODELS, ChatModel

FLUSH = [{"role": "user", "content": "캐시 비우기용 무관한 문장입니다. 한 단어로 답하세요."}]


def timed_stream(
    llm: ChatModel, messages: list[dict[str, str]], max_tokens: int
) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    first, pieces = None, 0
    for _ in llm.stream(messages, max_tokens=max_tokens, temperature=0.0):
        first = first or time.perf_counter()
        pieces += 1
    end = time.perf_counter()
    return (first or end) - t0, end - t0, pieces


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--requests", type=int, default=8)
    args = ap.parse_args()
    base = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        update: dict[str, object] = {"data_dir": Path(tmp)}
        if base.llm_model_path is None and base.llm_base_url is None:
            update["llm_model_path"] = base.models_dir / BUNDLED_MODELS[base.llm_model].filename
        settings = base.model_copy(update=update)
        store = open_store(settings)
        make_ingestor(settings, store).ingest([Path("examples/corpus")])
        with chat_model(settings) as llm:
            assistant = make_assistant(settings, store, llm)
            prompts = []
            for q in QUESTIONS:
                hits = assistant.retrieve(q).hits
                texts = budget_passages(
                    q, [h.text for h in hits], settings.context_chars, store.sparse.terms
                )
                pairs = enumerate(zip(hits, texts, strict=True), 1)
                passages = [PromptPassage(i, h.file, h.location, t) for i, (h, t) in pairs]
                prompts.append(build_messages(q, passages, today="2026-11-22"))
            timed_stream(llm, prompts[0], 8)  # warm-up: weights paged in, system prompt cached
            print(f"model={settings.llm_model} threads={settings.llm_threads} "
                  f"context_chars={settings.context_chars}")  # fmt: skip
            print(f"{'conc':>4} {'TTFT p50':>9} {'TTFT p95':>9} {'tok/s':>7} {'answers/min':>12}")
            for level in args.levels:
                jobs = [prompts[i % len(prompts)] for i in range(args.requests)]
                t0 = time.perf_counter()
                with ThreadPoolExecutor(level) as pool:
                    results = list(
                        pool.map(lambda m: timed_stream(llm, m, settings.llm_max_tokens), jobs)
                    )
                wall = time.perf_counter() - t0
                ttfts = [r[0] for r in results]
                tokens = sum(r[2] for r in results)
                print(f"{level:4d} {statistics.median(ttfts):9.2f} {pct(ttfts, 0.95):9.2f} "
                      f"{tokens / wall:7.1f} {60 * len(results) / wall:12.1f}")  # fmt: skip
            raw, full = [], []
            for q, messages in zip(QUESTIONS, prompts, strict=True):
                timed_stream(llm, FLUSH, 4)
                raw.append(timed_stream(llm, messages, settings.llm_max_tokens)[1])
                timed_stream(llm, FLUSH, 4)
                t0 = time.perf_counter()
                assistant.ask(q)
                full.append(time.perf_counter() - t0)
        store.close()
    r, f = statistics.median(raw), statistics.median(full)
    print(f"pipeline end to end p50 {f:.2f}s vs raw LLM call on the same prompt p50 {r:.2f}s: "
          f"ratio {f / r:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
