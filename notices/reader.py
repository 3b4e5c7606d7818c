"""A parsed document → its notice card, by the notice outline (outline.py); no model involved,
so a card is exact text with its page, and re-reading the same file gives the same card."""

from __future__ import annotations

import re
from datetime import date, time

from korean import DATE_LINE, LABEL_MARKS, TITLE_MARKS, YEAR_LEAD
from search import Document

from .card import CardField, Condition, NoticeCard
from .conditions import conditions, scattered
from .dates import SEOUL, Moment, dates_in, parse_period
from .outline import Section, extra, lines_of, sections

_NOTICE_WORDS = re.compile(r"공고|모집|공모|사\s*업\s*명|신청\s*안내")
_ORG_LINE = re.compile(
    r"^\(?(?:재|사)?\)?\s*([가-힣A-Za-z()]{2,30}?)\s*(장관|이사장|원장|청장|시장|도지사|대표이사|"
    r"센터장|구청장|군수|총장|회장)$"
)
_ORG_NOTICE_NO = re.compile(r"^(?:\((?:재|사)\))?\s*([가-힣]{2,30})\s*공고\s*제?\s*\d")
_TITLE_OWNS = {"원장": "원", "청장": "청", "시장": "시", "도지사": "도", "구청장": "구청",
               "센터장": "센터"}  # fmt: skip
_ORG_ROLE = re.compile(
    LABEL_MARKS + r"(?:주무부처|전담기관|주관기관|주최|주관|시행기관)\s*[:：]\s*"
    r"([가-힣A-Za-z()·, ]{2,40})$"
)
_MINISTRY = re.compile(r"^([가-힣]+(?:부|처|청|위원회))_")
_TITLE_TAIL = re.compile(
    r"\s*(?:(?:추가|수요기업|참여기업|참가기업)?\s*모집\s*)?"
    r"(?:공고문?|모집|공모\s*안내서?|공모안내서|공모|안내)\s*$"
)
_BRACKET = re.compile(r"[「｢『《]\s*([^」｣』》]{3,60})\s*[」｣』》]")
_APPLY_LABEL = re.compile(r"신청|접수|모집|제출")


def is_notice(doc: Document, found: list[Section]) -> bool:
    """A notice or program sheet: it says so (공고, 모집, 사업명, a ministry's sheet) and has a
    지원대상 or an application period."""
    head = " ".join(p.text[:600] for p in doc.pages[:2])
    named = _NOTICE_WORDS.search(doc.path.name) or _NOTICE_WORDS.search(head)
    named = named or _MINISTRY.match(doc.path.name)
    fields = {s.field for s in found}
    dated = any(
        s.field == "period" and parse_period(f"{s.label} {s.text.splitlines()[0]}")[1]
        for s in found
    )
    return bool(named) and ("target" in fields or dated)


def _program(doc: Document, first_lines: list[str]) -> str:
    head = "\n".join(first_lines)
    titled = [ln for ln in first_lines if re.search(r"공고|모집|공모", ln) and len(ln) <= 80
              and not _ORG_NOTICE_NO.match(ln)]  # fmt: skip
    name = ""
    if m := _MINISTRY.match(doc.path.name):  # a ministry's program sheet: "부처_사업명.pdf"
        name = doc.path.stem[m.end() :]
    elif m := _BRACKET.search("\n".join(titled)):
        name = m.group(1)
    elif titled:
        name = _TITLE_TAIL.sub("", TITLE_MARKS.sub("", titled[0]))
    elif m := re.search(r"사\s*업\s*명\s*[:：]?\s*\n?\s*(?:\(\d+\)\s*)?([^\n(]{2,60})", head):
        name = m.group(1)
    if not name:
        name = (
            re.sub(r"^[^_]+_", "", doc.path.stem) if _MINISTRY.match(doc.path.name) else doc.title
        )
    name = YEAR_LEAD.sub(r"\1년 ", name.strip().split(" / ")[0])
    return re.sub(r"\s+", " ", name).strip(" -·")[:80]


