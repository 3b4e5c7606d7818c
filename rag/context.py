"""Context budgeting: give the LLM the answer-bearing sentences, not whole chunks.

On a 2-core CPU the prompt is processed at ~90-100 tokens/s, so every passage token is time to
first token. Each passage keeps its sentences (table rows count as sentences) that share the most
content morphemes with the question, in their original order, within a character budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from korean import split_sentences

_NUMBER = re.compile(r"\d")

Terms = Callable[[str], list[str]]


def trim_passage(question: str, text: str, budget: int, terms: Terms) -> str:
    """The best-matching sentences of `text` within `budget` characters, in document order."""
    if len(text) <= budget:
        return text
    sentences = split_sentences(text)
    wanted = set(terms(question))
    scored = []
    for i, s in enumerate(sentences):
        shared = wanted & set(terms(s))
        # numbers are what users ask for ("얼마", "언제"): a sentence with one gets a small edge
        score = len(shared) + (0.5 if _NUMBER.search(s) and shared else 0.0)
        scored.append((score, -i, i))
    keep: set[int] = set()
    used = 0
    for score, _, i in sorted(scored, reverse=True):
        if score <= 0 and keep:
            break
        cost = len(sentences[i]) + 1
        if used + cost > budget and keep:
            continue
        keep.add(i)
        used += cost
    return "\n".join(sentences[i] for i in sorted(keep))


def budget_passages(
    question: str, texts: Sequence[str], total_chars: int, terms: Terms
) -> list[str]:
    """Split `total_chars` over the passages, the best-ranked getting the largest share."""
    if total_chars <= 0 or not texts:
        return list(texts)
    weights = [1.0 / (rank + 1) for rank in range(len(texts))]
    scale = total_chars / sum(weights)
    return [
        trim_passage(question, t, max(120, int(w * scale)), terms)
        for t, w in zip(texts, weights, strict=True)
    ]
