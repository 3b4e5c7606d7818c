"""The loader interface: a file in, a `Document` of cleaned pages out, or a `LoadError`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar, Protocol

from search import Document


class LoadError(Exception):
    """A file that cannot be ingested. `reason` is a one-line Korean explanation for operators."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Loader(Protocol):
    """A format's whole knowledge: its suffixes, the first bytes each must start with (none:
    a text format, which must hold no NUL byte), which ones the browser may show inline."""

    name: str
    # Bumped when the same file would now give other text: indexed documents of an older
    # revision are parsed and indexed again (the PDF loader's is 2: text-layer repair).
    revision: ClassVar[int]
    suffixes: ClassVar[tuple[str, ...]]
    magic: ClassVar[dict[str, tuple[bytes, ...]]]
    inline: ClassVar[frozenset[str]]

    def load(self, path: Path, data: bytes, sha256: str) -> Document: ...


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
