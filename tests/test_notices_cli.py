"""`axa-notices` and `axa-eligibility` as operators run them: the JSON the issue names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import Manifest
from notices import read_card
from tests.conftest import free_port
from tests.test_notices import NOTICE, _doc


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("notices-data")
    manifest = Manifest(data / "manifest.sqlite")
    for name, text in (("대구_AI전환_모집공고.pdf", NOTICE),
                       ("부산_AI바우처_공고.pdf", NOTICE.replace("대구", "부산").replace(
                           "2026. 3. 27.(금) 18:00", "2026. 5. 29.(금) 17:00"))):  # fmt: skip
        card = read_card(_doc(text, name))
        assert card is not None
        manifest.record(
            doc_id=f"/corpus/{name}", path=f"/corpus/{name}", file=name, title=name, sha256="s",
            loader="pdf", pages=1, chunks=1, status="indexed", metadata="{}",
            card=json.dumps(card.to_storage(), ensure_ascii=False), card_revision="1",
        )  # fmt: skip
    manifest.close()
    return data


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # no LLM server answers on this port: the company is read by the rules alone
    env = {**os.environ, "AXA_DATA_DIR": str(data), "AXA_LLM_PORT": str(free_port())}
    exe = Path(sys.executable).parent / args[0]
    return subprocess.run([str(exe), *args[1:]], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_axa_notices_json_and_the_open_filter(data_dir: Path) -> None:
    proc = _run(data_dir, "axa-notices", "--json", "--today", "2026-04-10")
    assert proc.returncode == 0, proc.stderr
    cards = {c["file"]: c for c in json.loads(proc.stdout)}
    daegu = cards["대구_AI전환_모집공고.pdf"]
    assert daegu["program"] == "2026년 대구 AI 전환 지원사업" and daegu["organizer"] == "대구광역시"
    assert daegu["apply_start"] == "2026-03-09T00:00:00+09:00"
    assert daegu["apply_end"] == "2026-03-27T18:00:00+09:00"
    assert daegu["status"] == "closed" and cards["부산_AI바우처_공고.pdf"]["status"] == "open"
    assert daegu["fields"]["documents"] == {
        "text": "신청서, 사업자등록증, 중소기업확인서",
        "page": 1,
    }
    proc = _run(data_dir, "axa-notices", "--json", "--open", "--today", "2026-04-10")
    assert [c["file"] for c in json.loads(proc.stdout)] == ["부산_AI바우처_공고.pdf"]
    table = _run(data_dir, "axa-notices", "--today", "2026-04-10")
    assert table.returncode == 0 and "접수 중 (D-49)" in table.stdout and "마감" in table.stdout
    bad = _run(data_dir, "axa-notices", "--today", "2026-13-01")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_axa_eligibility_json(data_dir: Path) -> None:
    profile = "대구 소재 중소기업, 제조업, 직원 12명, 업력 3년, 수혜 이력 없음, 결격사유 없음"
    proc = _run(data_dir, "axa-eligibility", "--json", "--profile", profile,
                "--today", "2026-03-20")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["profile"]["region"] == "대구" and out["profile"]["employees"] == 12
    results = {r["file"]: r for r in out["results"]}
    assert results["대구_AI전환_모집공고.pdf"]["verdict"] == "eligible"
    assert results["부산_AI바우처_공고.pdf"]["verdict"] == "ineligible"
    unmet = [c for c in results["부산_AI바우처_공고.pdf"]["conditions"] if c["status"] == "unmet"]
    assert unmet and unmet[0]["page"] == 1 and "부산" in unmet[0]["text"] and unmet[0]["why"]
    assert out["results"][0]["file"] == "대구_AI전환_모집공고.pdf"  # the nearer deadline first
    one = _run(data_dir, "axa-eligibility", "--json", "--profile", profile, "--file", "부산")
    assert [r["file"] for r in json.loads(one.stdout)["results"]] == ["부산_AI바우처_공고.pdf"]
    text = _run(data_dir, "axa-eligibility", "--profile", profile, "--today", "2026-03-20")
    assert text.returncode == 0 and "신청 가능" in text.stdout and "입력한 회사 정보" in text.stdout
    missing = _run(data_dir, "axa-eligibility", "--profile", profile, "--file", "없는공고")
    assert missing.returncode == 3 and "찾을 수 없습니다" in missing.stderr
    huge = _run(data_dir, "axa-eligibility", "--profile", "가" * 600)
    assert huge.returncode == 2
