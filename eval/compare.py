"""Two runs side by side: metric deltas, and the questions that went from right to wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .metrics import summarize

METRICS = (
    "answer_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_precision",
    "cites_evidence",
    "faithfulness",
    "grounded_numbers",
    "hit@5",
    "mrr",
    "ttft_p50_s",
    "total_p50_s",
)


@dataclass(frozen=True)
class Change:
    id: str
    question: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    metrics: list[tuple[str, float | None, float | None]]
    regressions: list[Change]  # right in A, wrong in B
    fixes: list[Change]  # wrong in A, right in B
    only_in_a: list[str]
    only_in_b: list[str]


def compare(a: Sequence[dict], b: Sequence[dict]) -> Comparison:
    sa, sb = summarize(a), summarize(b)
    metrics = [(m, sa.get(m), sb.get(m)) for m in METRICS if m in sa or m in sb]
    by_a = {r["id"]: r for r in a}
    by_b = {r["id"]: r for r in b}
    regressions: list[Change] = []
    fixes: list[Change] = []
    for qid in by_a.keys() & by_b.keys():
        ra, rb = by_a[qid], by_b[qid]
        if bool(ra["correct"]) == bool(rb["correct"]):
            continue
        change = Change(qid, str(rb["question"]), str(ra.get("answer", "")),
                        str(rb.get("answer", "")))  # fmt: skip
        (regressions if ra["correct"] else fixes).append(change)
    return Comparison(
        metrics,
        sorted(regressions, key=lambda c: c.id),
        sorted(fixes, key=lambda c: c.id),
        sorted(by_a.keys() - by_b.keys()),
        sorted(by_b.keys() - by_a.keys()),
    )
