"""A question about one program's 마감·기간·자격·서류·문의처·한도 gets that card field first, so
the small model reads a short, exact text (and its page) instead of hunting through chunks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from korean import CARD_TOPICS, DEADLINE_ASKED, DEADLINE_CUE, NUMBER_OR_YEAR, NUMBER_OR_YEAR_NO_DO

from .card import FIELD_LABELS, NoticeCard
from .dates import parse_period
from .deadline import deadline_sentence

_GENERIC = {
    "사업", "지원", "지원사업", "공고", "모집", "모집공고", "참여기업", "수요기업",
    "년도", "사업의",
}  # fmt: skip


# Whose deadline a period question asks about: the noun right before the deadline words. The
# application's own words, the program's name or none at all mean the application's period;
# any other thing ("세부계획서는 언제까지", "결과보고서 제출 기한", "정산은 언제까지") has a
# deadline of its own that the card's 접수 기간 does not give.
_APPLICATION_WORDS = {
    "접수", "신청", "신청서", "모집", "공모", "공고", "지원", "참여", "사업", "지원사업", "서류",
    "신청서류", "제출서류", "모집공고", "사업공고", "참여기업", "수요기업", "올해", "이번", "내년",
}  # fmt: skip
_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|의|도|에|에서|와|과|까지|부터)$")


def deadline_of_application(question: str, program: str) -> bool:
    """The period the question asks about is the application's (not another deliverable's)."""
    m = DEADLINE_CUE.search(question)
    if m is None:
        return True
    words = re.findall(r"[가-힣A-Za-z0-9]+", question[: m.start()])
    names = _tokens(program)
    for word in reversed(words):
        noun = _PARTICLE.sub("", word)
        if not noun or NUMBER_OR_YEAR.fullmatch(noun) or noun in ("언제", "몇", "그"):
            continue
        if noun in _APPLICATION_WORDS or any(n in noun or noun in n for n in names):
            return True
        return not re.search(r"[가-힣]", noun) or len(noun) < 2  # a thing of its own
    return True


@dataclass(frozen=True)
class Routed:
    card: NoticeCard
    field: str
    text: str  # "[신청·접수 기간] …" — the card field as the model will read it
    page: int
    deadline: str  # the status sentence for a period question, "" otherwise


def deadline_answer(routed: Routed, question: str) -> str:
    """For "… 마감은 언제인가요?": the card's own period as the answer, cited [1] ("" when the
    card has no deadline or the question asks something else about the period)."""
    card = routed.card
    field = card.fields.get("period")
    if field is None or card.apply_end is None or not DEADLINE_ASKED.search(question):
        return ""
    # the notice's own words, as written ("공고일 ~ `26. 2. 24.(화) 18:00까지"): the cited
    # sentence says only what its passage says; the dates read from them follow in the status
    # note ("2026-02-24 18:00 마감 — …")
    said = next((ln.strip() for ln in field.text.splitlines() if parse_period(ln)[1]), "")
    said = said or field.text.splitlines()[0].strip()
    return f'{card.program}의 신청·접수 기간은 공고문에 "{said}"로 나와 있습니다 [1].'


def topic_of(question: str) -> str | None:
    for name, pattern in CARD_TOPICS:
        if pattern.search(question):
            return name
    return None


def _tokens(program: str) -> set[str]:
    words = re.findall(r"[가-힣A-Za-z0-9]+", program)
    return {
        w
        for w in words
        if len(w) >= 2 and w not in _GENERIC and not NUMBER_OR_YEAR_NO_DO.fullmatch(w)
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
    if topic == "period" and not deadline_of_application(question, card.program):
        return None
    head = f"[{card.program} · {FIELD_LABELS[topic]}]"
    deadline = deadline_sentence(card, now) if topic == "period" else ""
    text = f"{head} {field.text}"
    if old := card.superseded.get(topic):  # a 정정공고 changed it: say so, with the old text
        text += f"\n(정정 전 공고 {card.superseded_file}의 내용: {old.text})"
    return Routed(card, topic, text, field.page, deadline)
