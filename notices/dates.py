"""Korean notice dates: "2026년 5월 18일(월)", "2026. 1. 12.(월)", "`26. 2. 24.(화) 18:00",
"6월 8일(월) 15:00까지" (the year carried over from the range's start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from korean import DATE_NO_YEAR, DATE_RANGE, DATE_WITH_YEAR, DEADLINE_WORD

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class Moment:
    day: date
    hour: time | None  # None: the text names a day, no hour

    def at(self, default: time) -> datetime:
        return datetime.combine(self.day, self.hour or default, tzinfo=SEOUL)


def _moment(y: int, mo: int, d: int, hh: str | None, mm: str | None) -> Moment | None:
    try:
        day = date(y, mo, d)
        hour = time(int(hh), int(mm or 0)) if hh is not None and int(hh) < 24 else None
    except ValueError:
        return None
    return Moment(day, hour)


def dates_in(text: str, year: int | None = None) -> list[Moment]:
    """Every dated moment in `text`, in order; month-day dates only when `year` is given."""
    found: list[tuple[int, Moment]] = []
    taken: list[tuple[int, int]] = []
    for m in DATE_WITH_YEAR.finditer(text):
        y = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
        mo = _moment(y, int(m.group(3)), int(m.group(4)), m.group(5), m.group(6))
        if mo:
            found.append((m.start(), mo))
            taken.append(m.span())
    if year is not None:
        for m in DATE_NO_YEAR.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            day = m.group(2) or m.group(3)
            mo = _moment(year, int(m.group(1)), int(day), m.group(4), m.group(5))
            if mo:
                found.append((m.start(), mo))
    return [mo for _, mo in sorted(found, key=lambda x: x[0])]


def parse_period(text: str, notice_day: date | None = None) -> tuple[Moment | None, Moment | None]:
    """(start, end) of an application period line; "공고일 ~ …" starts on the notice's date."""
    parts = DATE_RANGE.split(text, maxsplit=1)
    if len(parts) == 2:
        left, right = parts
        starts = dates_in(left)
        start = starts[-1] if starts else None
        if start is None and "공고일" in left and notice_day:
            start = Moment(notice_day, None)
        year = start.day.year if start else (notice_day.year if notice_day else None)
        ends = dates_in(right, year)
        return start, (ends[0] if ends else None)
    if DEADLINE_WORD.search(text):
        year = notice_day.year if notice_day else None
        ends = dates_in(text, year)
        return None, (ends[-1] if ends else None)
    return None, None


def iso_day(text: str) -> date | None:
    found = dates_in(text)
    return found[0].day if found else None
