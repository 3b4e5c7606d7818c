"""`axa-data` as operators run it: snapshot → wipe → restore comes back equal, and `check`
finds (and `--repair` fixes) a truncated manifest, a lost index and a changed source file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from axa_settings import Settings
from axa_wiring import open_index
from ingest import Manifest
from rag import FeedbackStore
from tests.conftest import SAMPLE_CORPUS


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AXA_DATA_DIR": str(data), "COLUMNS": "400"}  # no wrapped lines
    exe = Path(sys.executable).parent / args[0]
    return subprocess.run([str(exe), *args[1:]], env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def _counts(data: Path) -> tuple[int, int, int]:
    settings = Settings(data_dir=data)
    index = open_index(settings)
    try:
        points = index.count()
    finally:
        index.close()
    manifest = Manifest(settings.manifest_path)
    rows = len(manifest.all())
    manifest.close()
    feedback = FeedbackStore(settings.feedback_path)
    votes = len(feedback.rows())
    feedback.close()
    return points, rows, votes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("src") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


@pytest.fixture()
def data(tmp_path: Path, corpus: Path) -> Path:
    data = tmp_path / "data"
    ingest = _run(data, "axa-ingest", str(corpus))
    assert ingest.returncode == 0, ingest.stderr
    store = FeedbackStore(Settings(data_dir=data).feedback_path)
    store.add(rating=1, question="q", answer="a", refused=False, sources=[], settings={},
              prompt_version="v")  # fmt: skip
    store.close()
    return data


def test_snapshot_wipe_restore_round_trip(data: Path, tmp_path: Path) -> None:
    before = _counts(data)
    assert before[0] > 0 and before[1] == 4 and before[2] == 1
    snap = tmp_path / "snap"
    made = _run(data, "axa-data", "snapshot", str(snap))
    assert made.returncode == 0, made.stderr
    assert json.loads((snap / "snapshot.json").read_text())["points"] == before[0]
    refused = _run(data, "axa-data", "snapshot", str(snap))  # never over an earlier backup
    assert refused.returncode == 2 and "비어 있지 않습니다" in refused.stderr
    for part in ("qdrant-edge", "manifest.sqlite", "feedback.sqlite"):  # the wipe
        target = data / part
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    back = _run(data, "axa-data", "restore", str(snap))
    assert back.returncode == 0, back.stderr
    assert _counts(data) == before
    assert any(p.name.startswith("before-restore-") for p in data.iterdir())  # nothing lost
    checked = _run(data, "axa-data", "check")
    assert checked.returncode == 0 and "서로 맞습니다" in checked.stderr


def test_check_finds_and_repairs_a_truncated_manifest(data: Path) -> None:
    points = _counts(data)[0]
    manifest = data / "manifest.sqlite"
    manifest.write_bytes(manifest.read_bytes()[:1000])
    found = _run(data, "axa-data", "check")
    assert found.returncode == 1 and "읽을 수 없습니다" in found.stderr
    fixed = _run(data, "axa-data", "check", "--repair")
    assert fixed.returncode == 0, fixed.stderr
    assert _counts(data)[:2] == (points, 4)
    assert any(p.name.startswith("manifest.sqlite.broken-") for p in data.iterdir())


def test_check_repairs_a_lost_index_and_a_changed_file(data: Path, corpus: Path) -> None:
    points = _counts(data)[0]
    shutil.rmtree(data / "qdrant-edge")  # the index folder is gone
    md = corpus / "sLLM_데이터프리존_이용_안내.md"
    original = md.read_text(encoding="utf-8")
    try:
        md.write_text(original + "\n\n추가된 문단: 데이터프리존은 주말에도 운영한다.\n",
                      encoding="utf-8")  # fmt: skip
        found = _run(data, "axa-data", "check", "--json")
        assert found.returncode == 1
        problems = json.loads(found.stdout)["problems"]
        assert sum("색인 조각 0개" in p for p in problems) == 4
        fixed = _run(data, "axa-data", "check", "--repair", "--json")
        assert fixed.returncode == 0, fixed.stdout + fixed.stderr
        assert len(json.loads(fixed.stdout)["repaired"]) == 4
        assert _counts(data)[0] >= points and _run(data, "axa-data", "check").returncode == 0
    finally:
        md.write_text(original, encoding="utf-8")


def test_check_repairs_a_deleted_index_segment_folder(data: Path) -> None:
    points, rows, _ = _counts(data)
    segments = sorted((data / "qdrant-edge").glob("*/segments/*"))
    assert segments, "the engine keeps its points in segment folders"
    shutil.rmtree(segments[0])
    found = _run(data, "axa-data", "check")
    assert found.returncode == 1 and "색인 조각" in found.stderr, found.stderr
    fixed = _run(data, "axa-data", "check", "--repair")
    assert fixed.returncode == 0, fixed.stderr
    assert _counts(data)[:2] == (points, rows)
    assert _run(data, "axa-data", "check").returncode == 0
