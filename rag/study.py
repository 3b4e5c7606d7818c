"""Study mode: questions with answers and page citations, made from one document's pages.

Each question comes from one fact-bearing sentence (an amount, a date, a percentage, a count):
the fact is the answer, the sentence's page is the citation, and the LLM only phrases the
question. When its phrasing is unusable (empty, gives the answer away), the sentence becomes a
fill-in-the-blank question, so a quiz never depends on the small model getting it right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from korean import ASKS_SOMETHING, FACT_SPANS, fact_recall, split_sentences
from search import Hit, VectorIndex
from serving import ChatModel

from .prompts import build_study_messages

_HANGUL = re.compile(r"[가-힣]")
BLANK = "(    )"


@dataclass(frozen=True)
class QuizItem:
    question: str
    answer: str
    sentence: str  # where the answer is, shown after grading
    passage: str  # the chunk around it
    file: str
    page: int
    location: str
    generated: bool  # False: the fill-in-the-blank fallback


@dataclass(frozen=True)
class Grade:
    correct: bool
    message: str


def fact_span(sentence: str) -> str:
    for pattern in FACT_SPANS:
        if m := pattern.search(sentence):
            return m.group(0).strip()
    return ""


def seed_sentences(chunks: Sequence[Hit], n: int) -> list[tuple[Hit, str, str]]:
    """Up to `n` (chunk, sentence, fact) picks spread over the document, distinct facts, one
    per page where the document allows."""
    found: list[tuple[Hit, str, str]] = []
    seen: set[str] = set()
    for hit in chunks:
        for sentence in split_sentences(hit.text):
            if sentence.startswith("|") or not 20 <= len(sentence) <= 220:
                continue
            if len(_HANGUL.findall(sentence)) < 10:
                continue
            fact = fact_span(sentence)
            if fact and fact not in seen:
                seen.add(fact)
                found.append((hit, sentence, fact))
    if len(found) <= n:
        return found
    pages: dict[int, list[tuple[Hit, str, str]]] = {}
    for item in found:
        pages.setdefault(item[0].page, []).append(item)
    firsts = [items[0] for items in pages.values()]
    pool = firsts if len(firsts) >= n else found
    step = (len(pool) - 1) / (n - 1) if n > 1 else 0
    return [pool[round(i * step)] for i in range(n)]


def _usable(question: str, answer: str) -> bool:
    """A question (asks something), short, and not giving the answer away."""
    squash = re.sub(r"\s+", "", question)
    return (8 <= len(question) <= 200 and bool(ASKS_SOMETHING.search(question))
            and re.sub(r"\s+", "", answer) not in squash and "(" not in question)  # fmt: skip


def make_quiz(
    chunks: Sequence[Hit], llm: ChatModel | None, n: int = 5, max_tokens: int = 80
) -> list[QuizItem]:
    """`llm=None` makes fill-in-the-blank questions only (instant, no model needed)."""
    quiz = []
    for hit, sentence, fact in seed_sentences(chunks, n):
        question, generated = "", False
        cloze = sentence.replace(fact, BLANK, 1)
        if llm is not None:
            text = "".join(llm.stream(build_study_messages(cloze.replace(BLANK, "( )")),
                                      max_tokens=max_tokens, temperature=0.0))  # fmt: skip
            lines = [x for x in text.strip().splitlines() if x.strip()]
            question = re.sub(r"^(질문|Q)\s*[:.]\s*", "", lines[0].strip()) if lines else ""
            generated = _usable(question, fact)
        if not generated:
            question = f"빈칸에 들어갈 말은? — {cloze}"
        quiz.append(QuizItem(question, fact, sentence, hit.text, hit.file, hit.page,
                             hit.location, generated))  # fmt: skip
    return quiz


def grade(item: QuizItem, reply: str) -> Grade:
    """Numbers by value (3억 원 = 300,000,000원), anything else by its letters."""
    reply = reply.strip()
    if not reply:
        return Grade(False, "답을 입력해 주세요.")
    recall, _ = fact_recall(item.answer, reply)
    if recall is None:
        correct = re.sub(r"\s+", "", item.answer) in re.sub(r"\s+", "", reply)
    else:
        correct = recall == 1.0
    where = f"{item.file} {item.location}"
    if correct:
        return Grade(True, f"정답입니다. 근거: {where}")
    return Grade(False, f"아쉽지만 틀렸습니다. 정답은 「{item.answer}」입니다. 근거: {where}")


class StudyGuide:
    """A document's chunks from the index, turned into a quiz by `make_quiz`."""

    def __init__(self, index: VectorIndex, llm: ChatModel | None, n: int = 5) -> None:
        self.index = index
        self.llm = llm
        self.n = n

    def quiz(self, doc_id: str) -> list[QuizItem]:
        return make_quiz(self.index.document_chunks(doc_id), self.llm, self.n)
