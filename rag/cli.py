"""`axa-ask`: one question from the terminal; streams the answer, then prints the sources."""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from axa_settings import Settings, load_settings
from axa_wiring import chat_model, make_assistant, make_retriever, open_store_or_exit
from ingest import ControlError, format_list, remote_events, server_running
from search import IndexMismatchError, SearchFilter, Store
from serving import ServingError

from .answer import Answer, retrieval_answer
from .remote import filter_json

app = typer.Typer(add_completion=False)
Many = list[str] | None  # a repeatable filter option: values are alternatives
err = Console(stderr=True)


CHECKED = "확인 결과 고친 답변 (위 글 대신 이 답변을 보세요):"


def _print_end(console: Console, answer: dict[str, Any], shown: str) -> None:
    """After a streamed answer: the checked answer when the guards changed what streamed
    (a dropped sentence, a refusal), then the sources. Local and remote answers alike."""
    final = str(answer.get("answer", ""))
    if final.strip() != shown.strip():
        console.print(f"\n{CHECKED}", style="bold")
        console.print(final, highlight=False, markup=False)
    _print_sources(console, answer)


def _print_sources(console: Console, answer: dict[str, Any]) -> None:
    """From the answer's JSON form, the same for a local and a remote answer."""
    if answer.get("related"):
        console.print("\n[bold]찾은 관련 문서[/bold] (질문의 답은 아니지만 가까운 내용)")
        for s in answer["related"]:
            console.print(f"  - {s['file']} {s['location']}", highlight=False, markup=False)
    if not answer.get("sources"):
        return
    console.print("\n[bold]출처[/bold]")
    for s in answer["sources"]:
        snippet = str(s["text"]).replace("\n", " ")[:80]
        console.print(f"  [{s['ref']}] {s['file']} {s['location']} — {snippet}…",
                      highlight=False, markup=False)  # fmt: skip


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
    if settings.qdrant_url is None and server_running(settings.data_dir):
        # the running chat or API server holds the embedded index: it answers
        err.print("실행 중인 서버에 질문을 보냅니다.")
        done = _remote(settings, question, where=where or None, retrieve_only=retrieve_only,
                       stream=not as_json)  # fmt: skip
        _show(done, as_json=as_json, printed=not as_json and not retrieve_only)
        return
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
    _show(result.to_dict(), as_json=as_json, printed=not as_json and not retrieve_only)


def _show(answer: dict[str, Any], *, as_json: bool, printed: bool) -> None:
    """`printed`: the answer text has streamed already and its sources with it."""
    if as_json:
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    elif not printed:
        _print_sources(Console(), answer)


def _remote(
    settings: Settings, question: str, *, where: SearchFilter | None, retrieve_only: bool,
    stream: bool,
) -> dict[str, Any]:  # fmt: skip
    out = Console()
    request: dict[str, object] = {
        "cmd": "ask", "question": question, "filter": filter_json(where),
        "retrieve_only": retrieve_only,
    }  # fmt: skip
    shown = ""
    try:
        for event in remote_events(settings.data_dir, request):
            if event.get("event") == "delta" and stream:
                shown += str(event.get("text", ""))
                out.print(str(event.get("text", "")), end="", highlight=False, markup=False)
            elif event.get("event") == "report":
                answer = event.get("answer")
                if isinstance(answer, dict):
                    if stream and not retrieve_only:
                        out.print()
                        _print_end(out, answer, shown)
                    return answer
    except ControlError as exc:
        logging.getLogger(__name__).error("remote question failed: %s", exc)
        err.print(f"[red]{exc.user_message}")
        raise typer.Exit(4) from exc
    err.print("[red]서버가 답을 보내지 않고 연결을 끊었습니다.")
    raise typer.Exit(4)


def _answer(
    settings: Settings, store: Store, question: str, *, stream: bool,
    where: SearchFilter | None = None,
) -> Answer:  # fmt: skip
    out = Console()
    shown = ""
    try:
        with chat_model(settings) as llm:
            answer_stream = make_assistant(settings, store, llm).stream(question, where=where)
            for delta in answer_stream:
                if stream:
                    shown += delta
                    out.print(delta, end="", highlight=False, markup=False)
    except ServingError as exc:
        logging.getLogger(__name__).error("%s", exc)
        err.print(f"[red]{exc.user_message}")
        raise typer.Exit(4) from exc
    result = answer_stream.result
    assert result is not None
    if stream:
        out.print()
        _print_end(out, result.to_dict(), shown)
    return result


def main() -> None:
    app()
