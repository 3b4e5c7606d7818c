"""What kind of question a Korean sentence asks, from its grammar alone."""

from __future__ import annotations

import re

# A question word makes it a wh-question ("어떤 기업이 신청할 수 있나요?"), whatever the ending.
_WH = re.compile(r"어떤|어떻게|어떠|언제|어디|무엇|무슨|뭐|몇|얼마|누가|누구|누군|왜|어느")
# Polite question endings of a yes/no question: ~나요, ~가요, ~까요, ~죠, ~습니까, ~ㄴ지요.
_ASKING = re.compile(r"(?:나요|가요|까요|죠|니까|는지요|은지요|인지요|ㄴ가요)\s*[?？]?\s*$")


def is_yes_no(question: str) -> bool:
    """'가게에 김치냉장고를 샀는데 지원받을 수 있나요?' -> True; '마감은 언제인가요?' -> False."""
    q = question.strip()
    return bool(_ASKING.search(q)) and not _WH.search(q)
