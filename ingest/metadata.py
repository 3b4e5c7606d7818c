"""Document metadata for filters: kind, region, issuing organisation, date, file type.

Read from the title, the file name and the first pages, because that is where Korean program
documents say what they are ("2025년 대구광역시 AI 대전환 지원사업 공고", "정보통신산업진흥원").
Heuristics, not truth: a filter narrows the search, it never invents an answer. Every value is
stored in each chunk's payload (indexed in Qdrant) and in the manifest (the filter choices).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from korean import DOCUMENT_DATE, region_mentions, regions_in
from search import Document

KINDS = {  # first match wins, in this order
    "공고": ("공고", "모집", "공모", "신청 안내", "제안요청"),
    "보도자료": ("보도자료",),
    "보고서": ("보고서", "백서", "동향", "연구", "분석", "이슈", "brief", "브리프", "개요"),
    "매뉴얼": ("매뉴얼", "가이드", "안내서", "지침", "메뉴얼", "교육자료", "이용 안내", "이용안내"),
}
OTHER_KIND = "기타"

_ORG = re.compile(
    r"(?<![가-힣])([가-힣]{2,}(?:진흥원|진흥공단|재단|공단|테크노파크|센터|협회|연구원|시청|도청|"
    r"광역시|특별시|특별자치시|특별자치도|중소벤처기업부|과학기술정보통신부|산업통상자원부))"
    r"(?![가-힣])"
)


@dataclass(frozen=True)
class DocMeta:
    kind: str
    regions: tuple[str, ...]
    org: str
    date: str  # "YYYY-MM-DD" or ""
    file_type: str

    def payload(self) -> dict[str, object]:
        """Chunk payload fields; an empty value is left out, so a filter never matches it."""
        out: dict[str, object] = {"kind": self.kind, "file_type": self.file_type}
        if self.regions:
            out["region"] = list(self.regions)
        if self.org:
            out["org"] = self.org
        if self.date:
            out["date"] = self.date
            out["date_key"] = int(self.date.replace("-", ""))  # 20250304: a range filter's key
        return out


def kind_of(name: str) -> str:
    name = name.lower()
    for kind, words in KINDS.items():
        if any(w in name for w in words):
            return kind
    return OTHER_KIND


def first_date(text: str) -> str:
    for m in DOCUMENT_DATE.finditer(text):
        g = m.groups()[3:] if m.group(4) else m.groups()[:3]
        year, month, day = int(g[0]), int(g[1]), int(g[2] or 1)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def describe(doc: Document, head_pages: int = 2) -> DocMeta:
    """What the filters need to know about `doc`."""
    name = f"{doc.title} {doc.path.stem}"
    head = "\n".join(p.text for p in doc.pages[:head_pages])
    regions = regions_in(name)
    if not regions:  # the body names many places in passing: keep the ones it repeats
        counts = Counter(region_mentions(head))
        regions = {r for r, n in counts.items() if n >= 2 and r != "경기"}
    orgs = Counter(_ORG.findall(f"{name}\n{head}"))
    org = max(orgs, key=lambda o: (orgs[o], -len(o)))[:40] if orgs else ""
    return DocMeta(
        kind=kind_of(name) if kind_of(name) != OTHER_KIND else kind_of(head[:300]),
        regions=tuple(sorted(regions)),
        org=org,
        date=first_date(name) or first_date(head),
        file_type=doc.path.suffix.lower().lstrip(".") or "txt",
    )
