"""Regenerate the sample PDFs in examples/corpus (needs fpdf2 and Debian's fonts-nanum).

The PDFs are committed; this script is how they were made, so their text can be edited here.
Each inner list is one PDF page, so page-level citations can be tested.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
OUT = Path(__file__).parent / "corpus"

NOTE = "예시 자료: AX-Assist 시연용으로 공개 보도 내용을 바탕으로 다시 쓴 요약입니다."

DOCS: dict[str, tuple[str, list[list[str]]]] = {
    "대구_AI대전환_사업_개요.pdf": (
        "대구광역시 지역 주도형 AI 대전환 사업 개요",
        [
            [
                "1. 사업 개요",
                "대구광역시는 2025년 지역 주도형 AI 대전환 사업에 선정되었다. 대구시 AI 대전환 "
                "사업의 총 예산은 236억 원이며, 이 가운데 국비는 140억 원이고 나머지는 시비와 "
                "민간 부담금으로 마련한다.",
                "사업 기간은 2026년 12월까지이다. 주관기관은 경북대학교 첨단정보통신융합산업기술원"
                "이며, 지역 대학과 연구기관, 기업 등 21개 기관이 참여기관으로 함께한다.",
                "지원 대상은 대구에 사업장을 둔 중소기업이며, 제조업을 중심으로 AI 솔루션 도입과 "
                "데이터 활용을 돕는다.",
            ],
            [
                "2. 추진 체계와 AI 혁신센터",
                "사업은 4대 추진 축으로 구성된다. 각 추진 축은 기업 진단과 컨설팅, AI 솔루션 개발과 "
                "실증, 인재 양성, 기반 구축을 맡는다.",
                "기반 구축의 핵심은 동대구벤처밸리에 들어서는 AI 혁신센터이다. AI 혁신센터에는 "
                "sLLM 데이터프리존이 마련되어, 지역 기업이 자사 데이터를 외부로 내보내지 않고 "
                "소형 언어모델을 학습하고 시험할 수 있다.",
            ],
            [
                "3. 성과 목표",
                "대구시는 사업 기간 동안 20개 이상의 기업을 지원하고, 일자리 35개를 만들며, "
                "AI 솔루션 20건을 개발하는 것을 목표로 한다.",
                "세부 지원 내용과 수요기업 모집 일정은 주관기관이 별도 공고로 안내한다.",
            ],
        ],
    ),
    "울산_AI대전환_사업_개요.pdf": (
        "울산광역시 지역 주도형 AI 대전환 사업(AI-on 울산) 개요",
        [
            [
                "1. 사업 개요",
                "울산광역시는 'AI-on 울산'이라는 이름으로 지역 주도형 AI 대전환 사업을 추진한다. "
                "울산 사업의 총사업비는 240억 6천만 원이며, 이 가운데 국비는 140억 원이다.",
                "주관기관은 울산테크노파크이며, 울산 지역 제조 중소기업의 AI 전환을 4개 분야에 걸쳐 "
                "지원한다.",
            ],
            [
                "2. 성과 목표",
                "울산시는 기업 대상 AI 도입 컨설팅 150건, AI 솔루션 도입 지원 100건, AI 스타트업 "
                "창업 보육 30개사를 목표로 한다.",
                "컨설팅을 받은 기업은 진단 결과에 따라 솔루션 도입 지원 사업에 이어서 신청할 수 있다.",
            ],
        ],
    ),
}


class _PagedPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Nanum", size=9)
        self.cell(0, 8, f"- {self.page_no()} -", align="C")


def make_pdf(path: Path, title: str, pages: list[list[str]]) -> None:
    pdf = _PagedPDF(format="A4")
    pdf.add_font("Nanum", fname=str(FONT))
    pdf.set_title(title)
    pdf.set_author("AX-Assist")
    pdf.set_creation_date(datetime(2025, 9, 1, tzinfo=UTC))  # fixed: same bytes on re-run
    for i, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Nanum", size=15)
        if i == 1:
            pdf.multi_cell(0, 9, title, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Nanum", size=9)
            pdf.multi_cell(0, 6, NOTE, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        for para in paragraphs:
            heading = para[:2].rstrip(".").isdigit()
            pdf.set_font("Nanum", size=13 if heading else 11)
            pdf.multi_cell(0, 7, para, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(path))


def main() -> int:
    if not FONT.is_file():
        print(f"Korean font missing: apt-get install fonts-nanum ({FONT})", file=sys.stderr)
        return 1
    for name, (title, pages) in DOCS.items():
        make_pdf(OUT / name, title, pages)
        print(OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
