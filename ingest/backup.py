"""The data folder's state — index, manifest, feedback, uploads — copied out and back, and
checked: index ↔ manifest ↔ source files. SQLite files are copied with SQLite's backup API
(consistent while another connection writes); the index folder is copied while no job writes
(the caller holds the ingestor's lock, or the index itself)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .loaders import sha256_bytes
from .pipeline import Ingestor

SNAPSHOT_FILE = "snapshot.json"


@dataclass(frozen=True)
class DataParts:
    """Where each part of the state lives (built from Settings by the CLI)."""

    index_dir: Path
    manifest: Path
    feedback: Path
    uploads: Path

    def named(self) -> dict[str, Path]:
        return {"index": self.index_dir, "manifest": self.manifest, "feedback": self.feedback,
                "uploads": self.uploads}  # fmt: skip


def _sqlite_copy(src: Path, dst: Path) -> int:
    """Copy a SQLite file consistently; the number of rows of its main table."""
    if not src.exists():
        return 0
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
        table = "documents" if "manifest" in src.name else "feedback"
        try:
            return int(b.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.Error:
            return 0


def snapshot(parts: DataParts, dest: Path, points: int) -> dict[str, object]:
    """Copy the state into `dest` (a new or empty folder); what was copied, with counts."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    if parts.index_dir.exists():
        shutil.copytree(parts.index_dir, dest / "index")
    rows = _sqlite_copy(parts.manifest, dest / "manifest.sqlite")
    feedback = _sqlite_copy(parts.feedback, dest / "feedback.sqlite")
    if parts.uploads.exists():
        shutil.copytree(parts.uploads, dest / "uploads")
    info: dict[str, object] = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "index_folder": parts.index_dir.name,
        "points": points, "manifest_rows": rows, "feedback_rows": feedback,
        "uploads": sum(1 for _ in (dest / "uploads").rglob("*")) if parts.uploads.exists() else 0,
    }  # fmt: skip
    (dest / SNAPSHOT_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return info


def restore(parts: DataParts, src: Path) -> Path:
    """Put a snapshot back; the state it replaces is moved aside (returned), never deleted.
    The caller makes sure no process holds the index."""
    info = json.loads((src / SNAPSHOT_FILE).read_text())
    aside = parts.manifest.parent / f"before-restore-{time.strftime('%Y%m%d-%H%M%S')}"
    aside.mkdir(mode=0o700)
    for path in parts.named().values():
        if path.exists():
            shutil.move(str(path), aside / path.name)
    if (src / "index").exists():
        shutil.copytree(src / "index", parts.index_dir)
    for name in ("manifest", "feedback"):
        copy = src / f"{name}.sqlite"
        if copy.exists():
            _sqlite_copy(copy, parts.named()[name])
    if (src / "uploads").exists():
        shutil.copytree(src / "uploads", parts.uploads)
    assert info  # a folder without snapshot.json failed above
    return aside


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)  # Korean, one line each
    repaired: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)  # source files gone: say, never drop

    @property
    def ok(self) -> bool:
        """Nothing wrong, or everything wrong was repaired."""
        return not self.problems or (bool(self.repaired) and not self.unfixable)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "problems": self.problems, "repaired": self.repaired,
                "unfixable": self.unfixable}  # fmt: skip


def manifest_readable(path: Path) -> bool:
    if not path.exists():
        return True
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            db.execute("SELECT count(*) FROM documents").fetchone()
            return bool(ok)
    except sqlite3.Error:
        return False


def set_aside_broken(manifest: Path) -> Path:
    """An unreadable manifest is moved aside (kept for inspection), never overwritten."""
    aside = manifest.with_name(f"{manifest.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(manifest), aside)
    return aside


def indexed_sources(counts: dict[str, int]) -> list[Path]:
    """The source files the index holds points of (doc ids are resolved paths) that exist."""
    return sorted(Path(d) for d in counts if d and Path(d).is_file())


def check(ingestor: Ingestor, *, repair: bool = False) -> CheckReport:
    """Index ↔ manifest ↔ files. With `repair`: re-index documents whose points are missing or
    whose file changed, drop points no manifest row owns. A document whose file is gone keeps
    its points (still searchable) and is only reported."""
    report = CheckReport()
    counts = ingestor.index.document_counts()
    rows = {r.doc_id: r for r in ingestor.manifest.all() if r.status == "indexed"}
    redo: list[Path] = []
    for doc_id, row in rows.items():
        have = counts.get(doc_id, 0)
        path = Path(row.path)
        if have != row.chunks:
            report.problems.append(f"{row.file}: 색인 조각 {have}개 (기록은 {row.chunks}개)")
            if path.exists():
                redo.append(path)
        if not path.exists():
            gone = f"{row.file}: 원본 파일이 없습니다 (색인은 남아 검색됩니다)"
            report.problems.append(gone)
            report.unfixable.append(gone)
        elif have == row.chunks and sha256_bytes(path.read_bytes()) != row.sha256:
            report.problems.append(f"{row.file}: 원본 파일이 색인 후 바뀌었습니다")
            redo.append(path)
    orphans = [d for d in counts if d not in rows]
    for doc_id in orphans:
        report.problems.append(
            f"기록에 없는 문서의 색인 조각 {counts[doc_id]}개: {Path(doc_id).name}"
        )
    if not repair:
        return report
    ingestor.index.ensure(ingestor.embedder.dim)  # a lost index folder comes back empty
    for doc_id in orphans:
        ingestor.index.delete_document(doc_id)
        report.repaired.append(f"기록에 없는 조각을 지웠습니다: {Path(doc_id).name}")
    for path in redo:
        row = rows[str(path.resolve())]
        ingestor.manifest.remove(row.doc_id)  # forget the row so the file is indexed again
        ingestor.index.delete_document(row.doc_id)
        result = ingestor.ingest([path], optimize=False).results[0]
        report.repaired.append(f"{path.name}: 다시 색인했습니다 ({result.outcome.value})")
    return report
