"""The eval harness: Korean key-fact normalisation, QA formats, metrics computed by hand, a
whole run with a scripted LLM (report, results, gate), and run comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from axa_settings import Settings
from eval import (
    Evidence,
    QAFormatError,
    QAItem,
    check_gate,
    citation_precision,
    compare,
    correctness,
    faithfulness,
    load_qa,
    read_results,
    run_eval,
    summarize,
    write_qa,
)
from eval.cli import app as eval_app
from korean import Fact, extract_facts, fact_recall
from search import KiwiBM25
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ScriptedLLM, ToyEmbedder


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3억 원", "300,000,000원"),
        ("240억 6천만 원", "24,060,000,000원"),
        ("2026. 3. 4.", "2026년 3월 4일"),
        ("2026-03-04", "2026. 3. 4"),
        ("28.7%", "28.7 퍼센트"),
        ("5천만원", "50,000,000 원"),
    ],
)
def test_same_fact_written_two_ways(a: str, b: str) -> None:
    assert fact_recall(a, b) == (1.0, [])


def test_fact_extraction_and_misses() -> None:
    assert extract_facts("국비 약 70억 원, 일자리 35개, 마감 8월 29일") == {
        Fact("amount", "7000000000"),
        Fact("number", "35"),
        Fact("date", "--08-29"),
    }
    assert fact_recall("총 240억 6천만 원", "240억 원입니다") == (0.0, ["24060000000"])
    assert fact_recall("2025년 8월 29일", "8월 29일까지") == (1.0, [])  # year left out: same day
    assert fact_recall("2025년 8월 29일", "2024년 8월 29일") == (0.0, ["2025-08-29"])
    assert fact_recall("울산테크노파크", "울산테크노파크입니다") == (None, [])


def test_qa_formats(tmp_path: Path) -> None:
    jsonl = tmp_path / "qa.jsonl"
    jsonl.write_text(
        '{"id": "q1", "type": "normal", "question": "마감은?", "answer_span": "8월 29일", "doc_id": "공고.txt"}\n'
        '{"id": "q2", "type": "no_answer", "question": "숙소는?", "answer_span": null, "doc_id": null}\n',
        encoding="utf-8",
    )
    q1, q2 = load_qa(jsonl)
    assert q1 == QAItem("q1", "마감은?", "8월 29일", (Evidence("공고.txt"),), False, "normal")
    assert q2.unanswerable and q2.evidence == ()
    csv = tmp_path / "qa.csv"
    csv.write_text("SAMPLE_ID,Source_path,Question,Answer\nT1,./x/재정.pdf,예산은?,356.5조원\n",
                   encoding="utf-8-sig")  # fmt: skip
    (t1,) = load_qa(csv)
    assert (t1.id, t1.question, t1.reference, t1.evidence) == (
        "T1",
        "예산은?",
        "356.5조원",
        (Evidence("재정.pdf"),),
    )
    parquet = tmp_path / "qa.parquet"
    pd.DataFrame([{
        "qid": "0_finance", "query": "인가 요건은?", "generation_gt": '["1,000억원이 필요합니다."]',
        "retrieval_gt": "[array(['finance - 은행 가이드.pdf - 4'], dtype=object)]",
    }]).to_parquet(parquet)  # fmt: skip
    (a,) = load_qa(parquet)
    assert a.reference == "1,000억원이 필요합니다." and a.evidence == (
        Evidence("은행 가이드.pdf", 4),
    )
    write_qa([q1, q2, a], tmp_path / "back.jsonl")
    assert load_qa(tmp_path / "back.jsonl") == [q1, q2, a]
    (tmp_path / "broken.jsonl").write_text('{"question": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(QAFormatError, match="line 2"):
        load_qa(tmp_path / "broken.jsonl")
    (tmp_path / "noq.jsonl").write_text('{"answer": "a"}\n', encoding="utf-8")
    with pytest.raises(QAFormatError, match="no question"):
        load_qa(tmp_path / "noq.jsonl")


def test_metrics_by_hand(kiwi) -> None:
    terms = KiwiBM25(kiwi).terms
    item = QAItem("q", "총 예산은?", "총 예산은 236억 원")
    assert correctness(item, "236억 원입니다 [1].", False, terms).correct
    wrong = correctness(item, "140억 원입니다 [1].", False, terms)
    assert not wrong.correct and wrong.missing == ["23600000000"]
    assert correctness(item, "문서에서 찾을 수 없습니다.", True, terms).missing == ["(거절)"]
    assert correctness(QAItem("n", "숙소는?", unanswerable=True), "", True, terms).correct
    passages = {1: "대구시 총 예산은 236억 원이다.", 2: "울산 총사업비는 240억 원이다."}
    # sentence 1 cites the right passage, sentence 2 the wrong one -> 1 of 2 pairs supported
    answer = "대구시 총 예산은 236억 원입니다 [1]. 울산 총사업비는 240억 원입니다 [1]."
    assert citation_precision(answer, passages, terms) == 0.5
    assert citation_precision("인용 없는 답", passages, terms) is None
    # the second sentence states a number no passage holds -> half the sentences are supported
    assert faithfulness("대구시 총 예산은 236억 원입니다. 국비는 999억 원입니다.",
                        list(passages.values()), terms) == 0.5  # fmt: skip


def _row(qid: str, correct: bool, *, refused: bool = False, unanswerable: bool = False,
         rank: int | None = 1, ttft: float = 1.0) -> dict:  # fmt: skip
    return {"id": qid, "question": qid, "type": "t", "unanswerable": unanswerable,
            "evidence": [] if unanswerable else [["f.pdf", 1]], "rank": rank,
            "correct": correct, "refused": refused, "answer": qid, "ttft_s": ttft,
            "total_s": ttft * 2, "citation_precision": 1.0, "faithfulness": 1.0}  # fmt: skip


def test_summary_gate_and_compare() -> None:
    a = [_row("a", True), _row("b", True, rank=3), _row("c", False, rank=None, ttft=3.0),
         _row("n", True, refused=True, unanswerable=True)]  # fmt: skip
    s = summarize(a)
    assert s["answer_accuracy"] == 2 / 3 and s["refusal_accuracy"] == 1.0
    assert s["hit@1"] == 1 / 3 and s["hit@3"] == 2 / 3 and s["mrr"] == (1 + 1 / 3) / 3
    assert s["ttft_p50_s"] == 1.0 and s["false_refusal_rate"] == 0.0
    assert check_gate(s, {"answer_accuracy": 0.6, "refusal_accuracy": 1.0}) == []
    assert check_gate(s, {"answer_accuracy": 0.9}) == ["answer_accuracy = 0.6666666666666666 < 0.9"]
    b = [_row("a", False), _row("b", True), _row("c", True), _row("n", True, refused=True,
         unanswerable=True)]  # fmt: skip
    cmp = compare(a, b)
    assert [c.id for c in cmp.regressions] == ["a"] and [c.id for c in cmp.fixes] == ["c"]


def test_whole_run_with_a_scripted_llm(tmp_path: Path) -> None:
    """Real ingest, index and retrieval (toy embedder), a scripted LLM: every figure is known."""
    qa = tmp_path / "qa.jsonl"
    write_qa([
        QAItem("good", "대구시 AI 대전환 사업의 총 예산은?", "236억 원",
               (Evidence("대구_AI대전환_사업_개요.pdf", 1),), type="금액"),
        QAItem("bad", "울산 AI 대전환 사업의 총사업비는?", "240억 6천만 원",
               (Evidence("울산_AI대전환_사업_개요.pdf", 1),), type="금액"),
        QAItem("none", "부산시 AI 대전환 사업의 총 예산은?", unanswerable=True, type="답없음"),
    ], qa)  # fmt: skip
    llm = ScriptedLLM(["총 예산은 236억 원입니다 [1].", "총사업비는 240억 원입니다 [1]."])
    settings = Settings(data_dir=tmp_path / "data", min_dense_score=1.01, answer_mode="generate")
    out = tmp_path / "run1"
    result = run_eval(settings, "t", load_qa(qa), SAMPLE_CORPUS, out, llm, embedder=ToyEmbedder(),
                      gate={"answer_accuracy": 0.9})  # fmt: skip
    s = result.summary
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (3, 2, 1)
    assert s["answer_accuracy"] == 0.5 and s["refusal_accuracy"] == 1.0  # 부산: refused, no call
    assert len(llm.requests) == 2 and s["cites_evidence"] == 1.0
    assert result.gate_failed == ["answer_accuracy = 0.5 < 0.9"]
    rows = read_results(out)
    assert [r["id"] for r in rows] == ["good", "bad", "none"]
    # "240억 원" is in no passage (the notice says 240억 6천만 원): the guard refused it
    assert rows[1]["refused"] and rows[1]["missing"] == ["(거절)"]
    assert rows[1]["guard_checks"] == {"dropped": ["총사업비는 240억 원입니다 [1]."]}
    assert s["grounded_numbers"] == 1.0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "실패 목록 (1건)" in html and "240억 6천만 원" in html and "품질 기준: 실패" in html
    assert html.count("data:image/png;base64,") == 2  # per-type accuracy and latency plots
    meta = json.loads((out / "summary.json").read_text(encoding="utf-8"))["meta"]
    assert meta["suite"] == "t" and meta["corpus_chunks_written"] > 0
    # the suite's corpus went into its own index, not the published one
    assert (tmp_path / "data" / "eval" / "t" / "qdrant-edge").is_dir()
    assert not (tmp_path / "data" / "qdrant-edge").exists()

    llm2 = ScriptedLLM(["모르겠습니다.", "총사업비는 240억 6천만 원입니다 [1]."])
    run_eval(settings, "t", load_qa(qa), SAMPLE_CORPUS, tmp_path / "run2", llm2,
             embedder=ToyEmbedder())  # fmt: skip
    res = CliRunner().invoke(eval_app, ["compare", str(out), str(tmp_path / "run2"),
                                        "--fail-on-regression"])  # fmt: skip
    assert res.exit_code == 1
    assert "regressions (A right, B wrong): 1" in res.stdout and "good" in res.stdout
    assert "fixes (A wrong, B right): 1" in res.stdout


def test_an_answer_from_a_notice_card_is_scored_against_the_card_it_cites(
    sample_retriever,
) -> None:
    """A routed card is passage [1] and the hits follow it: grounded numbers and faithfulness
    read the passages the answer's [n] refer to, not the hits alone."""
    from eval.runner import score_item
    from rag import AnswerSettings, Assistant
    from tests.test_answer import _board

    llm = ScriptedLLM("never asked")
    a = Assistant(
        sample_retriever,
        llm,
        AnswerSettings(top_k=3, mode="generate"),
        notices=_board("2026-04-01T09:00"),
    )
    item = QAItem("card", "대구 AI 전환 지원사업 신청 마감은 언제인가요?", "2026. 3. 27.(금) 18:00")
    row = score_item(item, a)
    assert row["guard_checks"] == {"card": "period", "card_answer": True}
    assert "3. 27.(금) 18:00" in str(row["answer"]) and "[1]" in str(row["answer"])
    # the card's period is in no hit of the sample corpus: scored against the hits, it failed
    assert row["grounded_numbers"] is True


