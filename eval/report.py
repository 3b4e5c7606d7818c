"""`report.html`: one self-contained page an operator reads before publishing — headline table,
plots (per-type accuracy, latency histogram), and every failure with what was expected."""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Sequence
from pathlib import Path

HEADLINE = [
    ("answer_accuracy", "답변 정확도 (답이 있는 질문)"),
    ("refusal_accuracy", "답 없음 질문의 거절 정확도"),
    ("false_refusal_rate", "잘못된 거절 비율 (답이 있는 질문)"),
    ("citation_precision", "인용 정밀도"),
    ("cites_evidence", "정답 근거 문서(쪽) 인용 비율"),
    ("faithfulness", "근거 충실도 (검색 문단이 뒷받침하는 문장 비율)"),
    ("grounded_numbers", "숫자 근거 (모든 숫자가 인용 문단에 있는 답변 비율)"),
    ("invented_answers", "문단에 없는 숫자·항목을 보인 답변 수"),
    ("judge_accuracy", "LLM 심판 정확도"),
    ("hit@1", "검색 hit@1"),
    ("hit@5", "검색 hit@5"),
    ("mrr", "검색 MRR"),
    ("ttft_p50_s", "첫 토큰 p50 (초)"),
    ("ttft_p95_s", "첫 토큰 p95 (초)"),
    ("total_p50_s", "전체 답변 p50 (초)"),
    ("total_p95_s", "전체 답변 p95 (초)"),
]


def fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def _korean_font() -> None:
    """Use a Korean font when one is installed (fonts-nanum); otherwise labels may show boxes."""
    from matplotlib import font_manager, rcParams

    for f in font_manager.fontManager.ttflist:
        if "Nanum" in f.name or "Noto Sans CJK" in f.name:
            rcParams["font.family"] = f.name
            return


def _png(fig: object) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    return base64.b64encode(buf.getvalue()).decode()


