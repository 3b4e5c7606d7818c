"""The CLIs as users run them, against the real index and the real LLM server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from axa_settings import Settings
from axa_wiring import open_index
from serving import EmbeddedLlamaServer

pytestmark = pytest.mark.llm


def _cli(args: list[str], settings: Settings, server: EmbeddedLlamaServer):
    env = {
        **os.environ,
        "AXA_DATA_DIR": str(settings.data_dir),
        "AXA_LLM_BASE_URL": server.base_url,
        "AXA_LLM_MODEL": settings.llm_model,
    }
    bindir = Path(sys.executable).parent
    return subprocess.run(
        [str(bindir / args[0]), *args[1:]], env=env, capture_output=True, text=True, timeout=600
    )


def test_axa_ask_json(indexed: Settings, llm_server: EmbeddedLlamaServer) -> None:
    proc = _cli(["axa-ask", "--json", "대구시 AI 대전환 사업의 총 예산은?"], indexed, llm_server)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"answer", "refused", "sources"}
    assert "236억" in out["answer"] and out["refused"] is False
    assert {"file", "page", "score", "text"} <= set(out["sources"][0])
    assert ("대구_AI대전환_사업_개요.pdf", 1) in [(s["file"], s["page"]) for s in out["sources"]]


def test_axa_ask_retrieve_only(indexed: Settings, llm_server: EmbeddedLlamaServer) -> None:
    proc = _cli(["axa-ask", "--json", "--retrieve-only", "-k", "4", "울산테크노파크"], indexed,
                llm_server)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["answer"] == "" and len(out["sources"]) == 4
    assert out["sources"][0]["file"] == "울산_AI대전환_사업_개요.pdf"


def test_axa_ask_filters(indexed: Settings, llm_server: EmbeddedLlamaServer) -> None:
    base = ["axa-ask", "--json", "--retrieve-only", "-k", "10", "AI 대전환 사업 예산"]
    proc = _cli([*base, "--region", "대구", "--type", "pdf"], indexed, llm_server)
    assert proc.returncode == 0, proc.stderr
    assert {s["file"] for s in json.loads(proc.stdout)["sources"]} == {
        "대구_AI대전환_사업_개요.pdf"
    }
    proc = _cli([*base, "--kind", "공고"], indexed, llm_server)
    files = {s["file"] for s in json.loads(proc.stdout)["sources"]}
    assert files == {"2025_지역주도형_AI대전환_사업_공모_안내.md"}
    proc = _cli([*base, "--since", "3월"], indexed, llm_server)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr


def test_index_in_use_gives_an_actionable_message(
    indexed: Settings, llm_server: EmbeddedLlamaServer
) -> None:
    holder = open_index(indexed)  # the engine the CLI uses, held open by this process
    try:
        proc = _cli(["axa-ask", "대구 예산"], indexed, llm_server)
    finally:
        holder.close()
    assert proc.returncode == 5
    assert "다른 프로그램" in proc.stderr and "Traceback" not in proc.stderr


def test_embedded_server_dies_with_its_owner(llm_settings: Settings) -> None:
    """An owner killed with SIGKILL (no clean-up code runs) leaves no model server behind."""
    import signal
    import time

    from serving import is_healthy
    from tests.conftest import free_port

    port = free_port()
    code = (
        "import sys, time; from pathlib import Path; from serving import EmbeddedLlamaServer; "
        f"s = EmbeddedLlamaServer(Path({str(llm_settings.llm_model_path)!r}), alias='x', port={port}); "
        "s.start(); print('up', flush=True); time.sleep(600)"
    )
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "up"
        url = f"http://127.0.0.1:{port}/v1"
        assert is_healthy(url)
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=10)
        deadline = time.monotonic() + 20
        while is_healthy(url, timeout_s=1) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not is_healthy(url, timeout_s=1)
    finally:
        owner.kill()
