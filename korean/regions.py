"""The 17 광역 시·도 as documents and questions name them."""

from __future__ import annotations

import re

# 17 광역 시·도: the short name, and the longer forms documents use.
REGIONS = {
    "서울": ("서울",), "부산": ("부산",), "대구": ("대구",), "인천": ("인천",),
    "광주": ("광주",), "대전": ("대전",), "울산": ("울산",), "세종": ("세종",),
    "경기": ("경기",), "강원": ("강원",), "충북": ("충북", "충청북도"),
    "충남": ("충남", "충청남도"), "전북": ("전북", "전라북도"), "전남": ("전남", "전라남도"),
    "경북": ("경북", "경상북도"), "경남": ("경남", "경상남도"), "제주": ("제주",),
}  # fmt: skip
_LONG = {long: short for short, forms in REGIONS.items() for long in forms}
# A region as a word of its own: "부산시", "부산의", "부산 지역" — not "대구분" or "경기도 침체".
_REGION = re.compile(
    r"(?<![가-힣])(" + "|".join(sorted(_LONG, key=len, reverse=True)) + r")"
    r"(?:광역시|특별시|특별자치시|특별자치도|시|도)?"
    r"(?=[\s,.?!_\-()·]|[은는이가을를의에와과도만]|에서|지역|입니|예요|$)"
)


def region_mentions(text: str) -> list[str]:
    """Every region named in `text`, by its short name, as often as it is named."""
    return [_LONG[m.group(1)] for m in _REGION.finditer(text)]


def regions_in(text: str) -> set[str]:
    found = set()
    for m in _REGION.finditer(text):
        # bare "경기" is as often the economy ("경기 침체") as the province
        if m.group(0) == "경기" and not text[m.end() :].lstrip().startswith("지역"):
            continue
        found.add(_LONG[m.group(1)])
    return found


_ECONOMY = re.compile(r"\s*(?:침체|불황|회복|악화|둔화|부진|전망|호황|상황|변동|위축|지표)")


def region_spans(text: str) -> list[tuple[str, int, int]]:
    """(short name, start, end) of every region named, in order. A bare "경기" counts unless
    the economy follows it ("경기 침체"): in a company's own description it is the province."""
    out = []
    for m in _REGION.finditer(text):
        if m.group(0) == "경기" and _ECONOMY.match(text, m.end()):
            continue
        out.append((_LONG[m.group(1)], m.start(), m.end()))
    return out
