"""지원대상 and 제외·제한 sections cut into atomic conditions, each tagged with the facts about a
company it turns on (region, size, staff, years in business, CEO age, industry, export, earlier
support). A condition we cannot tag is kept as "other": the check then says 확인 필요."""

from __future__ import annotations

import re

from korean import (
    AGE_CONDITION,
    CLAUSE_START,
    CONDITION_MARK,
    INLINE_ITEM,
    NUMBERED_ITEM,
    YEARS_CONDITION,
    regions_in,
)
from search import is_table_row

from .card import Condition
from .outline import Section, level

_LEAD_IN = re.compile(
    r"(아래|다음).{0,20}(해당|경우|충족|중 하나)|해당하는 경우 .{0,6}(제외|제한|불가)$|"
    r"(중|가운데)\s*(하나|1개|어느 하나)|하나 이상|어느 하나"
)
_SHUTS_OUT = re.compile(r"(신청|지원|참여)\s*불가|신청할 수 없|참여할 수 없")
# A rule stated once, outside any 제외 list: "과거 AI바우처 지원사업에 선정된 이력이 있는
# 수요기업은 … 지원대상에서 제외되며"
SCATTERED_EXCLUSION = re.compile(
    r"[^.。]{0,80}(이력이 있는|지원받은|지원을 받은|수혜|선정된)[^.。]{0,80}"
    r"(대상에서\s*제외|신청\s*불가|지원\s*불가|참여\s*불가|제외됨|제외되며|제외한다)"
)
_ANY_OF = re.compile(r"(중|가운데)\s*(하나|1개|어느 하나)|하나 이상|어느 하나")
_NOTE_KEEP = re.compile(r"한함|한정|불가|제외|포함|인정")
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("benefit", re.compile(r"수혜|지원받|지원 받|선정된 이력|선정 이력|선정이력|기 ?지원|旣|졸업|"
                           r"선정된\s*(기업|자|업체)")),
    ("ceo_age", AGE_CONDITION),
    ("years", YEARS_CONDITION),
    ("employees", re.compile(r"(상시\s*근로자|근로자|직원|종업원|고용).{0,15}\d+\s*(인|명)|"
                             r"\d+\s*(인|명)\s*(이상|미만|이하|초과)\s*(의\s*)?"
                             r"(기업|사업장|사업체|우선지원|중소)")),
    ("export", re.compile(r"수출")),
    ("region", re.compile(r"소재|본사|본점|비수도권|수도권|지역\s*기업")),
    # "중소기업" as the applicant, not "중소기업 지원을 수행하는 기관" or "중소기업기본법"
    ("size", re.compile(r"소상공인|중소기업(?!\s*(?:지원|육성|기본법|창업|을|를|에게|와|과|의\s))|"
                        r"中企|중소[·ㆍ･]\s*중견|중견기업|대기업|법인에 한|법인\(")),
    ("industry", re.compile(r"업종|제조업|정보통신업|도소매업|도매업|소매업|건설업|운수업|"
                            r"음식점업|숙박업|서비스업|농업|광업|유흥주점업|사행")),
)  # fmt: skip


def kinds_of(text: str) -> tuple[str, ...]:
    text = re.sub(r"[「｢『][^」｣』]*[」｣』]", " ", text)  # a law's title names no condition
    found = [k for k, pattern in KINDS if pattern.search(text)]
    if "region" in found and not regions_in(text) and not re.search(r"수도권|서울|경기|인천", text):
        found.remove("region")  # "본사 소재지 기준으로 신청" names no region: nothing to check
    return tuple(found) or ("other",)


def atoms(section: Section) -> list[str]:
    """The section's items: a marked line with the unmarked lines that continue it, and the
    "1. … 2. …" items of a table cell. Table rows under an item belong to it whole: their
    numbered cells ("1. 고독사/노인돌봄") are entries of a list it refers to, not items."""
    items: list[tuple[str, bool]] = []  # (text, may be cut into "1. … 2. …" items)
    for line in section.text.splitlines():
        line = line.strip()
        if not line:
            continue
        note = re.match(r"[※*]", line) and not _SHUTS_OUT.search(line)
        row = is_table_row(line)
        if items and (level(line) is None or note):  # a note qualifies the item above it
            items[-1] = (items[-1][0] + " " + line, items[-1][1] and not row)
        else:
            items.append((line, not row))
    out: list[str] = []
    for item, splits in items:
        parts = [p.strip() for p in INLINE_ITEM.split(item) if p.strip()] if splits else []
        out += parts if len(parts) > 1 else [item]
    return out


def _clean(item: str) -> str:
    return CONDITION_MARK.sub("", item).strip()


# "자세한 내용은 [붙임1]의 '수요기업 공모안내서' 참조": this notice's own rules, elsewhere
_ELSEWHERE = re.compile(
    r"(자세한|세부|상세)\s*(내용|사항|자격|요건)[은는]?\s*.{0,6}(붙임|별첨).{0,30}(참조|참고)"
)


def scattered(lines: list[tuple[int, str]]) -> list[Condition]:
    """Rules stated in passing, anywhere in the notice: exclusions for earlier support, and
    "자세한 내용은 [붙임1] 참조" — conditions this document does not hold, so a check of it
    alone can never say 신청 가능."""
    found = []
    for page, line in lines:
        if m := _ELSEWHERE.search(line):
            text = _clean(line).strip(" |")[:200]
            found.append(
                Condition(f"{text} (세부 자격요건이 이 문서 밖에 있습니다)", page, ("other",))
            )
        if m := SCATTERED_EXCLUSION.search(line):
            # from the start of its sentence: after the last "다. ", "※" or cell border
            head = CLAUSE_START.split(line[: m.end()])[-1]
            text = _clean(head).strip(" |")
            found.append(Condition(text[:400], page, kinds_of(text), True))
    return found


def conditions(section: Section, *, exclude: bool, group: int = 1) -> list[Condition]:
    """`group`: the number an any-of list of this section gets ("다음 중 하나에 해당")."""
    found: list[Condition] = []
    items = atoms(section)
    numbered = [i for i in items if NUMBERED_ITEM.match(i)]
    # numbered entries under a 대상 heading name kinds of applicant: any one qualifies
    any_of = group if not exclude and len(numbered) >= 2 else 0
    for item in items:
        text = _clean(item)
        if _LEAD_IN.search(text) and len(text) < 120:
            if not exclude and _ANY_OF.search(text):
                any_of = group  # the items below it are alternatives
            continue
        if len(re.sub(r"\s", "", text)) < 3 or text.endswith((":", "：")):
            continue
        if re.match(r"^[※*]", text) and not _NOTE_KEEP.search(text):
            continue  # a note that explains, not a rule
        if re.search(r"우대|가점|우선으로|우선 지원", text):
            continue  # a preference is not a condition
        if not exclude and _SHUTS_OUT.search(text):  # "* 해외기업 … 과제 신청 불가"
            found.append(Condition(text[:400], section.page, kinds_of(text), True))
            continue
        found.append(Condition(text[:400], section.page, kinds_of(text), exclude, any_of))
    return found
