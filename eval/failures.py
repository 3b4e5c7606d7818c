"""Why an answer was scored wrong, by class, so a run says what to work on next:

- retrieval miss: the evidence page is not among the 10 passages retrieved;
- refused with evidence: a refusal although the passages given hold the reference's facts
  (or the evidence page was given);
- answered the unanswerable: a question with no answer got one;
- invented item: the answer shows a number or item the passages do not hold (`evidence.py`);
- arithmetic: the question asks for a sum, difference or ratio and the result is not there;
- wrong cell: the answer states facts of the right kind, not the reference's;
- partial: some of the reference's facts or words, not enough;
- other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

CLASSES = (
    "retrieval miss",
    "refused with evidence",
    "answered the unanswerable",
    "invented item",
    "arithmetic",
    "wrong cell",
    "partial",
    "other",
)
_ARITHMETIC = re.compile(
    r"합치|합하|합산|합계|더하면|차이|얼마나\s*(?:더\s*)?(?:많|적|늘|줄)|몇\s*배"
)


def failure_class(row: dict[str, Any]) -> str | None:
    """The class of a wrong answer (None for a right one)."""
    if row.get("correct"):
        return None
    if row.get("unanswerable"):
        return "answered the unanswerable"
    if row.get("evidence") and row.get("rank") is None and not row.get("refused"):
        return "retrieval miss"
    if row.get("refused"):
        if row.get("evidence_given") or row.get("reference_facts_given"):
            return "refused with evidence"
        return "retrieval miss" if row.get("rank") is None else "refused with evidence"
    if row.get("invented"):
        return "invented item"
    if _ARITHMETIC.search(str(row.get("question", ""))):
        return "arithmetic"
    recall = row.get("fact_recall")
    if recall is not None:
        return "wrong cell" if recall == 0 else "partial"
    return "partial" if (row.get("term_recall") or 0) >= 0.2 else "other"


def by_class(rows: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Class -> the ids of the questions in it, classes in the order above."""
    out: dict[str, list[str]] = {c: [] for c in CLASSES}
    for r in rows:
        if (cls := failure_class(r)) is not None:
            out[cls].append(str(r.get("id")))
    return {c: ids for c, ids in out.items() if ids}


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    found = Counter(c for r in rows if (c := failure_class(r)) is not None)
    return {c: found[c] for c in CLASSES if found[c]}
