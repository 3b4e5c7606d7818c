"""`axa-ask`: one question from the terminal; streams the answer, then prints the sources."""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated

import typer
from rich.console import Console

from axa_settings import Settings, load_settings
from axa_wiring import make_assistant, make_retriever, open_store_or_exit
from ingest import format_list
from search import IndexMismatchError, SearchFilter, Store
from serving import ServingError, chat_model

from .answer import Answer, retrieval_answer

app = typer.Typer(add_completion=False)
Many = list[str] | None  # a repeatable filter option: values are alternatives
err = Console(stderr=True)


def _print_sources(console: Console, answer: Answer) -> None:
    if answer.related:
        console.print("\n[bold]찾은 관련 문서[/bold] (질문의 답은 아니지만 가까운 내용)")
        for s in answer.related:
            console.print(f"  - {s.file} {s.location}", highlight=False)
    if not answer.sources:
        return
    console.print("\n[bold]출처[/bold]")
    for s in answer.sources:
        snippet = s.text.replace("\n", " ")[:80]
        console.print(f"  [{s.ref}] {s.file} {s.location} — {snippet}…", highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="질문 (한국어)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    retrieve_only: Annotated[
        bool, typer.Option("--retrieve-only", help="Top-k sources only, no LLM call.")
    ] = False,
    k: Annotated[int | None, typer.Option("-k", "--top-k", min=1, max=50)] = None,
    kind: Annotated[Many, typer.Option("--kind", help="공고 | 매뉴얼 | 보고서 | 기타")] = None,
    region: Annotated[Many, typer.Option("--region", help="대구, 울산, ... (repeatable)")] = None,
    org: Annotated[Many, typer.Option("--org", help="Issuing organisation (repeatable)")] = None,
    file_type: Annotated[Many, typer.Option("--type", help=format_list())] = None,
    since: Annotated[str, typer.Option("--since", help="Dated on/after YYYY-MM-DD")] = "",
    until: Annotated[str, typer.Option("--until", help="Dated on/before YYYY-MM-DD")] = "",
) -> None:
    """Answer one question from the indexed documents, with citations."""
    where = SearchFilter(
        kinds=tuple(kind or ()), regions=tuple(region or ()), orgs=tuple(org or ()),
        file_types=tuple(t.lower().lstrip(".") for t in file_type or ()),
        date_from=since, date_to=until,
    )  # fmt: skip
    try:
        where.to_qdrant()
    except ValueError:
        err.print("[red]날짜는 YYYY-MM-DD 형식으로 입력해 주세요 (예: 2025-03-04).")
        raise typer.Exit(2) from None
    settings = load_settings()
    if k is not None:
        settings = settings.model_copy(update={"top_k": k})
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not question.strip():
        err.print("[red]질문을 입력해 주세요.")
        raise typer.Exit(2)
    store = open_store_or_exit(settings)
    try:
        if not store.index.exists() or store.index.count() == 0:
            err.print("[red]색인된 문서가 없습니다. 먼저 `axa-ingest 폴더` 로 문서를 색인하세요.")
            raise typer.Exit(3)
        if retrieve_only:
            result = retrieval_answer(
                make_retriever(settings, store).retrieve(question, settings.top_k, where or None)
            )
        else:
            result = _answer(settings, store, question, stream=not as_json, where=where or None)
    except IndexMismatchError as exc:
        logging.getLogger(__name__).error("%s", exc)
        err.print(f"[red]{exc.user_message}")
        raise typer.Exit(4) from exc
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif retrieve_only:
        _print_sources(Console(), result)


def _answer(
    settings: Settings, store: Store, question: str, *, stream: bool,
    where: SearchFilter | None = None,
) -> Answer:  # fmt: skip
    out = Console()
    try:
        with chat_model(settings) as llm:
            answer_stream = make_assistant(settings, store, llm).stream(question, where=where)
            for delta in answer_stream:
                if stream:
                    out.print(delta, end="", highlight=False, markup=False)
    except ServingError as exc:
        logging.getLogger(__name__).error("%s", exc)
        err.print(f"[red]{exc.user_message}")
        raise typer.Exit(4) from exc
    result = answer_stream.result
    assert result is not None
    if stream:
        out.print()
        _print_sources(out, result)
    return result


def main() -> None:
    app()
