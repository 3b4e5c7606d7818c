"""HTML: the main content only (menus, footers and scripts dropped), tables kept as Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from search import Document

from .base import LoadError
from .text import decode_korean
from .units import split_units


class HtmlLoader:
    name = "html"
    revision: ClassVar[int] = 1
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm")
    magic: ClassVar[dict[str, tuple[bytes, ...]]] = {}  # text: any bytes but NUL
    inline: ClassVar[frozenset[str]] = (
        frozenset()
    )  # never rendered on our origin (it could run script)

    def load(self, path: Path, data: bytes, sha256: str) -> Document:
        import trafilatura

        html = decode_korean(data)
        text = trafilatura.extract(
            html, output_format="markdown", include_tables=True, include_comments=False,
            favor_recall=True,
        )  # fmt: skip
        if not text or not text.strip():
            raise LoadError("HTML에서 본문을 찾지 못했습니다")
        meta = trafilatura.extract_metadata(html)
        title = (meta.title if meta and meta.title else "") or path.stem
        return Document(
            path=path, title=title, loader=self.name, sha256=sha256, pages=split_units(text),
            unit="section",
        )  # fmt: skip