def _organizer(doc: Document, first_lines: list[str]) -> str:
    found: list[str] = []
    for line in first_lines:
        if m := _ORG_LINE.match(line.strip()):
            org, title = m.group(1).strip(), m.group(2)
            # "정보통신산업진흥원장" is 진흥원 + 장, "대구광역시장" 광역시 + 장
            org += (
                _TITLE_OWNS.get(title, "") if not org.endswith(_TITLE_OWNS.get(title, "-")) else ""
            )
            if org not in found:
                found.append(org)
    if not found:
        for line in first_lines:
            if m := _ORG_NOTICE_NO.match(line.strip()):
                found.append(m.group(1))
                break
    if not found:  # "□ 주무부처 : 과학기술정보통신부", "□ 전담기관 : 정보통신산업진흥원(NIPA)"
        for ln in lines_of(doc):
            if m := _ORG_ROLE.match(ln.text):
                org = re.sub(r"\([^)]*\)", "", m.group(1)).strip()
                if org and org not in found:
                    found.append(org)
            if ln.page > doc.pages[0].number + 3:
                break
    if not found and (m := _MINISTRY.match(doc.path.name)):
        found.append(m.group(1))
    return ", ".join(found)


def _notice_day(found: list[Section], first_lines: list[str]) -> tuple[date | None, int]:
    for s in found:
        if s.field == "notice_date" and (days := dates_in(s.text)):
            return days[0].day, s.page
    for line in first_lines:  # the date line under the notice's preamble: "2026년 5월 8일"
        if DATE_LINE.fullmatch(line):
            return dates_in(line)[0].day, 1
    return None, 0


def _period(
    found: list[Section], notice_day: date | None
) -> tuple[Section | None, Moment | None, Moment | None]:
    periods = [s for s in found if s.field == "period"]
    ranked = sorted(periods, key=lambda s: (not _APPLY_LABEL.search(s.label), extra(s)))
    for s in ranked:
        lines = s.text.splitlines() or [s.text]
        lines[0] = f"{s.label} {lines[0]}"  # "신청 마감: 2025년 8월 29일" says 마감 in its label
        for line in lines:
            start, end = parse_period(line, notice_day)
            if end:
                return s, start, end
    return (ranked[0] if ranked else None), None, None


def read_card(doc: Document) -> NoticeCard | None:
    """The card of a notice or program sheet; None for any other document."""
    found = sections(doc)
    if not is_notice(doc, found):
        return None
    first_lines = [ln.text for ln in lines_of(doc) if ln.page == doc.pages[0].number][:40]
    notice_day, day_page = _notice_day(found, first_lines)
    period, start, end = _period(found, notice_day)
    fields: dict[str, CardField] = {}
    for s in sorted(found, key=extra):  # stable: the first of the best-named sections
        if s.field not in fields and s.field != "period":
            fields[s.field] = CardField(s.text, s.page)
    if period:
        fields["period"] = CardField(period.text, period.page)
    if notice_day and "notice_date" not in fields:
        fields["notice_date"] = CardField(notice_day.isoformat(), day_page)
    conds: list[Condition] = []
    targets = sorted((s for s in found if s.field == "target"), key=extra)[:1]
    exclusions = [s for s in found if s.field == "exclusion"][:4]
    for s in targets:
        conds += conditions(s, exclude=False)
    for s in exclusions:
        conds += conditions(s, exclude=True)
    conds += scattered([(ln.page, ln.text) for ln in lines_of(doc)])
    seen: set[str] = set()
    unique = []
    for c in conds:  # a list read twice (inside two overlapping sections) counts once
        key = re.sub(r"\W", "", c.text.split(":", 1)[-1])
        if key not in seen:
            seen.add(key)
            unique.append(c)
    conds = unique
    return NoticeCard(
        file=doc.path.name, doc_id=doc.doc_id, sha256=doc.sha256,
        program=_program(doc, first_lines), organizer=_organizer(doc, first_lines),
        apply_start=start.at(time(0, 0)) if start else None,
        apply_end=end.at(time(23, 59, 59)) if end else None,
        end_time_stated=bool(end and end.hour), fields=fields, conditions=conds, unit=doc.unit,
        corrects=bool(re.search(r"정정|변경\s*공고", doc.path.name + " ".join(first_lines[:6]))),
        notice_date=notice_day.isoformat() if notice_day else "",
    )  # fmt: skip


__all__ = ["SEOUL", "read_card"]
