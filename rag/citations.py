"""Citations: read the [n] markers an answer carries, and add them where a small model forgot.

Small local models often answer correctly but drop the [n] markers the prompt asks for. A
reader must still be able to check the page, so sentences without a marker are attributed to
the passage that shares most content morphemes with them (numbers count double: they are
what users act on).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from korean import ANSWER_SENTENCE_END, BARE_ITEM_MARK, CITATION

_TRAILING_PUNCT = re.compile(r"([.!?。]*)$")
_NUMBER = re.compile(r"\d")

Terms = Callable[[str], list[str]]


def cited_refs(answer: str, n_passages: int) -> list[int]:
    """Passage numbers cited in the answer, in order of first citation, valid ones only."""
    refs: list[int] = []
    for m in CITATION.finditer(answer):
        n = int(m.group(1))
        if 1 <= n <= n_passages and n not in refs:
            refs.append(n)
    return refs


def best_passage(sentence: str, passages: Sequence[str], terms: Terms) -> int | None:
    """1-based number of the passage that best supports `sentence`, or None if none does."""
    wanted = set(terms(sentence))
    if not wanted:
        return None
    best, best_score = None, 0.0
    for i, text in enumerate(passages, start=1):
        shared = wanted & set(terms(text))
        score = sum(2.0 if _NUMBER.search(t) else 1.0 for t in shared)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 2.0 else None


def best_supporting(sentence: str, passages: Sequence[str], terms: Terms) -> int | None:
    """1-based number of the passage that supports `sentence` (all its numbers, half its
    words) with the most shared words; None if none does. The passage sharing the most words
    may lack the sentence's date, which another one holds."""
    wanted = set(terms(sentence))
    scored = [
        (sum(2.0 if _NUMBER.search(t) else 1.0 for t in wanted & set(terms(text))), -i, i)
        for i, text in enumerate(passages, start=1)
        if supports(sentence, text, terms)
    ]
    return max(scored)[2] if scored else None


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def supports(sentence: str, passage: str, terms: Terms, share: float = 0.5) -> bool:
    """The passage holds at least `share` of the sentence's content morphemes, and every
    number the sentence states. Lexical: a negated sentence with the same words passes."""
    sentence = CITATION.sub("", sentence)
    want = set(terms(sentence))
    if not want:
        return True
    numbers = {d.replace(",", "") for d in _DIGITS.findall(sentence)}
    have_numbers = {d.replace(",", "") for d in _DIGITS.findall(passage)}
    if not numbers <= have_numbers:
        return False
    return len(want & set(terms(passage))) / len(want) >= share


def fix_citations(answer: str, passages: Sequence[str], terms: Terms) -> str:
    """Re-point a [n] whose passage does not support its sentence to the one that does.

    Measured on the smoke suite: the 1.5B model cites the wrong passage number in about
    half of its correct answers; the page a reader opens must hold what the sentence says.
    """
    out: list[str] = []
    pos = 0
    for m in [*ANSWER_SENTENCE_END.finditer(answer), None]:
        end = m.start() if m else len(answer)
        sentence = answer[pos:end]
        refs = [int(r) for r in CITATION.findall(sentence)]
        if refs and not any(1 <= n <= len(passages) and supports(sentence, passages[n - 1], terms)
                            for n in refs):  # fmt: skip
            best = best_supporting(sentence, passages, terms)
            if best is not None:
                first = True

                def repoint(_: re.Match[str], best: int = best) -> str:
                    nonlocal first
                    keep, first = first, False
                    return f"[{best}]" if keep else ""

                sentence = CITATION.sub(repoint, sentence)
                sentence = re.sub(r"\s+([.!?。])", r"\1", sentence)
        out.append(sentence)
        if m:
            out.append(m.group(0))
            pos = m.end()
    return "".join(out)


def add_missing_citations(answer: str, passages: Sequence[str], terms: Terms) -> str:
    """Append [n] to each sentence that has none and is supported by some passage."""
    if not passages:
        return answer
    out: list[str] = []
    pos = 0
    for m in [*ANSWER_SENTENCE_END.finditer(answer), None]:
        end = m.start() if m else len(answer)
        sentence = answer[pos:end]
        if (
            sentence.strip()
            and not CITATION.search(sentence)
            and not BARE_ITEM_MARK.match(sentence)
        ):
            # the passage that holds all the sentence's numbers, else the one sharing most words
            n = best_supporting(sentence, passages, terms) or best_passage(
                sentence, passages, terms
            )
            if n is not None:
                punct = _TRAILING_PUNCT.search(sentence)
                cut = punct.start() if punct else len(sentence)
                sentence = f"{sentence[:cut]} [{n}]{sentence[cut:]}"
        out.append(sentence)
        if m:
            out.append(m.group(0))
            pos = m.end()
    return "".join(out)


def claims_citing(answer: str, ref: int) -> list[str]:
    """The answer's sentences that cite [ref], markers removed (what the viewer highlights)."""
    out = []
    for sentence in ANSWER_SENTENCE_END.split(answer):
        if ref in {int(r) for r in CITATION.findall(sentence)}:
            out.append(CITATION.sub("", sentence).strip())
    return out


def supporting_sentences(claims: Sequence[str], sentences: Sequence[str], terms: Terms) -> set[int]:
    """Indexes of the passage sentences that back the claims: for each claim, the sentence
    whose shared content morphemes weigh most, if it shares two or more (numbers count double).

    A morpheme's weight falls with the number of passage sentences holding it: the program's
    name, repeated in every sentence, must not outvote the one sentence naming the answer
    (seen: "주관기관은 울산테크노파크" lost to the title sentence by raw counts)."""
    marked: set[int] = set()
    bags = [set(terms(s)) for s in sentences]
    df = Counter(t for bag in bags for t in bag)
    n = len(bags)
    for claim in claims:
        wanted = set(terms(claim))
        best, best_score = None, 0.0
        for i, bag in enumerate(bags):
            shared = wanted & bag
            if sum(2.0 if _NUMBER.search(t) else 1.0 for t in shared) < 2.0:
                continue
            score = sum((2.0 if _NUMBER.search(t) else 1.0) * math.log(1 + n / df[t])
                        for t in shared)  # fmt: skip
            if score > best_score:
                best, best_score = i, score
        if best is not None:
            marked.add(best)
    return marked
