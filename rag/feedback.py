"""👍/👎 on answers, kept with everything needed to reproduce them: question, answer, sources,
prompt version and the answering settings. 👎 rows become a QA file for review
(`axa-eval feedback`)."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- 1 = 👍, -1 = 👎
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    sources TEXT NOT NULL,            -- JSON: [{"ref","file","page","location"}]
    prompt_version TEXT NOT NULL,
    settings TEXT NOT NULL            -- JSON: model, top_k, thresholds, ...
)
"""


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    rating: int
    comment: str
    question: str
    answer: str
    refused: bool
    sources: list[dict[str, object]]
    prompt_version: str
    settings: dict[str, object]


class FeedbackStore:
    """One SQLite file; safe for the chat's worker threads (one lock, short transactions)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(_SCHEMA)

    def add(
        self,
        *,
        rating: int,
        question: str,
        answer: str,
        refused: bool,
        sources: list[dict[str, object]],
        prompt_version: str,
        settings: dict[str, object],
        comment: str = "",
    ) -> int:
        if rating not in (1, -1):
            raise ValueError("rating must be 1 (👍) or -1 (👎)")
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, refused,"
                " sources, prompt_version, settings) VALUES (?,?,?,?,?,?,?,?,?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), rating, comment[:2000],
                 question, answer, int(refused), json.dumps(sources, ensure_ascii=False),
                 prompt_version, json.dumps(settings, ensure_ascii=False)),
            )  # fmt: skip
            return int(cur.lastrowid or 0)

    def set_comment(self, row_id: int, comment: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE feedback SET comment = ? WHERE id = ?",
                             (comment[:2000], row_id))  # fmt: skip

    def rows(self, rating: int | None = None) -> list[FeedbackRow]:
        sql = "SELECT * FROM feedback" + (" WHERE rating = ?" if rating else "") + " ORDER BY id"
        with self._lock:
            cur = self._db.execute(sql, (rating,) if rating else ())
            return [
                FeedbackRow(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    bool(r[6]),
                    json.loads(r[7]),
                    r[8],
                    json.loads(r[9]),
                )
                for r in cur.fetchall()
            ]

    def close(self) -> None:
        self._db.close()
