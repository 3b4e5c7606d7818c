"""What each public chat event may take, and what it costs in model time.

Gradio passes whatever JSON a client sends to an event. A FileData whose `path` is an
http(s) URL made Gradio download it into the data folder, whatever the component was; a
`"fn_index": "1"` ran the question handler while the rate limit, which counted integers only,
looked away. So the wall reads each join the way Gradio will (its own `PredictBody`), refuses
any value of a type its component does not declare, and prices the event by its handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr
from gradio.data_classes import PredictBody
from pydantic import ValidationError

# api_name -> model generations one event may start. Everything else costs no model time.
COSTLY = {"ask": 1, "ask_button": 1, "study_make": 5, "eligibility_check": 1,
          "eligibility_submit": 1}  # fmt: skip
REFUSED = "이 요청은 받을 수 없습니다. 화면을 새로 고친 뒤 다시 시도해 주세요."

_Scalar = str | int | float | None
Check = Callable[[object], bool]


def _scalar(v: object) -> bool:
    return isinstance(v, _Scalar)


def _text(v: object) -> bool:
    return v is None or isinstance(v, str)


def _flag(v: object) -> bool:
    return v is None or isinstance(v, bool)


def _choices(v: object) -> bool:
    return v is None or (isinstance(v, list) and all(_scalar(x) for x in v))


def _choice_or_choices(v: object) -> bool:
    return _scalar(v) or _choices(v)


def _no_file(v: object) -> bool:
    return not has_file_reference(v)


def input_check(component: object) -> Check:
    """The values a component declares; state is the server's own (Gradio ignores the
    client's), and a component not listed here takes anything but a file reference."""
    if isinstance(component, gr.State):
        return _no_file
    if isinstance(component, gr.Checkbox):
        return _flag
    if isinstance(component, gr.CheckboxGroup):
        return _choices
    if isinstance(component, gr.Dropdown):
        return _choice_or_choices
    if isinstance(component, gr.Radio):
        return _scalar
    if isinstance(component, gr.Textbox | gr.Markdown | gr.HTML):
        return _text
    return _no_file


def has_file_reference(value: object, depth: int = 0) -> bool:
    """A dict anywhere inside that names a file or a URL (a FileData, or anything shaped
    like one), or nesting deep enough to be an attack on the parser rather than a value."""
    if depth > 20:
        return True
    if isinstance(value, dict):
        if {"path", "url"} & value.keys() or "meta" in value:
            return True
        return any(has_file_reference(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(has_file_reference(v, depth + 1) for v in value)
    return False


@dataclass(frozen=True)
class Event:
    api_name: str | None
    checks: tuple[Check, ...]

    @property
    def cost(self) -> int:
        return COSTLY.get(self.api_name or "", 0)


@dataclass(frozen=True)
class Judged:
    """A join as Gradio will read it: which event, what it costs, or why it is refused."""

    fn_index: int | None
    cost: int = 0
    refused: str = ""  # English, for the log; the client gets REFUSED


class PublicEvents:
    """The public app's events by index, read from its Blocks once at start."""

    def __init__(self, blocks: gr.Blocks) -> None:
        self.events = {
            i: Event(fn.api_name, tuple(input_check(c) for c in fn.inputs))
            for i, fn in blocks.fns.items()
        }

    @property
    def costly(self) -> frozenset[int]:
        return frozenset(i for i, e in self.events.items() if e.cost)

    def judge(self, body: bytes) -> Judged:
        try:
            raw = json.loads(body)
            parsed = PredictBody.model_validate(raw)  # the coercion Gradio applies ("1" -> 1)
        except (ValueError, ValidationError):
            return Judged(None)  # Gradio answers 422 itself; nothing runs
        if has_file_reference(parsed.event_data):
            return Judged(parsed.fn_index, refused="a file reference in event_data")
        index = parsed.fn_index
        event = self.events.get(index) if index is not None else None
        if event is None:
            if has_file_reference(parsed.data):
                return Judged(index, refused="a file reference in data")
            return Judged(index)
        if len(parsed.data) != len(event.checks):
            return Judged(index, refused=f"{len(parsed.data)} inputs for {len(event.checks)}")
        for n, (value, ok) in enumerate(zip(parsed.data, event.checks, strict=True)):
            if not ok(value):
                kind = type(value).__name__
                return Judged(index, refused=f"input {n} of event {index} is a {kind}")
        return Judged(index, event.cost)
