"""Grounding guards: deterministic checks an answer passes before anyone sees it.

Users act on numbers, and the small model sometimes writes one that no passage holds, with a
citation ("기업당 사업화 자금을 10억원으로 받습니다 [1]" from a notice that says no such
thing). Every amount, date, percentage and number a sentence states must occur, by value, in the
passages it cites (all passages when it cites none); a sentence that fails is dropped, and an
answer left with no claim becomes a refusal. A question about one year answered from a document
of another year says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from korean import (
    ANSWER_LIST_MARK,
    ANSWER_SENTENCE_END,
    BARE_ITEM_NUMBER,
    CITATION,
    FULL_YEAR,
    TRAILING_ITEM_NUMBER,
    YEAR_ANYWHERE,
    YEAR_WORD,
    Fact,
    extract_facts,
    same_fact,
)

# "…주요 활동은 다음과 같습니다 [1]." — a sentence that only announces what follows
_LEAD_IN = re.compile(r"(?:(?:다음|아래)과\s*같(?:습니다|다|음)|:)\W*$")
_DIGITS = re.compile(r"\d[\d,]*")
DROPPED_NOTE = "(문서에서 확인되지 않는 숫자가 있는 문장은 뺐습니다.)"


@dataclass
class Grounded:
    answer: str
    dropped: list[str] = field(default_factory=list)  # the sentences taken out

    @property
    def empty(self) -> bool:
        """Nothing but citation markers, punctuation, our own note and sentences that only
        announce a list ("…다음과 같습니다 [1].") is left: the list itself was dropped."""
        claims = CITATION.sub("", self.answer.replace(DROPPED_NOTE, ""))
        said = [p for p in ANSWER_SENTENCE_END.split(claims) if not _LEAD_IN.search(p.strip())]
        return not re.sub(r"[\W\d_]+", "", "".join(said))


def claimed_facts(sentence: str) -> set[Fact]:
    """The facts a sentence states: no citation markers, no list numbering."""
    return extract_facts(
        TRAILING_ITEM_NUMBER.sub("", ANSWER_LIST_MARK.sub("", CITATION.sub("", sentence)))
    )


def is_grounded(fact: Fact, pool: str, pool_facts: set[Fact]) -> bool:
    if any(same_fact(fact, f) for f in pool_facts):
        return True
    if fact.kind == "number":  # a bare number may sit inside a date or an amount in the text
        if fact.value in {d.replace(",", "") for d in _DIGITS.findall(pool)}:
            return True
        # plans write years short: "CCTV 6,100여 대 교체('24년)", "추진본부 구성('23.12월)"
        return bool(FULL_YEAR.fullmatch(fact.value)) and bool(
            re.search(rf"['‘’`]{fact.value[2:]}(?!\d)", pool)
        )
    return False


def ungrounded_facts(sentence: str, passages: Sequence[str]) -> list[Fact]:
    """Facts of `sentence` that the passages it cites (all, if none) do not hold."""
    refs = [int(n) for n in CITATION.findall(sentence) if 1 <= int(n) <= len(passages)]
    pool = "\n".join(passages[n - 1] for n in refs) if refs else "\n".join(passages)
    pool_facts = extract_facts(pool)
    return sorted((f for f in claimed_facts(sentence) if not is_grounded(f, pool, pool_facts)),
                  key=lambda f: (f.kind, f.value))  # fmt: skip


def ground_numbers(answer: str, passages: Sequence[str]) -> Grounded:
    """Drop each sentence that states a fact its cited passages do not hold, with its list
    number: a dropped item must not leave "1. 2." behind."""
    kept: list[str] = []
    dropped: list[str] = []
    marker = ""  # a list number, kept only if the item after it is
    pos = 0
    for m in [*ANSWER_SENTENCE_END.finditer(answer), None]:
        end = m.end() if m else len(answer)
        piece = answer[pos:end]
        pos = end
        if BARE_ITEM_NUMBER.match(piece):
            kept.append(marker)
            marker = piece
        elif piece.strip() and ungrounded_facts(piece, passages):
            dropped.append(piece.strip())
            marker = ""
        else:
            kept.extend((marker, piece))
            marker = ""
    kept.append(marker)
    text = "".join(kept).strip()
    if dropped and text:
        text = f"{text}\n\n{DROPPED_NOTE}"
    return Grounded(text, dropped)


def grounded_numbers(answer: str, passages: Sequence[str]) -> bool:
    """Every number of every sentence occurs in the passages it cites (the eval metric). Our
    own notes (※ …, the dropped-sentence note) are no claims."""
    pos = 0
    for m in [*ANSWER_SENTENCE_END.finditer(answer), None]:
        end = m.end() if m else len(answer)
        piece = answer[pos:end].strip()
        pos = end
        if piece.startswith("※") or piece == DROPPED_NOTE:
            continue
        if ungrounded_facts(piece, passages):
            return False
    return True


def year_note(question: str, cited_titles: Sequence[str]) -> str:
    """'' unless the question names a year and every cited document names only other years."""
    asked = set(YEAR_WORD.findall(question))
    if not asked or not cited_titles:
        return ""
    years = [set(YEAR_ANYWHERE.findall(t)) for t in cited_titles]
    if any(not ys or ys & asked for ys in years):
        return ""
    found = sorted(set().union(*years))
    return (f"※ 질문하신 {', '.join(sorted(asked))}년이 아니라 {', '.join(found)}년 문서를 "
            "근거로 한 답변입니다. 해당 연도의 공고를 확인해 주세요.")  # fmt: skip