def test_a_part_heading_that_repeats_the_question_claims_nothing() -> None:
    """ "**1) 22년 대비 '23년 …**" over a part's answer is the user's own words: neither its
    part number nor the question's years are numbers the answer states. A heading that is
    not the question's words still counts."""
    from eval.evidence import invented_numbers, unquoted_items

    passages = ["총 예산은 236억 원이다.", "사업 기간은 2026년까지이다."]
    q = "22년 대비 '23년 예산은 어떻게 변하였고, 증가율은 얼마인가요?"
    answer = (
        "**1) 22년 대비 '23년 예산은 어떻게 변하였고**\n**236억 원** [1]\n"
        "**2) 증가율은 얼마인가요?**\n문서에서 찾을 수 없습니다."
    )
    assert invented_numbers(answer, passages, q) == []
    assert invented_numbers(answer, passages) == ["1", "22", "23", "2"]  # no question given
    assert invented_numbers("**1) 2030년 예산은**\n**236억 원** [1]", passages, q) == ["1", "2030"]
    assert invented_numbers("**300억 원** [1]", passages, q) == ["300"]
    quoted = '"정책 자금" 규모는 얼마이며, 기간은 언제인가요?'
    assert unquoted_items('**1) "정책 자금" 규모는**', passages, quoted) == []
    assert unquoted_items('**1) "정책 자금" 규모는**', passages) == ["정책 자금"]


def test_a_dotted_date_is_one_date_however_it_is_spaced() -> None:
    """ "2021. 7. 5." is in a passage that writes "2021. 7.5." (or "2021.07.05"); another day
    is not, and a decimal outside a date stays a decimal."""
    from eval.evidence import invented_numbers

    passages = ["대법원 2021. 7.5. 선고 2020다12345 판결", "금리는 7.5% 수준이다."]
    assert invented_numbers("선고일은 2021. 7. 5.입니다 [1]", passages) == []
    assert invented_numbers("선고일은 2021.07.05입니다 [1]", passages) == []
    assert invented_numbers("선고일은 2021. 7. 6.입니다 [1]", passages) == ["6"]
    assert invented_numbers("금리는 7.5%입니다 [2]", passages) == []
    assert invented_numbers("금리는 7%입니다 [2]", passages) == ["7"]
