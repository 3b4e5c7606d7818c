"""Is a notice open today? Status against an injectable clock, the D-day, the Korean sentence
an answer about a period adds, and 정정·변경 공고 superseding the fields they change."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from .card import NoticeCard
from .dates import SEOUL

Clock = Callable[[], datetime]
STATUS_LABELS = {
    "upcoming": "접수 예정",
    "open": "접수 중",
    "closed": "마감",
    "unknown": "알 수 없음",
}


def seoul_now() -> datetime:
    return datetime.now(SEOUL)


def status(card: NoticeCard, now: datetime) -> str:
    """upcoming | open | closed | unknown. Without a start, a published notice is taken as open
    from its 공고일; without an end, nothing is claimed."""
    end = card.apply_end
    if end is None:
        return "unknown"
    if now > end:
        return "closed"
    start = card.apply_start
    if start is None and card.notice_date:
        start = datetime.fromisoformat(card.notice_date).replace(tzinfo=SEOUL)
    if start is None:
        return "unknown"
    return "upcoming" if now < start else "open"


def days_left(card: NoticeCard, now: datetime) -> int | None:
    if card.apply_end is None:
        return None
    return (card.apply_end.astimezone(SEOUL).date() - now.astimezone(SEOUL).date()).days


def end_text(card: NoticeCard) -> str:
    """ "2026-02-19 18:00" — or the day alone when the notice gives no hour."""
    if card.apply_end is None:
        return ""
    end = card.apply_end.astimezone(SEOUL)
    return end.strftime("%Y-%m-%d %H:%M") if card.end_time_stated else end.strftime("%Y-%m-%d")


def status_label(card: NoticeCard, now: datetime) -> str:
    """ "접수 중 (D-3)", "마감", "접수 예정 (2026-05-18부터)", "알 수 없음"."""
    st = status(card, now)
    if st == "open":
        left = days_left(card, now)
        return f"접수 중 (D-{left})" if left else "접수 중 (오늘 마감)"
    if st == "upcoming" and card.apply_start:
        return f"접수 예정 ({card.apply_start.date().isoformat()}부터)"
    return STATUS_LABELS[st]


def deadline_sentence(card: NoticeCard, now: datetime) -> str:
    """What an answer about the period says: "2026-02-19 18:00 마감 — 이미 마감되었습니다"."""
    if card.apply_end is None:
        return ""
    end = f"{end_text(card)} 마감"
    st = status(card, now)
    if st == "closed":
        return f"{end} — 이미 마감되었습니다 (오늘 {now.date().isoformat()} 기준)."
    if st == "open":
        left = days_left(card, now)
        tail = "오늘 마감입니다" if not left else f"접수 중이며 {left}일 남았습니다"
        return f"{end} — {tail} (오늘 {now.date().isoformat()} 기준)."
    if st == "upcoming" and card.apply_start:
        return f"{card.apply_start.date().isoformat()} 접수 시작, {end} — 아직 접수 전입니다."
    return f"{end}."


def program_key(program: str) -> str:
    """One key for a notice and its 정정·변경 공고: the name without those words and spaces."""
    key = re.sub(r"\[?\(?(정정|변경|재|수정)\s*공고\)?\]?|정정|변경", "", program)
    return re.sub(r"[\s「」｢｣『』《》()\[\]·ㆍ]", "", key)


def supersede(cards: Iterable[NoticeCard]) -> list[NoticeCard]:
    """A 정정·변경 공고 of a program replaces the fields it states (newest 공고일 wins); the older
    text stays on the card, cited as superseded. Other cards pass through unchanged."""
    groups: dict[str, list[NoticeCard]] = {}
    for card in cards:
        groups.setdefault(program_key(card.program), []).append(card)
    out: list[NoticeCard] = []
    for group in groups.values():
        if len(group) == 1 or not any(c.corrects for c in group):
            out += group
            continue
        ordered = sorted(group, key=lambda c: (c.notice_date or "", c.corrects))
        base, newest = ordered[0], ordered[-1]
        merged = NoticeCard(**{**newest.__dict__, "fields": dict(newest.fields)})
        for name, value in base.fields.items():
            if name not in merged.fields:
                merged.fields[name] = value
            elif merged.fields[name].text != value.text:
                merged.superseded[name] = value
        if merged.apply_end is None:
            merged.apply_start, merged.apply_end = base.apply_start, base.apply_end
            merged.end_time_stated = base.end_time_stated
        if not merged.conditions:
            merged.conditions = base.conditions
        merged.superseded_file = base.file
        out.append(merged)
    return out
