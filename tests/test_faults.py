"""Faults an operator meets: a full disk during ingest (by the space check, by ENOSPC in the
middle of a document, and for real on a tiny tmpfs) and a deleted index segment folder. Each
time nothing indexed is lost and the message says what to do."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import DISK_FULL, DiskSpace, Ingestor, KoreanChunker, Manifest, Outcome
from search import KiwiBM25, VectorIndex
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ToyEmbedder

GUIDE = "sLLM_데이터프리존_이용_안내.md"
ADDED = "\n\n## 주말 운영\n\n데이터프리존은 토요일에도 오전 10시부터 오후 4시까지 문을 연다.\n"


class FullAfter:
    """A real index whose disk fills after `writes` upserts: the next raises ENOSPC."""

    def __init__(self, index: VectorIndex, writes: int) -> None:
        self._index = index
        self.writes = writes

    def upsert(self, *args: object, **kwargs: object) -> None:
        if self.writes <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.writes -= 1
        self._index.upsert(*args, **kwargs)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self._index, name)


def _ingestor(kiwi, tmp_path: Path, *, space: DiskSpace | None = None) -> Ingestor:  # type: ignore[no-untyped-def]
    return Ingestor(
        VectorIndex.open("t", path=tmp_path / "qdrant"), Manifest(tmp_path / "manifest.sqlite"),
        ToyEmbedder(), KiwiBM25(kiwi), KoreanChunker(kiwi, chunk_chars=120, overlap_chars=20),
        embed_batch=1, space=space,
    )  # fmt: skip


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


def test_no_room_fails_the_document_with_a_korean_message_and_stops_the_run(
    kiwi, corpus: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    free = {"bytes": 10**9}
    space = DiskSpace(tmp_path, reserve_bytes=1000, free_bytes=lambda _: free["bytes"])
    ingestor = _ingestor(kiwi, tmp_path, space=space)
    assert ingestor.ingest([corpus]).ok
    before = ingestor.index.count()
    guide = corpus / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    (corpus / "새_공고.md").write_text(
        "# 새 공고\n\n신청 기간은 3월 4일까지이다.\n", encoding="utf-8"
    )
    free["bytes"] = 999  # less than the reserve alone
    seen: list[str] = []
    report = ingestor.ingest([corpus], progress=lambda r, i, n: seen.append(r.reason))
    failed = [r for r in report.results if r.outcome == Outcome.FAILED]
    assert [r.reason for r in failed][:1] == [DISK_FULL] and len(failed) == 2
    assert "처리하지 않았습니다" in failed[1].reason and len(seen) == 5  # 3 unchanged
    assert ingestor.index.count() == before  # nothing written, nothing lost
    row = ingestor.manifest.get(str(guide.resolve()))
    assert row is not None and row.error == DISK_FULL and row.chunks > 0  # old version kept
    assert ingestor.index.count(str(guide.resolve())) == row.chunks
    free["bytes"] = 10**9  # room again: the same run converges
    again = ingestor.ingest([corpus])
    assert again.ok and again.count(Outcome.UPDATED) == 1 and again.count(Outcome.ADDED) == 1


def test_enospc_mid_document_drops_the_half_written_version_and_keeps_the_old(
    kiwi, corpus: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ingestor = _ingestor(kiwi, tmp_path)
    assert ingestor.ingest([corpus / GUIDE]).ok
    doc_id = str((corpus / GUIDE).resolve())
    old = ingestor.index.count(doc_id)
    guide = corpus / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8") * 2 + ADDED, encoding="utf-8")
    real = ingestor.index
    ingestor.index = FullAfter(real, writes=2)  # type: ignore[assignment]
    report = ingestor.ingest([guide], optimize=False)
    assert [(r.outcome, r.reason) for r in report.results] == [(Outcome.FAILED, DISK_FULL)]
    assert real.count(doc_id) == old  # the two batches written were dropped again
    assert not any("토요일" in h.text for h in real.document_chunks(doc_id))


def _mount_tmpfs(where: Path, size_kb: int) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                          capture_output=True)  # fmt: skip
    return done.returncode == 0


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 MB tmpfs: a real full disk without filling the machine's (RAM until unmounted)."""
    where = tmp_path / "disk"
    if os.geteuid() != 0 or not _mount_tmpfs(where, 256 * 1024):
        pytest.skip("mounting a tmpfs needs root with CAP_SYS_ADMIN")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _cli(data: Path, *args: str, reserve_mb: str = "100") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AXA_DATA_DIR": str(data), "AXA_MIN_FREE_MB": reserve_mb,
           "COLUMNS": "400"}  # fmt: skip
    exe = Path(sys.executable).parent / args[0]
    return subprocess.run([str(exe), *args[1:]], env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def test_a_really_full_disk_leaves_the_old_version_searchable(
    tiny_disk: Path, corpus: Path
) -> None:
    data = tiny_disk / "data"
    first = _cli(data, "axa-ingest", str(corpus))
    assert first.returncode == 0, first.stderr
    guide = corpus / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8") + ADDED * 40, encoding="utf-8")
    filler = tiny_disk / "filler"
    with filler.open("wb") as f:  # 64 KB more than the 100 MB reserve stay free
        f.write(b"\1" * (shutil.disk_usage(tiny_disk).free - (100 * 1024 + 64) * 1024))
    full = _cli(data, "axa-ingest", str(corpus))
    assert full.returncode == 1, (full.returncode, full.stderr)  # an error, not a SIGBUS
    assert "디스크 공간이 부족합니다" in full.stdout + full.stderr
    found = _cli(data, "axa-ask", "--retrieve-only", "--json", "데이터프리존 이용 신청 방법")
    assert found.returncode == 0, found.stderr
    assert GUIDE in found.stdout and "토요일" not in found.stdout  # the old version answers
    filler.unlink()
    again = _cli(data, "axa-ingest", "--json", str(corpus))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["updated"] == 1
    assert _cli(data, "axa-data", "check").returncode == 0
