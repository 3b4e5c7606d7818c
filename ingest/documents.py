"""The shared return type of every loader, and the chunks made from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    metadata: dict[str, str] = field(default_factory=dict)

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
    metadata: dict[str, str] = field(default_factory=dict)
