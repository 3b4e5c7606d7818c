"""`axa-ingest`: the operators' command to refresh the corpus.

axa-ingest PATH...        add new, replace changed, skip unchanged files
axa-ingest list           what is indexed (and what failed, with reasons)
axa-ingest remove PATH... drop documents from the index
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from axa_settings import Settings, load_settings
from axa_wiring import data_parts, exit_with, make_ingestor, open_store_or_exit

from .backup import (
    SNAPSHOT_FILE,
    check,
    indexed_sources,
    manifest_readable,
    restore,
    set_aside_broken,
    snapshot,
)
from .control import ControlError, remote_ingest, remote_job, remote_remove, server_running
from .manifest import Manifest
from .pipeline import FileResult, IngestReport, Outcome
from .pipeline import Progress as IngestProgress

ingest_app = typer.Typer(add_completion=False, help=__doc__)
admin_app = typer.Typer(add_completion=False, help=__doc__)
err = Console(stderr=True)

_STYLE = {Outcome.ADDED: "green", Outcome.UPDATED: "cyan", Outcome.SKIPPED: "dim",
          Outcome.FAILED: "red", Outcome.REMOVED: "yellow"}  # fmt: skip
_LABEL = {Outcome.ADDED: "추가", Outcome.UPDATED: "갱신", Outcome.SKIPPED: "변경 없음",
          Outcome.FAILED: "실패", Outcome.REMOVED: "삭제"}  # fmt: skip


def _summary(report: IngestReport) -> Table:
    table = Table(title="색인 결과", show_lines=False)
    for col in ("파일", "결과", "쪽", "청크", "사유"):
        table.add_column(col)
    for r in report.results:
        table.add_row(r.file, f"[{_STYLE[r.outcome]}]{_LABEL[r.outcome]}[/]", str(r.pages),
                      str(r.chunks), r.reason)  # fmt: skip
    table.caption = (
        f"추가 {report.count(Outcome.ADDED)} · 갱신 {report.count(Outcome.UPDATED)} · "
        f"변경 없음 {report.count(Outcome.SKIPPED)} · 실패 {report.count(Outcome.FAILED)} · "
        f"삭제 {report.count(Outcome.REMOVED)} · "
        f"{report.pages}쪽, 청크 {report.chunks_written}개, {report.seconds:.1f}초"
    )
    return table


@ingest_app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report on stdout.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop indexed documents whose files are gone.")
    ] = False,
) -> None:
    """Index files and folders (PDF, HWP, HWPX, DOCX, HTML, Markdown, text) incrementally.

    While axa-chat or axa-api holds the embedded index, the job runs inside that server (over
    the control socket in the data folder) and answers keep flowing."""
    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    remote = server_running(settings.data_dir)
    if remote:
        err.print(
            "실행 중인 서버(axa-chat 또는 axa-api)에 색인 작업을 맡깁니다. 답변은 계속됩니다."
        )
    with Progress(
        TextColumn("[bold]색인"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=err, transient=True, disable=as_json,
    ) as bar:  # fmt: skip
        task = bar.add_task("", total=None)
        started = time.perf_counter()
        pages = chunks = 0

        def step(result: FileResult, done: int, total: int) -> None:
            nonlocal pages, chunks
            if result.outcome in (Outcome.ADDED, Outcome.UPDATED):
                pages, chunks = pages + result.pages, chunks + result.chunks
            rate = chunks / max(time.perf_counter() - started, 1e-6)
            info = f"{pages}쪽 · 청크 {chunks}개 ({rate:.0f}/s) · {result.file}"
            bar.update(task, completed=done, total=total, description=info)

        if remote:
            try:
                report = remote_ingest(settings.data_dir, paths, progress=step,
                                       dry_run=dry_run, prune=prune)  # fmt: skip
            except ControlError as exc:
                exit_with(err, exc, 6)
        else:
            report = _local_ingest(settings, paths, step, dry_run, prune)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        Console().print(_summary(report))
    raise typer.Exit(0 if report.ok else 1)


def _local_ingest(
    settings: Settings, paths: list[Path], step: IngestProgress, dry_run: bool, prune: bool
) -> IngestReport:
    with err.status("모델과 색인을 여는 중..."):
        store = open_store_or_exit(settings)
        ingestor = make_ingestor(settings, store)
    try:
        report = ingestor.ingest(paths, progress=step, dry_run=dry_run, prune=prune,
                                 optimize=False)  # fmt: skip
        changed = report.count(Outcome.ADDED) + report.count(Outcome.UPDATED)
        if not dry_run and changed + report.count(Outcome.REMOVED):
            with err.status("검색 색인을 정리하는 중 (큰 색인은 몇 분 걸립니다)..."):
                store.index.optimize()
    finally:
        ingestor.manifest.close()
        store.close()
    return report


@admin_app.command("list")
def list_documents(
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List indexed documents with status and errors."""
    settings = load_settings()
    manifest = Manifest(settings.manifest_path)
    rows = manifest.all()
    manifest.close()
    if as_json:
        sys.stdout.write(json.dumps([r.__dict__ for r in rows], ensure_ascii=False) + "\n")
        return
    table = Table(title=f"색인된 문서 ({len(rows)}개)")
    for col in ("파일", "상태", "쪽", "청크", "색인 시각", "오류"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.file, r.status, str(r.pages), str(r.chunks), r.ingested_at, r.error)
    Console().print(table)


