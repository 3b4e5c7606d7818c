"""Per-question scores and their aggregates. Offline and lexical on purpose: no judge model
needed to gate CI. What it misses is written next to each metric."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from korean import ANSWER_SENTENCE_END, CITATION, extract_facts, fact_recall

from .failures import counts
from .qa import Evidence, QAItem

Terms = Callable[[str], list[str]]
SUPPORT = 0.5  # share of a sentence's content morphemes a passage must hold to "support" it
CORRECT = 0.5  # fact recall (or, without facts, morpheme recall) needed to count as correct


def _norm_stem(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name[-6:] else name
    return re.sub(r"[\s+_]+", " ", unicodedata.normalize("NFC", stem)).strip().lower()


def matches(evidence: Evidence, file: str, page: int) -> bool:
    """Same document (by name without extension: the sets cite .txt for our .pdf), and the
    same page when the evidence names one."""
    if _norm_stem(evidence.file) != _norm_stem(file):
        return False
    return evidence.page is None or evidence.page == page


def evidence_rank(item: QAItem, ranked: Sequence[tuple[str, int]]) -> int | None:
    """1-based rank of the first retrieved (file, page) matching any evidence, else None."""
    for rank, (file, page) in enumerate(ranked, 1):
        if any(matches(e, file, page) for e in item.evidence):
            return rank
    return None


def term_recall(reference: str, answer: str, terms: Terms, question: str = "") -> float:
    """Share of the reference's content morphemes in the answer, not counting those the
    question already holds: an answer that only echoes the question scores nothing."""
    ref = set(terms(reference))
    new = ref - set(terms(question))
    ref = new or ref
    if not ref:
        return 0.0
    return len(ref & set(terms(answer))) / len(ref)


@dataclass(frozen=True)
class Correctness:
    correct: bool
    fact_recall: float | None
    term_recall: float
    missing: list[str]


def correctness(item: QAItem, answer: str, refused: bool, terms: Terms) -> Correctness:
    """Unanswerable: correct iff refused. Answerable: key facts (numbers, dates, amounts
    normalised) of the reference found in the answer; without facts, content-morpheme recall.
    Misses: a right fact stated in a wrong sentence, paraphrases with other words (use the
    LLM judge for those)."""
    if item.unanswerable:
        return Correctness(refused, None, 0.0, [])
    if refused:
        return Correctness(False, 0.0, 0.0, ["(거절)"])
    recall, missing = fact_recall(item.reference, answer)
    must = [f for f in item.facts if f not in answer]
    t_recall = term_recall(item.reference, answer, terms, item.question)
    score = recall if recall is not None else t_recall
    return Correctness(score >= CORRECT and not must, recall, round(t_recall, 3), missing + must)


def supported(sentence: str, passage: str, terms: Terms) -> bool:
    """Half the sentence's content morphemes are in the passage and every number is."""
    sentence = CITATION.sub("", sentence)
    want = set(terms(sentence))
    if not want:
        return True
    have = set(terms(passage))
    numbers_ok = {f.value for f in extract_facts(sentence)} <= {
        f.value for f in extract_facts(passage)
    }
    return numbers_ok and len(want & have) / len(want) >= SUPPORT


def citation_precision(answer: str, passages: dict[int, str], terms: Terms) -> float | None:
    """Of all (sentence, [n]) pairs, the share whose passage n supports the sentence.
    None when the answer cites nothing. Misses: support spread over two passages."""
    pairs: list[bool] = []
    for sentence in ANSWER_SENTENCE_END.split(answer):
        for n in {int(m) for m in CITATION.findall(sentence)}:
            pairs.append(n in passages and supported(sentence, passages[n], terms))
    return sum(pairs) / len(pairs) if pairs else None


def faithfulness(answer: str, passages: Sequence[str], terms: Terms) -> float | None:
    """Share of answer sentences supported by the retrieved text taken together. Lexical:
    a negation or a swapped subject with the same words passes; use the judge for those."""
    joined = "\n".join(passages)
    sentences = [s for s in ANSWER_SENTENCE_END.split(answer) if terms(CITATION.sub("", s))]
    if not sentences:
        return None
    return sum(supported(s, joined, terms) for s in sentences) / len(sentences)


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def summarize(rows: Sequence[dict[str, Any]], ks: Sequence[int] = (1, 3, 5, 10)) -> dict:
    """Overall figures from `results.jsonl` rows (the same dicts the runner writes)."""
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    with_evidence = [r for r in answerable if r.get("evidence")]
    out: dict[str, object] = {"questions": len(rows), "answerable": len(answerable),
                              "unanswerable": len(unanswerable)}  # fmt: skip
    if with_evidence:
        for k in ks:
            out[f"hit@{k}"] = mean([float(r["rank"] is not None and r["rank"] <= k)
                                    for r in with_evidence])  # fmt: skip
        out["mrr"] = mean([1 / r["rank"] if r["rank"] else 0.0 for r in with_evidence])
    out["accuracy"] = mean([float(bool(r["correct"])) for r in rows])
    out["answer_accuracy"] = mean([float(bool(r["correct"])) for r in answerable])
    out["citation_precision"] = mean([r.get("citation_precision") for r in answerable])
    out["cites_evidence"] = mean(
        [float(r["cites_evidence"]) for r in answerable if r.get("cites_evidence") is not None]
    )
    out["faithfulness"] = mean([r.get("faithfulness") for r in answerable])
    out["grounded_numbers"] = mean(
        [float(r["grounded_numbers"]) for r in rows if r.get("grounded_numbers") is not None]
    )
    out["invented_rate"] = mean(
        [float(r["invented"]) for r in rows if r.get("invented") is not None]
    )
    out["invented_answers"] = sum(1 for r in rows if r.get("invented"))
    out["refusal_accuracy"] = mean([float(bool(r["refused"])) for r in unanswerable])
    out["false_refusal_rate"] = mean([float(bool(r["refused"])) for r in answerable])
    if any(r.get("judge_correct") is not None for r in rows):
        out["judge_accuracy"] = mean(
            [float(r["judge_correct"]) for r in rows if r.get("judge_correct") is not None]
        )
    ttft = [float(r["ttft_s"]) for r in rows if r.get("ttft_s") is not None]
    total = [float(r["total_s"]) for r in rows if r.get("total_s") is not None]
    for name, vals in (("ttft", ttft), ("total", total)):
        out[f"{name}_p50_s"] = percentile(vals, 0.5)
        out[f"{name}_p95_s"] = percentile(vals, 0.95)
    by_type: dict[str, list[float]] = {}
    for r in rows:
        by_type.setdefault(str(r.get("type") or "normal"), []).append(float(bool(r["correct"])))
    out["accuracy_by_type"] = {t: sum(v) / len(v) for t, v in sorted(by_type.items())}
    splits = sorted({str(r.get("split")) for r in rows if r.get("split")})
    if splits:
        out["by_split"] = {s: _split_summary([r for r in rows if r.get("split") == s])
                           for s in splits}  # fmt: skip
    out["failures_by_class"] = counts(rows)
    return out


def _split_summary(rows: Sequence[dict[str, Any]]) -> dict[str, object]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    return {
        "questions": len(rows),
        "answer_accuracy": mean([float(bool(r["correct"])) for r in answerable]),
        "false_refusal_rate": mean([float(bool(r["refused"])) for r in answerable]),
        "refusal_accuracy": mean([float(bool(r["refused"])) for r in unanswerable]),
        "refused_unanswerable": f"{sum(bool(r['refused']) for r in unanswerable)}"
        f"/{len(unanswerable)}",
    }
