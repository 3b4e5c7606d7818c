"""Yes/no questions decided by a rule in the passages: "김치냉장고도 지원받을 수 있나요?".

Measured on gongo: the 1.5B model refuses most of these although the deciding rule ("통역이
지원되지 않으므로 …") is in its passages; it looks for a literal answer instead of applying the
rule. Asked for a verdict and the deciding sentence instead, it answered "예" to all 13 yes/no
questions, 6 of them unanswerable, and quoted unrelated sentences (or the question itself).
So the rule is found without the model: the passage sentence that names what the question asks
about and shares most of its words, quoted in the passage's own words and cited, with no
verdict. A reader gets the rule, not a guess.

Two checks keep unrelated rules out, and they also guard what the model answers: the things the
question asks about (its subject, object, "X도") must be named in the sentence ("항공료도
지원하나요?" is not decided by a rule that never names 항공료), and every number of the question
must be in it ("최소 1억원 이상이어야 하나요?" only by one that says 1억원).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from korean import (
    AFTER_QUESTION_MARK,
    NEXT_ITEM_MARK,
    QUESTION_MARK_END,
    REQUEST,
    WH_WORD,
    YES_NO_END,
    extract_facts,
    split_sentences,
)
from search import is_table_row, without_heading_path

from .grounding import is_grounded

_SPACE = re.compile(r"\s+")
# The retrieval gate's bar (AnswerSettings.min_term_coverage): half the question's content terms.
MIN_TERM_SHARE = 0.5
RULE_LEAD = "문서에 예/아니요로 적혀 있지는 않지만, 관련 규정은 다음과 같습니다."


def is_yes_no(question: str) -> bool:
    """'…할 수 있나요?', '…인가요?': no question word, a yes/no ending, not a polite request
    ('…을 말해 줄 수 있나요?' asks for the thing, not for a yes)."""
    q = question.strip()
    return bool(YES_NO_END.search(q)) and not WH_WORD.search(q) and not REQUEST.search(q)


@dataclass(frozen=True)
class Rule:
    text: str  # what is shown: the lead and the passage's own sentence, cited
    ref: int  # the passage (1-based) the rule is quoted from
    sentence: str  # verbatim from the passage


@dataclass(frozen=True)
class Passage:
    text: str
    title: str  # the document's title and file name: a topic may be named only there


def unnamed(phrases: Sequence[Sequence[str]], text: str) -> list[str]:
    """The nouns of `phrases` that `text` never names (spacing ignored)."""
    squeezed = _SPACE.sub("", text).lower()
    return [n for phrase in phrases for n in phrase if _SPACE.sub("", n).lower() not in squeezed]


@dataclass(frozen=True)
class Asked:
    """What a question asks about, read once (Kiwi, in search) and checked against texts."""

    phrases: list[list[str]]  # subject, object, "X도": named in the sentence itself
    topics: list[list[str]]  # "X는": named in the sentence or the document's title

    def unnamed_in(self, text: str, title: str) -> list[str]:
        return unnamed(self.phrases, text) + unnamed(self.topics, f"{title}\n{text}")


def _blocks(text: str) -> list[str]:
    """Runs of text lines, each table row on its own: a row ends without a sentence ending,
    and read as one sentence with the rows around it, a quote would be the whole table."""
    blocks: list[str] = []
    run: list[str] = []
    for line in without_heading_path(text).splitlines():
        if is_table_row(line):
            blocks += ["\n".join(run), line] if run else [line]
            run = []
        else:
            run.append(line)
    return [b for b in [*blocks, "\n".join(run)] if b.strip()]


def _statements(text: str) -> list[str]:
    """A passage's sentences, outline items and table rows, without its questions: a FAQ's
    "**…할 수 있나요?**" echoes the user's words and decides nothing; the answer after it does."""
    return [
        piece.strip()
        for block in _blocks(text)
        for sentence in split_sentences(block)
        for part in AFTER_QUESTION_MARK.split(sentence)
        for piece in NEXT_ITEM_MARK.split(part)
        if piece.strip() and not QUESTION_MARK_END.search(piece)
    ]


def find_rule(
    question: str, passages: Sequence[Passage], terms: Callable[[str], list[str]], asked: Asked
) -> Rule | None:
    """The passage sentence that bears on a yes/no question, quoted and cited, or None.

    A sentence qualifies when it names everything the question asks about, holds every number
    of the question, and shares at least MIN_TERM_SHARE of the question's content terms; the
    best share wins, the higher-ranked passage on a tie."""
    want = set(terms(question))
    if not want:
        return None
    q_facts = extract_facts(question)
    best: tuple[float, int, str] | None = None
    for n, p in enumerate(passages, 1):
        for sentence in _statements(p.text):
            share = len(want & set(terms(sentence))) / len(want)
            if share < MIN_TERM_SHARE or (best is not None and share <= best[0]):
                continue
            if asked.unnamed_in(sentence, p.title):
                continue
            facts = extract_facts(sentence)
            if any(not is_grounded(f, sentence, facts) for f in q_facts):
                continue
            best = (share, n, sentence)
    if best is None:
        return None
    _, ref, sentence = best
    return Rule(f"{RULE_LEAD} “{sentence}” [{ref}]", ref, sentence)