@admin_app.command()
def remove(paths: Annotated[list[Path], typer.Argument(help="Indexed files to drop.")]) -> None:
    """Remove documents from the index (the files themselves are not touched)."""
    settings = load_settings()
    if server_running(settings.data_dir):
        try:
            removed = set(remote_remove(settings.data_dir, paths))
        except ControlError as exc:
            exit_with(err, exc, 6)
        for p in paths:
            if str(p.resolve()) in removed:
                err.print(f"삭제함: {p}")
            else:
                err.print(f"[red]색인에 없는 문서입니다: {p}")
        raise typer.Exit(1 if len(removed) < len(paths) else 0)
    store = open_store_or_exit(settings)
    ingestor = make_ingestor(settings, store)
    missing = 0
    try:
        for p in paths:
            if ingestor.remove(str(p.resolve())):
                err.print(f"삭제함: {p}")
            else:
                err.print(f"[red]색인에 없는 문서입니다: {p}")
                missing += 1
    finally:
        ingestor.manifest.close()
        store.close()
    raise typer.Exit(1 if missing else 0)


data_app = typer.Typer(
    add_completion=False,
    help="""`axa-data`: back up, restore and check
the data folder (index, manifest, feedback, uploads).""",
)


@data_app.command("snapshot")
def data_snapshot(dest: Annotated[Path, typer.Argument(help="A new or empty folder.")]) -> None:
    """Copy the state to DEST; consistent while axa-chat or axa-api serves (it pauses writes)."""
    settings = load_settings()
    if dest.exists() and any(dest.iterdir()):
        err.print(f"[red]{dest} 폴더가 비어 있지 않습니다. 새 폴더를 지정하세요.")
        raise typer.Exit(2)
    try:
        if server_running(settings.data_dir):
            info = remote_job(
                settings.data_dir, {"cmd": "snapshot", "paths": [str(dest.resolve())]}
            )
        else:
            store = open_store_or_exit(settings)
            try:
                info = snapshot(data_parts(settings), dest, store.index.count())
            finally:
                store.close()
    except ControlError as exc:
        exit_with(err, exc, 6)
    err.print(f"백업했습니다: 색인 조각 {info['points']}개, 문서 기록 {info['manifest_rows']}건, "
              f"피드백 {info['feedback_rows']}건 → {dest}")  # fmt: skip


@data_app.command("restore")
def data_restore(src: Annotated[Path, typer.Argument(help="A folder made by snapshot.")]) -> None:
    """Put a snapshot back (the current state is moved aside, not deleted)."""
    settings = load_settings()
    if not (src / SNAPSHOT_FILE).is_file():
        err.print(f"[red]{src} 는 axa-data snapshot 으로 만든 백업 폴더가 아닙니다.")
        raise typer.Exit(2)
    if server_running(settings.data_dir):
        err.print("[red]실행 중인 서버(axa-chat 또는 axa-api)를 멈춘 뒤 복원하세요.")
        raise typer.Exit(6)
    open_store_or_exit(settings).close()  # nobody else holds the index
    aside = restore(data_parts(settings), src)
    want = json.loads((src / SNAPSHOT_FILE).read_text())
    store = open_store_or_exit(settings)
    manifest = Manifest(settings.manifest_path)
    try:
        points, rows = store.index.count(), len(manifest.all())
    finally:
        manifest.close()
        store.close()
    same = points == want["points"] and rows == want["manifest_rows"]
    err.print(f"복원했습니다: 색인 조각 {points}개, 문서 기록 {rows}건 "
              f"(이전 상태는 {aside} 에 있습니다)")  # fmt: skip
    if not same:
        err.print(
            f"[red]백업과 다릅니다 (백업: 조각 {want['points']}개, 기록 {want['manifest_rows']}건)."
        )
    raise typer.Exit(0 if same else 1)


@data_app.command("check")
def data_check(
    repair: Annotated[bool, typer.Option("--repair", help="Re-index what is off.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Index ↔ manifest ↔ source files; --repair re-indexes from the source files."""
    settings = load_settings()
    if server_running(settings.data_dir):
        try:
            out = remote_job(settings.data_dir, {"cmd": "check", "repair": repair})
        except ControlError as exc:
            exit_with(err, exc, 6)
    else:
        out = _local_check(settings, repair)
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        for line in _lines(out, "problems"):
            err.print(f"[yellow]문제: {line}")
        for line in _lines(out, "repaired"):
            err.print(f"[green]고침: {line}")
        if out.get("ok") and not out.get("problems"):
            err.print("[green]색인, 문서 기록, 원본 파일이 서로 맞습니다.")
    raise typer.Exit(0 if out.get("ok") else 1)


def _lines(out: dict[str, object], key: str) -> list[str]:
    value = out.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _local_check(settings: Settings, repair: bool) -> dict[str, object]:
    store = open_store_or_exit(settings)
    try:
        extra: list[str] = []
        if not manifest_readable(settings.manifest_path):
            if not repair:
                broken = (
                    "문서 기록(manifest.sqlite)을 읽을 수 없습니다: "
                    "axa-data check --repair 로 색인과 원본 파일에서 다시 만드세요"
                )
                return {"ok": False, "problems": [broken], "repaired": [], "unfixable": []}
            aside = set_aside_broken(settings.manifest_path)
            sources = indexed_sources(store.index.document_counts())
            ingestor = make_ingestor(settings, store)
            ingestor.ingest(sources, optimize=False)
            ingestor.manifest.close()
            extra = [f"읽을 수 없는 문서 기록을 {aside.name} 로 옮기고 원본 {len(sources)}개로 "
                     "다시 만들었습니다"]  # fmt: skip
        ingestor = make_ingestor(settings, store)
        try:
            report = check(ingestor, repair=repair)
        finally:
            ingestor.manifest.close()
        out = report.to_dict()
        if extra:
            out["problems"] = [*extra, *report.problems]
            out["repaired"] = [*extra, *report.repaired]
            out["ok"] = not report.unfixable
        return out
    finally:
        store.close()


def data_main() -> None:
    data_app()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("list", "remove"):
        admin_app()
    else:
        ingest_app()
