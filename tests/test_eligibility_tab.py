"""The 자격 확인 tab's handler and the chat's "접수 중인 공고만" filter, without a browser."""

from __future__ import annotations

import json
from datetime import datetime

from notices import NoticeBoard, read_card
from notices.dates import SEOUL
from search import Retriever, SearchFilter, doc_key
from tests.test_notices import NOTICE, _doc
from ui.chat_tab import search_filter
from ui.eligibility_tab import ALL, check_profile, notice_choices

HOSTILE = NOTICE.replace(
    "◦ 업력 7년 이내 기업", "◦ 업력 7년 이내 기업 <img src=x onerror=alert(1)>"
)


def _board(*texts: tuple[str, str]) -> NoticeBoard:
    stored = []
    for name, text in texts:
        card = read_card(_doc(text, name))
        assert card is not None
        stored.append(json.dumps(card.to_storage(), ensure_ascii=False))
    return NoticeBoard(lambda: stored, lambda: datetime(2026, 3, 20, 12, tzinfo=SEOUL))


BUSAN = NOTICE.replace("대구", "부산")
BOARD = _board(("대구_모집공고.pdf", HOSTILE), ("부산_모집공고.pdf", BUSAN))
OK = "대구 소재 중소기업, 제조업, 직원 12명, 업력 3년, 수혜 이력 없음, 결격사유 없음"


def test_every_notice_is_checked_and_what_documents_say_is_escaped() -> None:
    profile, results = check_profile(BOARD, OK, ALL)
    assert "| 소재지 | 대구 |" in profile and "| 직원 수 | 12명 |" in profile
    assert "신청 가능 1건" in results and "신청 불가 1건" in results
    assert "<img" not in results and "&lt;img src=x onerror=alert(1)&gt;" in results
    assert 'href="/doc/' in results and "#page=1" in results  # each condition opens its page
    assert "/corpus/" not in results  # no server path, only opaque keys


def test_one_notice_by_its_opaque_key() -> None:
    keys = dict((label.split(" (")[0], key) for label, key in notice_choices(BOARD))
    assert keys["전체 공고"] == ALL
    busan = doc_key("/corpus/부산_모집공고.pdf")
    _, results = check_profile(BOARD, OK, busan)
    assert "부산_모집공고.pdf" in results and "대구_모집공고.pdf" not in results
    _, everything = check_profile(BOARD, OK, "not-a-key")  # an unknown key: all notices
    assert "부산_모집공고.pdf" in everything and "대구_모집공고.pdf" in everything


def test_bad_input_gets_a_korean_message_and_no_check() -> None:
    assert check_profile(BOARD, "", ALL)[1] == "" and "한 문장" in check_profile(BOARD, "", ALL)[0]
    long = check_profile(BOARD, "가" * 501, ALL)
    assert "500자" in long[0] and long[1] == ""
    as_file = check_profile(BOARD, {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}},
                            ALL)  # fmt: skip
    assert as_file[1] == ""
    empty = NoticeBoard(lambda: [], lambda: datetime(2026, 3, 20, tzinfo=SEOUL))
    assert "색인된 공고가 없습니다" in check_profile(empty, OK, ALL)[0]


def test_the_open_notices_filter_searches_only_those_documents(
    sample_retriever: Retriever,
) -> None:
    daegu = next(h.doc_id for h in sample_retriever.retrieve("대구 AI 대전환 예산", 8).hits
                 if "대구" in h.file)  # fmt: skip
    where = search_filter([], [], [], "", "", [daegu])
    assert where == SearchFilter(doc_ids=(daegu,))
    hits = sample_retriever.retrieve("AI 대전환 사업 예산", 8, where).hits
    assert hits and {h.doc_id for h in hits} == {daegu}
    none_open = search_filter([], [], [], "", "", [])
    assert none_open is not None and sample_retriever.retrieve("AI 대전환", 8, none_open).hits == []
    assert search_filter([], [], [], "", "", None) is None  # unchecked: no filter
