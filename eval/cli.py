"""`axa-eval`: run a QA suite through the real pipeline, write the report, compare runs."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from axa_settings import load_settings
from axa_wiring import chat_model
from search import IndexBusyError
from serving import OpenAIChatModel, ServingError

from .compare import compare
from .harness import run_eval
from .judge import Judge
from .qa import QAFormatError, load_qa
from .report import HEADLINE, fmt
from .runner import read_results
from .suites import DEFAULT_SHARED, suites

app = typer.Typer(add_completion=False, help="AX-Assist answer-quality harness.")
out = Console()
err = Console(stderr=True)

SharedOpt = Annotated[Path, typer.Option("--shared", help="The shared corpus folder (docs/, qa/).")]


@app.command("suites")
def list_suites(shared: SharedOpt = DEFAULT_SHARED) -> None:
    """List the named QA suites and whether their data is here."""
    for s in suites(shared).values():
        mark = "ok     " if s.available() else "missing"
        out.print(
            f"{s.name:10} {mark} {s.description}", highlight=False, markup=False, soft_wrap=True
        )


@app.command()
def run(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for results and report.")],
    suite: Annotated[str | None, typer.Option(help="A named suite (see `suites`).")] = None,
    qa: Annotated[Path | None, typer.Option(help="A QA file: JSONL, CSV or Parquet.")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Documents for --qa.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="First N questions.")] = None,
    gate: Annotated[bool, typer.Option(help="Exit 1 when below the suite's thresholds.")] = False,
    judge_url: Annotated[str | None, typer.Option(help="OpenAI-compatible judge URL.")] = None,
    judge_model: Annotated[str, typer.Option()] = "judge",
    shared: SharedOpt = DEFAULT_SHARED,
) -> None:
    """Answer every question of a suite (or --qa/--corpus) and write report.html."""
    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    thresholds: dict[str, float] = {}
    if suite:
        known = suites(shared)
        if suite not in known:
            err.print(f"[red]Unknown suite {suite!r}; known: {', '.join(known)}")
            raise typer.Exit(2)
        s = known[suite]
        if not s.available():
            err.print(f"[red]Suite {suite!r} needs {s.qa_path} and {s.corpus}; not found.")
            raise typer.Exit(2)
        name, items, docs, thresholds = s.name, s.items(), s.corpus, s.gate
        looked_at = s.looked_at
    elif qa and corpus:
        try:
            items = load_qa(qa)
        except QAFormatError as exc:
            err.print(f"[red]{exc}")
            raise typer.Exit(2) from exc
        name, docs = qa.stem, corpus
        looked_at = ""
    else:
        err.print("[red]Give --suite NAME, or --qa FILE with --corpus DIR.")
        raise typer.Exit(2)
    items = items[:limit] if limit else items
    try:
        with chat_model(settings) as llm, _progress() as bar:
            task = bar.add_task(f"{name}", total=len(items))
            judge = Judge(OpenAIChatModel(judge_url, judge_model)) if judge_url else None
            result = run_eval(
                settings, name, items, docs, out_dir, llm, gate=thresholds, judge=judge,
                progress=lambda i, n, row: bar.update(task, completed=i), looked_at=looked_at,
            )  # fmt: skip
    except ServingError as exc:
        err.print(f"[red]LLM unavailable: {exc}")
        raise typer.Exit(4) from exc
    except IndexBusyError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(5) from exc
    for line in result.ingest_failures:
        err.print(f"[yellow]not indexed: {line}")
    _print_summary(result.summary)
    _print_failures(result.rows)
    out.print(f"report: {result.report}\nresults: {out_dir / 'results.jsonl'}")
    if result.gate_failed:
        err.print("[red]quality gate failed: " + "; ".join(result.gate_failed))
        if gate:
            raise typer.Exit(1)
    elif thresholds:
        out.print("[green]quality gate passed")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err)  # fmt: skip


def _print_summary(summary: dict) -> None:
    table = Table("metric", "value", title=f"{summary['questions']} questions")
    for key, label in HEADLINE:
        if key in summary:
            table.add_row(f"{label} ({key})", fmt(summary[key]))
    out.print(table)
    for split, figures in (summary.get("by_split") or {}).items():
        shown = ", ".join(f"{k} {fmt(v)}" for k, v in figures.items())
        out.print(f"split {split}: {shown}", highlight=False)


def _print_failures(rows: list[dict]) -> None:
    from .failures import by_class

    table = Table("class", "n", "ids", title="failures by class")
    for cls, ids in by_class(rows).items():
        table.add_row(cls, str(len(ids)), ", ".join(ids[:10]) + (" …" if len(ids) > 10 else ""))
    out.print(table)


@app.command("failures")
def failures_table(
    run_dir: Annotated[Path, typer.Argument(help="A run folder or its results.jsonl.")],
) -> None:
    """The wrong answers of a run by class (refused with evidence, wrong cell, invented item,
    arithmetic, partial, ...), with their ids."""
    _print_failures(read_results(run_dir))


@app.command("compare")
def compare_runs(
    a: Annotated[Path, typer.Argument(help="Earlier run folder or results.jsonl.")],
    b: Annotated[Path, typer.Argument(help="Later run folder or results.jsonl.")],
    fail_on_regression: Annotated[bool, typer.Option("--fail-on-regression")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Metric deltas, and each question that went from right to wrong (and back)."""
    cmp = compare(read_results(a), read_results(b))
    if as_json:
        out.print_json(json.dumps({
            "metrics": cmp.metrics,
            "regressions": [c.__dict__ for c in cmp.regressions],
            "fixes": [c.__dict__ for c in cmp.fixes],
        }, ensure_ascii=False))  # fmt: skip
    else:
        table = Table("metric", "A", "B", "Δ")
        for m, va, vb in cmp.metrics:
            delta = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
            table.add_row(m, fmt(va), fmt(vb), "–" if delta is None else f"{delta:+.3f}")
        out.print(table)
        for title, changes in (("regressions (A right, B wrong)", cmp.regressions),
                               ("fixes (A wrong, B right)", cmp.fixes)):  # fmt: skip
            out.print(f"[bold]{title}: {len(changes)}")
            for c in changes:
                out.print(f"  {c.id} {c.question}\n    A: {c.before[:120]}\n    B: {c.after[:120]}",
                          highlight=False)  # fmt: skip
    if fail_on_regression and cmp.regressions:
        raise typer.Exit(1)


