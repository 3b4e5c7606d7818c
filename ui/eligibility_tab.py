"""자격 확인 tab: a company described in one Korean sentence, checked against every notice
card (or one). The profile as read is shown back, and in a form the user can correct; a
corrected profile is checked as it is, without the model. Each condition comes with its quoted
text, a link to its page and why it is 충족 / 미충족 / 확인 필요.

Handlers are plain functions over `notices.NoticeBoard`; `build_eligibility_tab` lays them out.
Everything here is read from documents, so it is escaped before it is rendered.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import gradio as gr

from notices import (
    CERTIFICATES,
    CHECK_LABELS,
    INDUSTRIES,
    MAX_PROFILE_CHARS,
    SIZES,
    VERDICT_LABELS,
    NoticeBoard,
    NoticeCard,
    Profile,
    Result,
    end_text,
    profile_from_fields,
    status_label,
)
from search import doc_key

from .escape import md_text
from .viewer import doc_href

log = logging.getLogger(__name__)

ALL = "__all__"
EXAMPLE = "대구 소재 제조업, 직원 30명, 업력 5년, 대표 35세, 작년 AI바우처 수혜"
NO_NOTICES = "색인된 공고가 없습니다. 운영자에게 공고문 색인을 요청하세요."
GENERIC_ERROR = "일시적인 오류로 확인하지 못했습니다. 잠시 후 다시 시도해 주세요."
_VERDICT_CLASS = {"eligible": "ok", "ineligible": "no", "unknown": "check"}
CSS = """
.axa-notice { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.axa-notice h4 { margin: 4px 0; }
.axa-verdict-ok { color: #106b21; } .axa-verdict-no { color: #a11; }
.axa-verdict-check { color: #8a5a00; }
.axa-cond { margin: 4px 0; line-height: 1.5; }
.axa-cond .why { color: #555; }
.axa-met b { color: #106b21; } .axa-unmet b { color: #a11; } .axa-unknown b { color: #8a5a00; }
"""


def notice_choices(board: NoticeBoard) -> list[tuple[str, str]]:
    """("전체 공고" first, then "program (status)") with opaque keys, never server paths."""
    now = board.now()
    cards = board.cards()
    return [("전체 공고", ALL)] + [
        (f"{c.program} ({status_label(c, now)})", doc_key(c.doc_id)) for c in cards
    ]


_READ_BY = {"edited": "고친 정보", "patterns": "규칙으로 읽음",
            "model+patterns": "모델과 규칙으로 읽음"}  # fmt: skip


def profile_markdown(p: Profile) -> str:
    rows = "\n".join(f"| {md_text(k)} | {md_text(v)} |" for k, v in p.rows())
    how = _READ_BY.get(p.source, p.source)
    return (f"**읽은 회사 정보** ({how}) — 틀린 곳이 있으면 아래 '회사 정보 고치기'에서 고친 "
            f"뒤 다시 확인하세요.\n\n| 항목 | 값 |\n|---|---|\n{rows}")  # fmt: skip


def _place(card: NoticeCard, page: int) -> str:
    where = f"{page}쪽" if card.unit == "page" else f"{page}번째 구역"
    href = html.escape(doc_href(card.doc_id, page, card.unit), quote=True)
    return f'<a class="axa-cond-page" href="{href}" target="_blank" rel="noopener">{where}</a>'


def result_html(r: Result, board: NoticeBoard) -> str:
    card, now = r.card, board.now()
    verdict = VERDICT_LABELS[r.verdict]
    head = (f'<h4><span class="axa-verdict-{_VERDICT_CLASS[r.verdict]}">{verdict}</span> — '
            f"{html.escape(card.program)} <small>({html.escape(status_label(card, now))})"
            "</small></h4>")  # fmt: skip
    end = end_text(card)
    meta = html.escape(card.file) + (f" · 마감 {html.escape(end)}" if end else "")
    items = []
    confirm = "".join(f"<li>{html.escape(t)}</li>" for t in r.to_confirm)
    for c in r.checks:
        cond = c.condition
        kind = "제외 조건" if cond.exclude else ("다음 중 하나" if cond.any_of else "대상 조건")
        items.append(
            f'<li class="axa-cond axa-{c.status}">'
            f"<b>{CHECK_LABELS[c.status]}</b> ({kind}, {_place(card, cond.page)}) "
            f"“{html.escape(cond.text)}”<br><span class=\"why\">→ {html.escape(c.why)}</span></li>"
        )  # fmt: skip
    if not items:
        items.append("<li>이 공고에서 지원대상 조건을 읽지 못했습니다: 원문을 확인하세요.</li>")
    todo = f"<p><b>확인할 것</b></p><ul class='axa-confirm'>{confirm}</ul>" if confirm else ""
    return (f'<div class="axa-notice" data-verdict="{r.verdict}">{head}<p>{meta}</p>'
            f"<ul>{''.join(items)}</ul>{todo}</div>")  # fmt: skip


def _results_html(results: list[Result], board: NoticeBoard) -> str:
    summary = {v: sum(1 for r in results if r.verdict == v) for v in VERDICT_LABELS}
    counts = " · ".join(f"{VERDICT_LABELS[v]} {n}건" for v, n in summary.items())
    body = "".join(result_html(r, board) for r in results)
    note = ("<p><small>‘신청 가능’은 문서에서 읽은 조건을 모두 충족할 때만 표시합니다. "
            "확인 필요 항목은 원문 쪽을 눌러 직접 확인하세요.</small></p>")  # fmt: skip
    return f"<p><b>{counts}</b> (접수 중인 공고부터)</p>{note}{body}"


def _chosen_file(board: NoticeBoard, key: object) -> str | None:
    if key in (None, "", ALL):
        return None
    chosen = [c for c in board.cards() if doc_key(c.doc_id) == key]
    return chosen[0].file if chosen else None


def check_profile(board: NoticeBoard, profile: object, key: object) -> tuple[str, str]:
    """(the parsed profile as Markdown, the verdicts as HTML) — Korean messages on bad input."""
    parsed, html_out = check_words(board, profile, key)
    return parsed if isinstance(parsed, str) else profile_markdown(parsed), html_out


def check_words(board: NoticeBoard, profile: object, key: object) -> tuple[Profile | str, str]:
    """The company's words read (by the model where one serves) and checked: (the profile,
    or a Korean message, and the verdicts as HTML)."""
    text = (profile if isinstance(profile, str) else "").strip()
    if not text:
        return "회사 정보를 한 문장으로 입력하세요. 예: " + md_text(EXAMPLE), ""
    if len(text) > MAX_PROFILE_CHARS:
        return f"회사 정보는 {MAX_PROFILE_CHARS}자 이내로 입력해 주세요.", ""
    try:
        if not board.cards():
            return NO_NOTICES, ""
        parsed, results = board.check(text, _chosen_file(board, key))
    except Exception:
        log.exception("eligibility check failed")
        return GENERIC_ERROR, ""
    return parsed, _results_html(results, board)


def check_edited(board: NoticeBoard, fields: dict[str, object], key: object) -> tuple[str, str]:
    """A corrected profile, checked as it is (no model): (its Markdown, the verdicts)."""
    try:
        profile = profile_from_fields(fields)
        if not board.cards():
            return NO_NOTICES, ""
        results = board.check_profile(profile, _chosen_file(board, key))
    except Exception:
        log.exception("eligibility re-check failed")
        return GENERIC_ERROR, ""
    return profile_markdown(profile), _results_html(results, board)


FORM = ("places", "industry", "employees", "years", "ceo_age", "revenue_eok", "size", "export",
        "export_plan", "corporation", "certificates", "past", "no_benefits", "clear")  # fmt: skip


def form_values(p: Profile) -> list[object]:
    """The form's values for a profile, in FORM's order."""
    past = ", ".join(f"{b.name} {b.year}" if b.year else b.name for b in p.past)
    corp = "" if p.corporation is None else ("법인" if p.corporation else "개인사업자")
    plan = "" if p.export_plan is None else ("있음" if p.export_plan else "없음")
    return [", ".join(pl.label() for pl in p.places), p.industry or "", p.employees, p.years,
            p.ceo_age, p.revenue_eok, p.size or "", p.export or "", plan, corp,
            list(p.certificates), past, p.no_benefits, p.clear]  # fmt: skip


def build_eligibility_tab(board: NoticeBoard, concurrency: int = 4) -> gr.Dropdown:
    """The tab; returns its notice picker (the page refreshes its choices on load)."""
    with gr.Tab("자격 확인", id="eligibility-tab"):
        gr.Markdown("회사 정보를 한 문장으로 적으면, 색인된 공고마다 지원 조건을 하나씩 "
                    "확인합니다. 결과는 공고문 원문 쪽과 함께 보여 줍니다.")  # fmt: skip
        profile = gr.Textbox(label="회사 정보", placeholder=EXAMPLE, elem_id="profile",
                             max_length=MAX_PROFILE_CHARS)  # fmt: skip
        with gr.Row():
            pick = gr.Dropdown(notice_choices(board), value=ALL, label="공고",
                               elem_id="eligibility-notice", scale=4)  # fmt: skip
            check = gr.Button("자격 확인", variant="primary", elem_id="eligibility-check",
                              scale=1)  # fmt: skip
        parsed = gr.Markdown("", elem_id="eligibility-profile")
        with gr.Accordion("회사 정보 고치기", open=False, elem_id="eligibility-form"):
            form = [
                gr.Textbox(label="소재지 (예: 서울 본사, 대전 지사 없음)", elem_id="edit-places",
                           max_length=200),
                gr.Dropdown(["", *INDUSTRIES], label="업종", elem_id="edit-industry"),
                gr.Number(label="직원 수 (명)", elem_id="edit-employees", minimum=0),
                gr.Number(label="업력 (년)", elem_id="edit-years", minimum=0),
                gr.Number(label="대표자 나이 (세)", elem_id="edit-ceo-age", minimum=0),
                gr.Number(label="매출 (억 원)", elem_id="edit-revenue", minimum=0),
                gr.Dropdown(["", *SIZES], label="기업 규모", elem_id="edit-size"),
                gr.Dropdown(["", "실적", "예정", "없음"], label="수출", elem_id="edit-export"),
                gr.Dropdown(["", "있음", "없음"], label="수출 계획", elem_id="edit-export-plan"),
                gr.Dropdown(["", "법인", "개인사업자"], label="법인 여부", elem_id="edit-corp"),
                gr.CheckboxGroup(list(CERTIFICATES), label="인증", elem_id="edit-certs"),
                gr.Textbox(label="이전 수혜 (예: AI바우처 2025)", elem_id="edit-past",
                           max_length=200),
                gr.Checkbox(label="이전 수혜 이력 없음", elem_id="edit-no-benefits"),
                gr.Checkbox(label="결격사유 없음 (본인 확인)", elem_id="edit-clear"),
            ]  # fmt: skip
            recheck = gr.Button("고친 정보로 다시 확인", elem_id="eligibility-recheck")
        results = gr.HTML("", elem_id="eligibility-results")

        def _check(text: Any, key: Any) -> tuple[Any, ...]:
            read, out = check_words(board, text, key)
            if isinstance(read, str):
                return (read, out, *[gr.update() for _ in form])
            return (profile_markdown(read), out, *form_values(read))

        def _recheck(key: Any, *values: Any) -> tuple[str, str]:
            return check_edited(board, dict(zip(FORM, values, strict=True)), key)

        for name, trigger in (("eligibility_check", check.click),
                              ("eligibility_submit", profile.submit)):  # fmt: skip
            trigger(_check, [profile, pick], [parsed, results, *form], api_name=name,
                    concurrency_limit=concurrency, api_visibility="private")  # fmt: skip
        recheck.click(_recheck, [pick, *form], [parsed, results], api_visibility="private",
                      concurrency_limit=concurrency)  # fmt: skip
    return pick
