"""One evaluation run, top to bottom: index the suite's corpus into its own store, answer and
score every question, write results.jsonl, summary.json and report.html, check the gate."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from axa_settings import Settings
from axa_wiring import answer_settings, make_assistant, make_ingestor, open_store
from rag import PROMPT_VERSION
from search import Embedder
from serving import ChatModel

from .corpus import failures, index_corpus
from .judge import Judge
from .metrics import summarize
from .qa import QAItem
from .report import write_report
from .runner import Progress, check_gate, evaluate


@dataclass(frozen=True)
class RunResult:
    summary: dict
    rows: list[dict]
    gate_failed: list[str]
    report: Path
    ingest_failures: list[str]


def suite_settings(settings: Settings, name: str) -> Settings:
    """A suite's corpus lives in its own embedded index under data/eval/<name>, never in the
    published one; the LLM settings stay the operator's."""
    return settings.model_copy(
        update={"data_dir": settings.data_dir / "eval" / name, "qdrant_url": None}
    )


def run_eval(
    settings: Settings,
    name: str,
    items: list[QAItem],
    corpus: Path,
    out_dir: Path,
    llm: ChatModel,
    *,
    gate: dict[str, float] | None = None,
    judge: Judge | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    looked_at: str = "",
) -> RunResult:
    """`looked_at`: how many of the questions were read while developing (the report says)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    local = suite_settings(settings, name)
    local.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(local, embedder=embedder)
    try:
        ingestor = make_ingestor(local, store)
        try:
            t0 = time.perf_counter()
            report = index_corpus(ingestor, corpus)
            ingest_s = time.perf_counter() - t0
        finally:
            ingestor.manifest.close()
        assistant = make_assistant(local, store, llm)
        floor = answer_settings(local, store.embedder).min_dense_score
        embedder_name = store.embedder.name
        t0 = time.perf_counter()
        rows = evaluate(items, assistant, out_dir / "results.jsonl", judge=judge,
                        progress=progress)  # fmt: skip
        eval_s = time.perf_counter() - t0
    finally:
        store.close()
    summary = summarize(rows)
    gate_failed = check_gate(summary, gate or {})
    meta: dict[str, object] = {
        "suite": name,
        "date": datetime.now().isoformat(timespec="seconds"),
        "prompt_version": PROMPT_VERSION,
        "llm_model": settings.llm_model,
        "llm_base_url": settings.llm_base_url or "embedded llama.cpp",
        "embedder": embedder_name,
        "top_k": settings.top_k,
        "context_chars": settings.context_chars,
        "rule_look": settings.rule_look,
        "answer_mode": settings.answer_mode,
        "looked_at": looked_at or "not stated",
        "sub_questions": settings.sub_questions,
        "fusion": settings.fusion,
        "fusion_dense_alpha": settings.fusion_dense_alpha,
        "min_dense_score": floor,
        "min_term_coverage": settings.min_term_coverage,
        "corpus": str(corpus),
        "corpus_chunks_written": report.chunks_written,
        "ingest_s": round(ingest_s, 1),
        "eval_s": round(eval_s, 1),
        "judge": judge.version if judge else None,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "gate": gate or None,
        "gate_failed": gate_failed,
    }
    (out_dir / "summary.json").write_text(
        json.dumps({"summary": summary, "meta": meta}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    path = write_report(out_dir, summary, rows, meta)
    return RunResult(summary, rows, gate_failed, path, failures(report))
