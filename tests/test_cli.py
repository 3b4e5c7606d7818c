"""CLI exit codes and messages, in-process (no LLM needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app as eval_app
from ingest.cli import admin_app, ingest_app
from rag.cli import app as ask_app
from serving.cli import app as serve_app

runner = CliRunner()


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return {"AXA_DATA_DIR": str(tmp_path / "data"), "AXA_LLM_PORT": "1"}


def test_ingest_reports_failures_with_exit_1(env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "안내 문서.md"
    good.write_text("# 안내\n\n신청 마감은 12월 1일입니다.", encoding="utf-8")
    res = runner.invoke(ingest_app, [str(good), str(tmp_path / "missing.pdf"), "--json"], env=env)
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert (report["added"], report["failed"]) == (1, 1)
    assert report["files"][0]["reason"] == "파일이나 폴더가 없습니다"

    res = runner.invoke(ingest_app, [str(good), "--json"], env=env)
    assert res.exit_code == 0 and json.loads(res.stdout)["skipped"] == 1

    res = runner.invoke(admin_app, ["list", "--json"], env=env)
    rows = json.loads(res.stdout)
    # a path that does not exist is not a document: reported, never recorded
    assert [(r["file"], r["status"]) for r in rows] == [("안내 문서.md", "indexed")]

    res = runner.invoke(admin_app, ["remove", str(good)], env=env)
    assert res.exit_code == 0
    res = runner.invoke(admin_app, ["remove", str(good)], env=env)
    assert res.exit_code == 1


def test_ask_without_index_says_what_to_do(env: dict[str, str]) -> None:
    res = runner.invoke(ask_app, ["대구 예산은?"], env=env)
    assert res.exit_code == 3
    assert "axa-ingest" in res.stderr


def test_ask_rejects_empty_question(env: dict[str, str]) -> None:
    res = runner.invoke(ask_app, ["  "], env=env)
    assert res.exit_code == 2


def test_serve_cli(env: dict[str, str]) -> None:
    res = runner.invoke(serve_app, ["fetch-model", "gpt-99"], env=env)
    assert res.exit_code == 2 and "Unknown model" in res.stderr
    res = runner.invoke(serve_app, ["vllm", "--model", "/m/kanana", "--dry-run"], env=env)
    assert res.exit_code == 0 and res.stdout.startswith("vllm serve /m/kanana")
    res = runner.invoke(serve_app, ["status"], env=env)
    assert res.exit_code == 1 and "down" in res.stderr


def test_eval_cli_refuses_bad_input(env: dict[str, str], tmp_path: Path) -> None:
    res = runner.invoke(eval_app, ["run", "--out", str(tmp_path)], env=env)
    assert res.exit_code == 2 and "--suite" in res.stderr
    res = runner.invoke(eval_app, ["run", "--out", str(tmp_path), "--suite", "nope"], env=env)
    assert res.exit_code == 2 and "Unknown suite" in res.stderr
    bad = tmp_path / "qa.txt"
    bad.write_text("x")
    res = runner.invoke(
        eval_app,
        ["run", "--out", str(tmp_path), "--qa", str(bad), "--corpus", str(tmp_path)],
        env=env,
    )
    assert res.exit_code == 2 and "unsupported QA format" in res.stderr


def test_a_streamed_answer_the_guards_changed_is_printed_again_checked() -> None:
    from rich.console import Console

    from rag.cli import CHECKED, _print_end

    answer = {"answer": "문서에서 찾을 수 없습니다.", "sources": [], "related": []}
    out = Console(record=True, width=200)
    _print_end(out, answer, "대표자의 나이 제한이 있습니다 [3].")  # what streamed
    assert out.export_text() == f"\n{CHECKED}\n문서에서 찾을 수 없습니다.\n"
    same = {"answer": "236억 원입니다 [1].", "sources": [], "related": []}
    out = Console(record=True, width=200)
    _print_end(out, same, "236억 원입니다 [1].\n")
    assert out.export_text() == ""  # unchanged: nothing printed twice