@app.command("feedback")
def feedback_to_qa(
    out_file: Annotated[Path, typer.Option("--out", help="QA JSONL to write (for review).")],
    db: Annotated[Path | None, typer.Option(help="Feedback SQLite (default: data dir).")] = None,
) -> None:
    """Turn the chat's 👎 answers into a QA file: fill in `reference`, then run it as a suite."""
    from rag import FeedbackStore

    from .qa import QAItem, write_qa

    path = db or load_settings().feedback_path
    if not path.is_file():
        err.print(f"[red]No feedback database at {path}.")
        raise typer.Exit(2)
    store = FeedbackStore(path)
    try:
        rows = store.rows(rating=-1)
    finally:
        store.close()
    items = [QAItem(f"fb{r.id}", r.question, "", tuple(), False, "feedback") for r in rows]
    write_qa(items, out_file)
    notes = out_file.with_suffix(".review.jsonl")
    with notes.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"id": f"fb{r.id}", "question": r.question, "answer": r.answer,
                                "comment": r.comment, "sources": r.sources,
                                "prompt_version": r.prompt_version, "at": r.created_at},
                               ensure_ascii=False) + "\n")  # fmt: skip
    out.print(f"{len(items)} 👎 answers -> {out_file} (answers and comments: {notes})")


def main() -> None:
    app()
