"""What is indexed, by content hash: the record that makes re-ingest incremental."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id      TEXT PRIMARY KEY,
    path        TEXT NOT NULL,
    file        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL,
    loader      TEXT NOT NULL DEFAULT '',
    pages       INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    ingested_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class ManifestRow:
    doc_id: str
    path: str
    file: str
    title: str
    sha256: str
    loader: str
    pages: int
    chunks: int
    status: str  # "indexed" | "failed"
    error: str
    ingested_at: str


class Manifest:
    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute(_SCHEMA)
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def get(self, doc_id: str) -> ManifestRow | None:
        cur = self._db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        row = cur.fetchone()
        return ManifestRow(*row) if row else None

    def all(self) -> list[ManifestRow]:
        return [ManifestRow(*r) for r in self._db.execute("SELECT * FROM documents ORDER BY file")]

    def last_refresh(self) -> str | None:
        row = self._db.execute("SELECT max(ingested_at) FROM documents").fetchone()
        return row[0] if row else None

    def record(
        self, *, doc_id: str, path: str, file: str, title: str, sha256: str, loader: str,
        pages: int, chunks: int, status: str, error: str = "",
    ) -> None:  # fmt: skip
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self._db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, path, file, title, sha256, loader, pages, chunks, status, error, now),
        )
        self._db.commit()

    def mark_failed(self, doc_id: str, error: str) -> None:
        """Keep an indexed version's record (its points stay searchable) but note the failure."""
        self._db.execute("UPDATE documents SET error = ? WHERE doc_id = ?", (error, doc_id))
        self._db.commit()

    def remove(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        self._db.commit()
