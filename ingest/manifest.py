"""What is indexed, by content hash: the record that makes re-ingest incremental."""

from __future__ import annotations

import json
import sqlite3
import threading
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
    ingested_at TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '',
    revision    TEXT NOT NULL DEFAULT '',
    card        TEXT NOT NULL DEFAULT '',
    card_revision TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
"""
_COLUMNS = (
    "doc_id, path, file, title, sha256, loader, pages, chunks, status, error, ingested_at,"
    " metadata, revision, card, card_revision"
)
_ADDED_LATER = ("metadata", "revision", "card", "card_revision")  # older manifests lack them


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
    metadata: str = ""  # JSON of the filter fields (ingest/metadata.py); "" before they existed
    revision: str = ""  # what made the indexed text ("pdf:5 chunks:2"); "" before revisions
    card: str = ""  # JSON of the notice card (notices/); "" for a document that is no notice
    card_revision: str = ""  # the card reader's revision that read it

    @property
    def parsed_by(self) -> str:
        return self.revision or f"{self.loader}:1"

    @property
    def meta(self) -> dict[str, object]:
        return json.loads(self.metadata) if self.metadata else {}


class Manifest:
    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        # the chat's operator page reads and writes it from Gradio's worker threads
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.RLock()
        self._db.executescript(_SCHEMA)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(documents)")}
        for column in _ADDED_LATER:
            if column not in columns:
                self._db.execute(
                    f"ALTER TABLE documents ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
                )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def get(self, doc_id: str) -> ManifestRow | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM documents WHERE doc_id = ?",
                                   (doc_id,)).fetchone()  # fmt: skip
        return ManifestRow(*row) if row else None

    def all(self) -> list[ManifestRow]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM documents ORDER BY file").fetchall()
        return [ManifestRow(*r) for r in rows]

    def cards(self) -> list[str]:
        """The stored notice cards (JSON) of indexed documents."""
        with self._lock:
            rows = self._db.execute(
                "SELECT card FROM documents WHERE status = 'indexed' AND card != '' ORDER BY file"
            ).fetchall()
        return [r[0] for r in rows]

    def last_refresh(self) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT max(ingested_at) FROM documents").fetchone()
        return row[0] if row else None

    def record(
        self, *, doc_id: str, path: str, file: str, title: str, sha256: str, loader: str,
        pages: int, chunks: int, status: str, error: str = "", metadata: str = "",
        revision: str = "", card: str = "", card_revision: str = "",
    ) -> None:  # fmt: skip
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO documents ({_COLUMNS}) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, path, file, title, sha256, loader, pages, chunks, status, error, now,
                 metadata, revision, card, card_revision),
            )  # fmt: skip
            self._db.commit()

    def set_card(self, doc_id: str, card: str, card_revision: str) -> None:
        """A card read again (a newer reader) without indexing the document again."""
        with self._lock:
            self._db.execute("UPDATE documents SET card = ?, card_revision = ? WHERE doc_id = ?",
                             (card, card_revision, doc_id))  # fmt: skip
            self._db.commit()

    def mark_failed(self, doc_id: str, error: str) -> None:
        """Keep an indexed version's record (its points stay searchable) but note the failure."""
        with self._lock:
            self._db.execute("UPDATE documents SET error = ? WHERE doc_id = ?", (error, doc_id))
            self._db.commit()

    def setting(self, key: str) -> str | None:
        """What the index was built with (the embedder's name): a change means re-indexing."""
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))
            self._db.commit()

    def remove(self, doc_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._db.commit()
