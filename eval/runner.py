"""Run QA items through the real pipeline and score each answer as it comes.

Rows are appended to `results.jsonl` one by one, so an interrupted run keeps what it did.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from korean import fact_recall
from rag import Assistant
from serving import ServingError

from .evidence import invented_numbers, unquoted_items
from .judge import Judge
from .metrics import (
    citation_precision,
    correctness,
    evidence_rank,
    faithfulness,
    matches,
)
from .qa import QAItem

log = logging.getLogger(__name__)
RETRIEVAL_K = 10  # the depth hit@k and MRR are measured at

Progress = Callable[[int, int, dict[str, object]], None]


def score_item(item: QAItem, assistant: Assistant, judge: Judge | None = None) -> dict[str, object]:
    terms = assistant.retriever.sparse.terms
    retrieval = assistant.retrieve(item.question, k=RETRIEVAL_K)
    ranked = [(h.file, h.page) for h in retrieval.hits]
    row: dict[str, object] = {
        "id": item.id,
        "type": item.type,
        "split": item.split,
        "question": item.question,
        "reference": item.reference,
        "unanswerable": item.unanswerable,
        "evidence": [[e.file, e.page] for e in item.evidence],
        "retrieved": ranked,
        "rank": evidence_rank(item, ranked),
    }
    try:
        stream = assistant.stream(item.question)
        for _ in stream:
            pass
        ans = stream.result
        assert ans is not None
    except ServingError as exc:  # the row says so; the run goes on
        log.error("LLM failed on %s: %s", item.id, exc)
        row.update(answer="", refused=False, error=str(exc), correct=False, sources=[])
        return row
    # the passages the answer's [n] refer to: a notice card routed in front of the hits is [1]
    given = [p.text for p in stream.found] or [
        h.text for h in retrieval.hits[: assistant.settings.top_k]
    ]
    by_ref = {s.ref: s.text for s in ans.sources}
    verdict = correctness(item, ans.answer, ans.refused, terms)
    cites_evidence = None
    if item.evidence and not ans.refused:
        cites_evidence = any(matches(e, s.file, s.page) for e in item.evidence for s in ans.sources)
    given_sources = stream.found
    evidence_given = bool(item.evidence) and any(
        matches(e, s.file, s.page) for e in item.evidence for s in given_sources
    )
    facts_given, _ = fact_recall(item.reference, "\n".join(given)) if item.reference else (None, [])
    numbers = [] if ans.refused else invented_numbers(ans.answer, given, item.question)
    items = [] if ans.refused else unquoted_items(ans.answer, given, item.question)
    row.update(
        answer=ans.answer,
        refused=ans.refused,
        sources=[
            {"ref": s.ref, "file": s.file, "page": s.page, "location": s.location}
            for s in ans.sources
        ],
        correct=verdict.correct,
        fact_recall=verdict.fact_recall,
        term_recall=verdict.term_recall,
        missing=verdict.missing,
        citation_precision=None if ans.refused else citation_precision(ans.answer, by_ref, terms),
        cites_evidence=cites_evidence,
        faithfulness=None if ans.refused else faithfulness(ans.answer, given, terms),
        grounded_numbers=None if ans.refused else not numbers,
        invented=None if ans.refused else bool(numbers or items),
        invented_what=(numbers + items) or None,
        evidence_given=evidence_given,
        reference_facts_given=facts_given is not None and facts_given >= 0.5,
        guard_checks=ans.checks or None,
        ttft_s=ans.timings.get("ttft_s"),
        total_s=ans.timings.get("total_s"),
        prompt_version=ans.prompt_version,
        given=given,
    )
    if judge is not None:
        v = judge(item.question, "" if item.unanswerable else item.reference, ans.answer)
        row.update(judge_correct=v.correct, judge_reason=v.reason)
    return row


def evaluate(
    items: Iterable[QAItem],
    assistant: Assistant,
    results_path: Path,
    *,
    judge: Judge | None = None,
    progress: Progress | None = None,
) -> list[dict[str, object]]:
    items = list(items)
    rows = []
    with results_path.open("w", encoding="utf-8") as f:
        for i, item in enumerate(items, 1):
            row = score_item(item, assistant, judge)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            rows.append(row)
            if progress:
                progress(i, len(items), row)
    return rows


def read_results(path: Path) -> list[dict[str, object]]:
    """`results.jsonl`, or a run folder holding one."""
    if path.is_dir():
        path = path / "results.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def check_gate(summary: dict[str, object], gate: dict[str, float]) -> list[str]:
    """Failed thresholds as readable lines; empty when the run passes."""
    failed = []
    for metric, minimum in gate.items():
        value = summary.get(metric)
        if not isinstance(value, int | float) or value < minimum:
            failed.append(f"{metric} = {value} < {minimum}")
    return failed
