"""A question about one program's 마감·기간·자격·서류·문의처·한도 gets that card field first, so
the small model reads a short, exact text (and its page) instead of hunting through chunks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .card import FIELD_LABELS, NoticeCard
from .deadline import deadline_sentence

# What a question asks for, by its words; the first topic that matches wins.
TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("period", re.compile(
        r"마감|기간|언제까지|언제|접수\s*(일|일정|시작)|신청\s*(일정|기한)|기한|D-?day"
    )),
    ("documents", re.compile(r"서류|제출물|구비")),
    ("contact", re.compile(r"문의|연락처|전화|담당자|이메일")),
    ("exclusion", re.compile(r"제외|제한|결격|안\s*되는|불가")),
    ("target", re.compile(r"자격|대상|신청할 수|지원할 수|참여할 수|누가")),
    ("support", re.compile(r"한도|지원금|얼마|규모|금액|자부담|분담")),
    ("method", re.compile(r"신청\s*방법|어떻게\s*신청|어디[서에]?\s*신청|접수\s*방법|신청처")),
)  # fmt: skip
_GENERIC = {
    "사업", "지원", "지원사업", "공고", "모집", "모집공고", "참여기업", "수요기업",
    "년도", "사업의",
}  # fmt: skip


@dataclass(frozen=True)
class Routed:
    card: NoticeCard
    field: str
    text: str  # "[신청·접수 기간] …" — the card field as the model will read it
    page: int
    deadline: str  # the status sentence for a period question, "" otherwise


def topic_of(question: str) -> str | None:
    for name, pattern in TOPICS:
        if pattern.search(question):
            return name
    return None


def _tokens(program: str) -> set[str]:
    words = re.findall(r"[가-힣A-Za-z0-9]+", program)
    return {
        w for w in words if len(w) >= 2 and w not in _GENERIC and not re.fullmatch(r"\d+년?", w)
    }


def named_card(question: str, cards: list[NoticeCard]) -> NoticeCard | None:
    """The card whose program the question names: most of its distinctive words appear."""
    squashed = re.sub(r"\s", "", question)
    best, best_score = None, 0.0
    for card in cards:
        tokens = _tokens(card.program)
        if not tokens:
            continue
        hit = sum(1 for t in tokens if t in squashed)
        score = hit / len(tokens)
        if hit and score >= 0.5 and score > best_score:
            best, best_score = card, score
    return best


def route(
    question: str, cards: list[NoticeCard], found_doc_ids: list[str], now: datetime
) -> Routed | None:
    """The card field a question asks for: of the program it names, or else of the notice the
    search ranked first when that notice has a card."""
    topic = topic_of(question)
    if topic is None or not cards:
        return None
    card = named_card(question, cards)
    if card is None and found_doc_ids:
        card = next((c for c in cards if c.doc_id == found_doc_ids[0]), None)
    if card is None:
        return None
    field = card.fields.get(topic)
    if field is None:
        return None
    head = f"[{card.program} · {FIELD_LABELS[topic]}]"
    deadline = deadline_sentence(card, now) if topic == "period" else ""
    text = f"{head} {field.text}"
    if old := card.superseded.get(topic):  # a 정정공고 changed it: say so, with the old text
        text += f"\n(정정 전 공고 {card.superseded_file}의 내용: {old.text})"
    return Routed(card, topic, text, field.page, deadline)