def plots(summary: dict, rows: Sequence[dict]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _korean_font()
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs on machines without a Korean font
        by_type = summary.get("accuracy_by_type") or {}
        if by_type:
            fig, ax = plt.subplots(figsize=(6, 0.45 * len(by_type) + 1.2))
            names = list(by_type)
            ax.barh(names, [by_type[n] for n in names], color="#3b7dd8")
            ax.set_xlim(0, 1)
            ax.set_xlabel("정확도")
            ax.set_title("질문 유형별 정확도")
            ax.invert_yaxis()
            out.append(("질문 유형별 정확도", _png(fig)))
            plt.close(fig)
        ttft = [r["ttft_s"] for r in rows if r.get("ttft_s") is not None]
        total = [r["total_s"] for r in rows if r.get("total_s") is not None]
        if total:
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.hist([ttft, total], bins=15, label=["첫 토큰", "전체 답변"],
                    color=["#3b7dd8", "#e07b39"])  # fmt: skip
            ax.set_xlabel("초")
            ax.set_ylabel("질문 수")
            ax.set_title("지연 시간 분포")
            ax.legend()
            out.append(("지연 시간 분포", _png(fig)))
            plt.close(fig)
    return out


def _failure_row(r: dict) -> str:
    cited = ", ".join(f"[{s['ref']}] {s['file']} {s['location']}" for s in r.get("sources", []))
    expected = "답 없음 (거절해야 함)" if r["unanswerable"] else r.get("reference", "")
    evidence = "; ".join(f"{f} {p or ''}".strip() for f, p in r.get("evidence", []))
    why = []
    if r.get("error"):
        why.append(f"오류: {r['error']}")
    if r.get("missing"):
        why.append("빠진 사실: " + ", ".join(map(str, r["missing"])))
    if r.get("rank") is None and r.get("evidence"):
        why.append("검색 상위 10개에 근거 없음")
    if r.get("invented_what"):
        why.append("문단에 없음: " + ", ".join(map(str, r["invented_what"][:5])))
    from .failures import failure_class

    if cls := failure_class(r):
        why.insert(0, f"[{cls}]")
    return (
        f"<tr><td>{fmt(r['id'])}</td><td>{fmt(r.get('type'))}</td><td>{fmt(r['question'])}</td>"
        f"<td>{fmt(r.get('answer'))}</td><td>{fmt(expected)}</td><td>{fmt(evidence)}</td>"
        f"<td>{fmt(cited)}</td><td>{fmt(' / '.join(why))}</td></tr>"
    )


def _splits_html(summary: dict) -> str:
    splits = summary.get("by_split") or {}
    if not splits:
        return ""
    cols = ("questions", "answer_accuracy", "false_refusal_rate", "refusal_accuracy",
            "refused_unanswerable")  # fmt: skip
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = "".join(f"<tr><th>{fmt(name)}</th>" + "".join(f"<td>{fmt(v.get(c))}</td>" for c in cols)
                   + "</tr>" for name, v in splits.items())  # fmt: skip
    return f"<h2>분할별 (dev: 개발 중 읽은 질문, test: 확인용)</h2><table><tr><th></th>{head}</tr>{body}</table>"


def _classes_html(rows: Sequence[dict]) -> str:
    from .failures import by_class

    classes = by_class(rows)
    if not classes:
        return ""
    body = "".join(f"<tr><th>{fmt(c)}</th><td>{len(ids)}</td><td>{fmt(', '.join(ids[:12]))}</td></tr>"
                   for c, ids in classes.items())  # fmt: skip
    return f"<h2>실패 유형별</h2><table><tr><th>유형</th><th>수</th><th>예 (ID)</th></tr>{body}</table>"


def render(summary: dict, rows: Sequence[dict], meta: dict[str, object]) -> str:
    head = "".join(
        f"<tr><th>{label}</th><td>{fmt(summary.get(key))}</td></tr>"
        for key, label in HEADLINE
        if key in summary
    )
    gate = meta.get("gate_failed")
    gate_html = ""
    if meta.get("gate"):
        status = (
            "통과"
            if not gate
            else "실패: "
            + html.escape("; ".join(str(g) for g in (gate if isinstance(gate, list) else [gate])))
        )
        gate_html = f"<p class='gate {'bad' if gate else 'ok'}'>품질 기준: {status}</p>"
    figs = "".join(
        f"<figure><img alt='{html.escape(t)}' src='data:image/png;base64,{b64}'></figure>"
        for t, b64 in plots(summary, rows)
    )
    failures = [r for r in rows if not r.get("correct")]
    fail_rows = "".join(_failure_row(r) for r in failures)
    meta_rows = "".join(f"<tr><th>{fmt(k)}</th><td>{fmt(v)}</td></tr>" for k, v in meta.items()
                        if k not in {"gate_failed"})  # fmt: skip
    return f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>AX-Assist 평가 보고서 — {fmt(meta.get("suite"))}</title>
<style>
body{{font-family:'Nanum Gothic','Noto Sans KR',sans-serif;margin:2em;max-width:1200px}}
table{{border-collapse:collapse;margin:1em 0}} td,th{{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}} th{{background:#f3f5f8}} figure{{display:inline-block;margin:0 1em}}
.gate.ok{{color:#1a7f37;font-weight:bold}} .gate.bad{{color:#c62828;font-weight:bold}}
table.fail td{{font-size:90%}}
</style></head><body>
<h1>AX-Assist 답변 품질 보고서</h1>
{gate_html}
<h2>요약 ({summary["questions"]}문항: 답 있음 {summary["answerable"]}, 답 없음 {summary["unanswerable"]})</h2>
<table>{head}</table>
{_splits_html(summary)}
{_classes_html(rows)}
{figs}
<h2>실패 목록 ({len(failures)}건)</h2>
<table class="fail"><tr><th>ID</th><th>유형</th><th>질문</th><th>응답</th><th>기대 답</th>
<th>근거</th><th>인용</th><th>원인</th></tr>{fail_rows}</table>
<h2>실행 정보</h2><table>{meta_rows}</table>
</body></html>
"""


def write_report(out_dir: Path, summary: dict, rows: Sequence[dict], meta: dict) -> Path:
    path = out_dir / "report.html"
    path.write_text(render(summary, rows, meta), encoding="utf-8")
    return path
