"""Time-to-first-token and total answer time for Korean questions on the configured LLM.

    python benchmarks/answer_latency.py [--corpus examples/corpus] [--repeat 1]

Ingests the corpus into a temporary data dir, starts (or reuses, via AXA_LLM_BASE_URL) the LLM
server, asks each question, and prints one row per question plus p50/p95. It also times the
raw LLM call on the same prompt, so the pipeline's own overhead shows as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axa_settings import Settings
from axa_wiring import chat_model, local_model_path, make_assistant, make_ingestor, open_store
from rag import build_messages
from rag.prompts import PromptPassage
from search import Store

QUESTIONS = [
    "대구시 AI 대전환 사업의 총 예산은?",
    "울산 AI 대전환 사업의 주관기관은 어디인가요?",
    "지역 주도형 AI 대전환 사업 공모의 신청 마감일은 언제인가요?",
    "대구 AI 혁신센터는 어디에 들어서나요?",
    "울산시는 AI 솔루션 도입 지원을 몇 건 목표로 하나요?",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


@contextmanager
def corpus_in_scratch(corpus: Path) -> Iterator[tuple[Settings, Store]]:
    """Settings over a temporary data dir (the operator's index untouched) with `corpus`
    ingested into it; the embedded server's model is the one the operator's settings name."""
    base = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"data_dir": Path(tmp)})
        if base.llm_model_path is None and base.llm_base_url is None:
            settings = settings.model_copy(update={"llm_model_path": local_model_path(base)})
        store = open_store(settings)
        try:
            make_ingestor(settings, store).ingest([corpus])
            yield settings, store
        finally:
            store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("examples/corpus"))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with corpus_in_scratch(args.corpus) as (settings, store):
        with chat_model(settings) as llm:
            assistant = make_assistant(settings, store, llm)
            assistant.ask("워밍업 질문: 대구 예산")  # load weights, cache the system prompt
            rows = []
            for _ in range(args.repeat):
                for q in QUESTIONS:
                    ans = assistant.ask(q)
                    hits = assistant.retrieve(q).hits
                    msgs = build_messages(
                        q,
                        [
                            PromptPassage(i, h.file, h.location, h.text)
                            for i, h in enumerate(hits, 1)
                        ],
                        today="2026-11-22",
                    )
                    t0 = time.perf_counter()
                    for _ in llm.stream(msgs, max_tokens=settings.llm_max_tokens, temperature=0):
                        pass
                    raw = time.perf_counter() - t0
                    rows.append(
                        (
                            q,
                            ans.timings.get("ttft_s", 0.0),
                            ans.timings.get("total_s", 0.0),
                            raw,
                            ans.answer,
                        )
                    )
    print(f"model={settings.llm_model} top_k={settings.top_k} threads={settings.llm_threads}")
    print(f"{'ttft_s':>7} {'total_s':>8}  question / answer")
    for q, ttft, total, _raw, answer in rows:
        print(f"{ttft:7.2f} {total:8.2f}  {q} -> {answer[:60]}")
    ttfts = [r[1] for r in rows]
    totals = [r[2] for r in rows]
    print(f"TTFT  p50 {statistics.median(ttfts):.2f}s  p95 {pct(ttfts, 0.95):.2f}s")
    print(f"total p50 {statistics.median(totals):.2f}s  p95 {pct(totals, 0.95):.2f}s")
    # the raw call repeats the exact prompt, so llama.cpp's prefix cache makes it a lower bound
    raw = statistics.median(r[3] for r in rows)
    print(f"raw LLM call on the same prompt (prefix-cached) p50 {raw:.2f}s")


if __name__ == "__main__":
    main()
