"""A program notice read into fields: what an SME asks first (who may apply, until when, how
much, what to submit, whom to call), each field with its page and the words it was read from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

# Field names of `NoticeCard.fields`, with the Korean label users see.
FIELD_LABELS = {
    "notice_date": "공고일",
    "period": "신청·접수 기간",
    "target": "지원대상·신청자격",
    "exclusion": "신청 제외·제한",
    "support": "지원내용·규모·한도",
    "documents": "제출서류",
    "method": "신청방법",
    "selection": "선정절차",
    "contact": "문의처",
}


@dataclass(frozen=True)
class CardField:
    text: str  # the document's own words (a section, trimmed), never a paraphrase
    page: int  # page (PDF) or section number (page-less formats) the text was read from

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "page": self.page}


@dataclass(frozen=True)
class Condition:
    """One atomic rule of 지원대상 (`exclude=False`) or 제외·제한 (`exclude=True`)."""

    text: str
    page: int
    kinds: tuple[str, ...]  # region size employees years ceo_age industry export benefit | other
    exclude: bool = False
    any_of: int = 0  # >0: one of the conditions with this number suffices ("다음 중 하나")

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "kinds": list(self.kinds)}


@dataclass
class NoticeCard:
    file: str
    doc_id: str
    sha256: str
    program: str
    organizer: str
    apply_start: datetime | None  # Asia/Seoul
    apply_end: datetime | None
    end_time_stated: bool  # False: the notice gives a day but no hour (the day's end is used)
    fields: dict[str, CardField] = field(default_factory=dict)
    conditions: list[Condition] = field(default_factory=list)
    unit: str = "page"
    corrects: bool = False  # a 정정·변경 공고 of the program
    notice_date: str = ""  # YYYY-MM-DD, "" when not stated
    superseded: dict[str, CardField] = field(default_factory=dict)  # older text of a field
    superseded_file: str = ""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "file": self.file,
            "program": self.program,
            "organizer": self.organizer,
            "apply_start": self.apply_start.isoformat() if self.apply_start else None,
            "apply_end": self.apply_end.isoformat() if self.apply_end else None,
            "end_time_stated": self.end_time_stated,
            "notice_date": self.notice_date or None,
            "corrects": self.corrects,
            "unit": self.unit,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "conditions": [c.to_dict() for c in self.conditions],
        }
        if self.superseded:
            out["superseded"] = {k: v.to_dict() for k, v in self.superseded.items()}
            out["superseded_file"] = self.superseded_file
        return out

    def to_storage(self) -> dict[str, object]:
        return {**self.to_dict(), "doc_id": self.doc_id, "sha256": self.sha256}

    @classmethod
    def from_storage(cls, data: dict[str, object]) -> NoticeCard:
        def when(v: object) -> datetime | None:
            return datetime.fromisoformat(str(v)) if v else None

        fields = data.get("fields") or {}
        conds = data.get("conditions") or []
        assert isinstance(fields, dict) and isinstance(conds, list)
        return cls(
            file=str(data["file"]), doc_id=str(data.get("doc_id", "")),
            sha256=str(data.get("sha256", "")), program=str(data["program"]),
            organizer=str(data.get("organizer", "")), apply_start=when(data.get("apply_start")),
            apply_end=when(data.get("apply_end")),
            end_time_stated=bool(data.get("end_time_stated")),
            fields={k: CardField(str(v["text"]), int(v["page"])) for k, v in fields.items()},
            conditions=[Condition(str(c["text"]), int(c["page"]), tuple(c["kinds"]),
                                  bool(c.get("exclude")), int(c.get("any_of") or 0))
                        for c in conds],
            unit=str(data.get("unit", "page")), corrects=bool(data.get("corrects")),
            notice_date=str(data.get("notice_date") or ""),
        )  # fmt: skip
