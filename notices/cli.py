"""`axa-notices` and `axa-eligibility`: the notice cards and the eligibility check on the CLI.

axa-notices [--json] [--open] [--today YYYY-MM-DD]
axa-eligibility --profile "대구 소재 제조업, 직원 30명, …" [--file NAME] [--json] [--today …]
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from axa_settings import load_settings
from axa_wiring import make_notice_board, running_llm

from .board import NoticeBoard
from .book import find_card
from .dates import SEOUL
from .deadline import end_text, seoul_now, status, status_label
from .eligibility import STATUS_LABELS, VERDICT_LABELS
from .profile import MAX_PROFILE_CHARS

notices_app = typer.Typer(add_completion=False, help=__doc__)
eligibility_app = typer.Typer(add_completion=False, help=__doc__)
err = Console(stderr=True)
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Judge deadlines as of this day (YYYY-MM-DD).")
]


def _now(today: str | None) -> datetime:
    if not today:
        return seoul_now()
    try:
        day = date.fromisoformat(today.strip())
    except ValueError:
        err.print("[red]--today 는 YYYY-MM-DD 형식으로 입력해 주세요 (예: 2026-02-10).")
        raise typer.Exit(2) from None
    return datetime.combine(day, time(12, 0), tzinfo=SEOUL)


def _board(today: str | None, use_model: bool = False) -> NoticeBoard:
    """`use_model`: read the company with the model when an LLM server already answers
    (never started here); the patterns alone otherwise."""
    settings = load_settings()
    if not settings.manifest_path.exists():
        err.print("[red]색인된 문서가 없습니다. 먼저 `axa-ingest 폴더` 로 문서를 색인하세요.")
        raise typer.Exit(3)
    llm = running_llm(settings) if use_model else None
    if use_model and llm is None:
        err.print("(실행 중인 언어 모델 서버가 없어 규칙으로만 회사 정보를 읽습니다)")
    board = make_notice_board(settings, llm=llm)
    return board.at(_now(today)) if today else board


@notices_app.command()
def notices(
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
    only_open: Annotated[bool, typer.Option("--open", help="Only notices open now.")] = False,
    today: TodayOption = None,
) -> None:
    """List the notice cards: program, organiser, 접수기간, status, file."""
    board = _board(today)
    if as_json:
        listing = board.listing(only_open)
        sys.stdout.write(json.dumps(listing, ensure_ascii=False) + "\n")
        return
    now = board.now()
    cards = board.cards()
    if only_open:
        cards = [c for c in cards if status(c, now) == "open"]
    table = Table(title=f"공고 {len(cards)}건 ({now.date().isoformat()} 기준)")
    for col in ("사업", "주관", "접수기간", "상태", "파일"):
        table.add_column(col)
    for c in cards:
        start = c.apply_start.date().isoformat() if c.apply_start else "?"
        period = f"{start} ~ {end_text(c)}" if c.apply_end else "알 수 없음"
        table.add_row(c.program, c.organizer or "-", period, status_label(c, now), c.file)
    Console().print(table)


@eligibility_app.command()
def eligibility(
    profile: Annotated[str, typer.Option("--profile", help="The company, in a Korean sentence.")],
    file: Annotated[
        str | None, typer.Option("--file", help="Check one notice (file name).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    today: TodayOption = None,
    model: Annotated[
        bool,
        typer.Option(
            "--model/--no-model",
            help="Read the company with the LLM (a running server) cross-checked by the rules.",
        ),
    ] = True,
) -> None:
    """Check a company profile against every notice (open ones first) or one."""
    if not profile.strip() or len(profile) > MAX_PROFILE_CHARS:
        err.print(f"[red]회사 정보를 {MAX_PROFILE_CHARS}자 이내의 문장으로 입력해 주세요.")
        raise typer.Exit(2)
    board = _board(today, model)
    now = board.now()
    if file and not find_card(board.cards(), file):
        err.print(f"[red]'{file}' 공고를 찾을 수 없습니다. `axa-notices` 로 목록을 확인하세요.")
        raise typer.Exit(3)
    if as_json:
        out = board.eligibility(profile, file)
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    parsed, results = board.check(profile, file)
    console = Console()
    console.print("[bold]입력한 회사 정보[/] (틀린 곳이 있으면 문장을 고쳐 다시 실행하세요)")
    for label, value in parsed.rows():
        console.print(f"  {label}: {value}", markup=False)
    for r in results:
        console.print(
            f"\n[bold]{VERDICT_LABELS[r.verdict]}[/] — {r.card.program} "
            f"({status_label(r.card, now)}, {r.card.file})",
            highlight=False,
        )
        for c in r.checks:
            where = (
                f"{c.condition.page}쪽" if r.card.unit == "page" else f"{c.condition.page}번째 구역"
            )
            kind = "제외" if c.condition.exclude else "대상"
            console.print(f"  [{STATUS_LABELS[c.status]}] ({kind}, {where}) {c.condition.text}",
                          markup=False, highlight=False)  # fmt: skip
            console.print(f"      → {c.why}", markup=False, highlight=False)
        for item in r.to_confirm:
            console.print(f"  확인할 것: {item}", markup=False, highlight=False)


def notices_main() -> None:
    notices_app()


def eligibility_main() -> None:
    eligibility_app()
