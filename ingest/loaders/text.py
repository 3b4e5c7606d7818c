"""Markdown (units by heading) and plain text (one unit), in any common Korean encoding."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from search import Document, Page

from ..clean import clean_text
from .base import LoadError
from .units import split_units

_ENCODINGS = ("utf-8-sig", "cp949", "euc-kr", "utf-16")


def decode_korean(data: bytes) -> str:
    """UTF-8 first, then the legacy Korean code pages still common in public offices."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError("문자 인코딩을 알 수 없는 텍스트 파일입니다 (UTF-8 또는 CP949로 저장해 주세요)")


def _markdown_title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


class TextLoader:
    name = "text"
    revision: ClassVar[int] = 1
    suffixes: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".txt")
    magic: ClassVar[dict[str, tuple[bytes, ...]]] = {}  # text: any bytes but NUL
    inline: ClassVar[frozenset[str]] = frozenset(suffixes)  # served as text/plain, never as HTML

    def load(self, path: Path, data: bytes, sha256: str) -> Document:
        text = clean_text(decode_korean(data))
        if not text:
            raise LoadError("내용이 없는 빈 파일입니다")
        is_markdown = path.suffix.lower() in (".md", ".markdown")
        title = _markdown_title(text) if is_markdown else ""
        return Document(
            path=path,
            title=title or path.stem,
            loader=self.name,
            sha256=sha256,
            pages=split_units(text) if is_markdown else [Page(number=1, text=text)],
            unit="section",
        )
