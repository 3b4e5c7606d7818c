"""The shared return type of every loader, and the chunks made from it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

# A PDF passage's first line when ingest knows where it sits: "(1. 사업개요 > □ 지원대상)\n".
_HEADING_LINE = re.compile(r"^\([^()\n]{1,120}\)\n")


# A table row as the PDF loader writes it: "연번: 6 · 항목: 회사 국·영문 소개자료 · …"
_TABLE_ROW = re.compile(r"^[^:·\n]{1,40}: .+ · [^:·\n]{1,40}: ")


def is_table_row(line: str) -> bool:
    return bool(_TABLE_ROW.match(line))


def with_heading_path(text: str, path: list[str]) -> str:
    return f"({' > '.join(path)})\n{text}" if path else text


def without_heading_path(text: str) -> str:
    """The passage's own words: a quote from it must not start with where it sits."""
    return _HEADING_LINE.sub("", text, count=1)


def doc_key(doc_id: str) -> str:
    """An opaque handle for a document outside the server (URLs, API citations, UI choices):
    never a path a client could read or edit."""
    return hashlib.sha256(doc_id.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Page:
    """One citable unit: a PDF page (1-based), or the whole text of a page-less format."""

    number: int
    text: str
    section: str = ""


@dataclass
class Document:
    path: Path
    title: str
    loader: str
    sha256: str
    pages: list[Page]
    metadata: dict[str, object] = field(default_factory=dict)
    unit: str = "page"  # "page" (PDF) or "section" (page-less formats: HWP, DOCX, HTML, text)

    @property
    def doc_id(self) -> str:
        """Stable identity across refreshes: the file's resolved path (content may change)."""
        return str(self.path.resolve())


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    doc_sha256: str
    file: str
    title: str
    page: int
    index: int
    text: str
    section: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    unit: str = "page"


def location_label(unit: str, number: int, section: str = "") -> str:
    """How a citation names its place: "3쪽" for a PDF page, "2번째 구역 (제목)" otherwise."""
    if unit == "page":
        return f"{number}쪽"
    return f"{number}번째 구역" + (f" ({section})" if section else "")
