"""File loaders, one module per format, chosen by suffix; all return `Document`."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from search import Document

from ..ocr import PageOCR
from .base import Loader, LoadError, sha256_bytes
from .html import HtmlLoader
from .office import OfficeLoader
from .pdf import PdfLoader
from .text import TextLoader, decode_korean


def make_loaders(ocr: PageOCR | None = None) -> tuple[Loader, ...]:
    return (PdfLoader(ocr), OfficeLoader(), HtmlLoader(), TextLoader())


def supported_suffixes(loaders: tuple[Loader, ...] | None = None) -> set[str]:
    return {s for loader in loaders or make_loaders() for s in loader.suffixes}


def sniff_ok(suffix: str, head: bytes, loaders: tuple[Loader, ...] | None = None) -> bool:
    """Do a file's first bytes fit the format its suffix claims?"""
    loader = loader_for(Path("x" + suffix), loaders)
    prefixes = loader.magic.get(suffix.lower())
    if prefixes:
        return head.startswith(prefixes)
    return b"\x00" not in head


def is_text_format(suffix: str, loaders: tuple[Loader, ...] | None = None) -> bool:
    return not loader_for(Path("x" + suffix), loaders).magic.get(suffix.lower())


def serve_inline(suffix: str, loaders: tuple[Loader, ...] | None = None) -> bool:
    """May the browser show the original on our origin (PDF, text), or must it download?"""
    suffix = suffix.lower()
    return any(suffix in loader.inline for loader in loaders or make_loaders())


def served_media_type(path: Path) -> str:
    """The type /doc serves a file as: text formats as plain text, never HTML."""
    if path.suffix.lower() in TextLoader.suffixes:
        return "text/plain; charset=utf-8"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def format_list(loaders: tuple[Loader, ...] | None = None) -> str:
    """For help texts: 'docx, htm, html, hwp, ...'."""
    return ", ".join(sorted(s.lstrip(".") for s in supported_suffixes(loaders)))


def parse_revision(path: Path, loaders: tuple[Loader, ...] | None = None) -> str:
    """What a document parsed now would be recorded as parsed by: "pdf:2"."""
    loader = loader_for(path, loaders)
    return f"{loader.name}:{loader.revision}"


def loader_for(path: Path, loaders: tuple[Loader, ...] | None = None) -> Loader:
    suffix = path.suffix.lower()
    for loader in loaders or make_loaders():
        if suffix in loader.suffixes:
            return loader
    raise LoadError(f"지원하지 않는 파일 형식입니다 ({suffix or '확장자 없음'})")


def read_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """Read one file with the size limit; every failure becomes a `LoadError` (Korean reason)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise LoadError(
                f"파일이 너무 큽니다 ({size / 2**20:.0f}MB > 한도 {max_bytes / 2**20:.0f}MB)"
            )
        if size == 0:
            raise LoadError("내용이 없는 빈 파일입니다")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"파일을 읽을 수 없습니다 ({exc.strerror or type(exc).__name__})") from exc
    return data


def parse(
    path: Path, data: bytes, sha256: str, loaders: tuple[Loader, ...] | None = None
) -> Document:
    return loader_for(path, loaders).load(path, data, sha256)


def load_file(
    path: Path, *, max_bytes: int | None = None, loaders: tuple[Loader, ...] | None = None
) -> Document:
    """Read and parse one file; every failure becomes a `LoadError` with a Korean reason."""
    loader_for(path, loaders)  # refuse unsupported types before reading them
    data = read_file(path, max_bytes=max_bytes)
    return parse(path, data, sha256_bytes(data), loaders)


__all__ = [
    "LoadError",
    "Loader",
    "decode_korean",
    "format_list",
    "is_text_format",
    "load_file",
    "loader_for",
    "make_loaders",
    "parse",
    "read_file",
    "serve_inline",
    "served_media_type",
    "sha256_bytes",
    "sniff_ok",
    "supported_suffixes",
]
