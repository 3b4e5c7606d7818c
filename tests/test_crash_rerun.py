"""kill -9 in the middle of an ingest, run again: the index converges, no duplicates or orphans."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from axa_settings import Settings
from axa_wiring import open_index
from ingest import Manifest


def _indexed_rows(db: Path) -> int:
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM documents WHERE status='indexed'").fetchone()[
                0
            ]
    except sqlite3.Error:
        return 0


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_kill_nine_then_rerun_converges(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(12):
        body = "\n\n".join(
            f"{i}번 공고의 {j}번째 문단입니다. 지원 한도는 {i * 10 + j}억 원입니다."
            for j in range(40)
        )
        (inbox / f"공고_{i:02d}.md").write_text(f"# 공고 {i}\n\n{body}", encoding="utf-8")
    env = {**os.environ, "AXA_DATA_DIR": str(tmp_path / "data"), "AXA_OCR": "false",
           "AXA_EMBED_BATCH": "8"}  # fmt: skip
    cmd = [str(Path(sys.executable).parent / "axa-ingest"), str(inbox), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp_path / "data" / "manifest.sqlite"
    deadline = time.monotonic() + 180
    while _indexed_rows(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    children = _children(proc.pid)
    assert children, "the ingest should have started parser processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{c}").exists() for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [c for c in children if Path(f"/proc/{c}").exists()], "orphaned parser processes"
    done_before = _indexed_rows(db)
    assert 3 <= done_before < 12, "the kill should land mid-run"

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr

    settings = Settings(data_dir=tmp_path / "data")
    manifest = Manifest(settings.manifest_path)
    rows = {r.doc_id: r for r in manifest.all()}
    manifest.close()
    assert len(rows) == 12 and all(r.status == "indexed" for r in rows.values())
    index = open_index(settings)
    points, offset = [], None
    while True:
        batch, offset = index.client.scroll(settings.collection, limit=256, offset=offset)
        points += batch
        if offset is None:
            break
    index.close()
    assert len(points) == sum(r.chunks for r in rows.values())  # no duplicates
    for p in points:  # no orphans: every point belongs to the indexed version of its document
        assert p.payload is not None and p.payload["doc_sha256"] == rows[p.payload["doc_id"]].sha256
    ids = [str(p.id) for p in points]
    assert len(ids) == len(set(ids))
