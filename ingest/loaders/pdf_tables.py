"""Ruled tables in PDF pages, one line per row with every cell behind its column header.

pypdf reads a table column by column ("3,800천원" lands forty lines away from "특허(PCT)"),
and the small LLM then takes a cell from the wrong row. pdfplumber finds the ruling lines
and the cells, merged ones included; a row is then written as
"세부사업명: 특허(PCT) · 지원한도 전체: 3,800천원 · 지원한도 지원금: 2,280천원 이내", which a
1.5B model reads right and BM25 indexes with its header words. Pages without such a table keep
pypdf's text: only table pages change.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Final

from korean import column_unit, unit_note, with_unit

log = logging.getLogger(__name__)

# A cell covered by a merged cell: the same cell as its left neighbour, or as the one above.
LEFT: Final = "\x00left"
UP: Final = "\x00up"

_DIGIT = re.compile(r"\d")
# A value merged down over several rows is repeated on each (one "4개사 내외" for two tracks)
# unless it is a description this long: repeating it would fill the prompt with copies.
_REPEAT_MAX = 40
_WRAP = re.compile(r"\s*\n\s*")


def _cell_text(text: str | None) -> str:
    return _WRAP.sub(" ", text or "").strip()


def _is_real(grid: Sequence[Sequence[str]]) -> bool:
    """A table worth rewriting: two rows and two columns at least, and text in four cells.
    A one-cell box around a paragraph or an empty frame is layout, not a table."""
    if len(grid) < 2 or max((len(r) for r in grid), default=0) < 2:
        return False
    filled = sum(1 for row in grid for cell in row if cell not in ("", LEFT, UP))
    return filled >= 4


def _resolve(grid: Sequence[Sequence[str]], header_rows: int) -> list[list[str]]:
    """Merged cells get their cell's text: in the header a span to the right repeats its
    label (each column under "지원한도" is "지원한도 …"); in the body a span downwards repeats
    its value (one "4개사 내외" covers two tracks), a span to the right is the same cell."""
    out: list[list[str]] = []
    for i, row in enumerate(grid):
        line: list[str] = []
        for j, cell in enumerate(row):
            if cell == LEFT:
                line.append(line[j - 1] if i < header_rows and j > 0 else "")
            elif cell == UP:
                above = out[i - 1][j] if i > 0 and j < len(out[i - 1]) else ""
                line.append(above if i < header_rows or len(above) <= _REPEAT_MAX else "")
            else:
                line.append(cell)
        out.append(line)
    return out


def _header_rows(grid: Sequence[Sequence[str]]) -> int:
    """Row 0, and the rows below it that continue it: they start under a cell merged down
    from row 0 and hold no digit (a two-level header: "지원한도" over "전체 | 지원금")."""
    n = 1
    while n < len(grid) and grid[n] and grid[n][0] == UP:
        if any(_DIGIT.search(c) for c in grid[n] if c not in (LEFT, UP)):
            break
        n += 1
    return n


def linearise(grid: Sequence[Sequence[str]], units: Sequence[str] = ()) -> list[str]:
    """Table rows as lines. Two columns are label and value ("신청기간: 2026. 3. 4.~"); wider
    tables name every value by its header, and the header rows themselves are not repeated.
    `units`: what the table's "(단위: 백만원, %)" note names; each bare number then carries
    its column's unit ("2022년 결산: 5,386,007백만원")."""
    if not _is_real(grid):
        return [
            " ".join(c for c in row if c not in ("", LEFT, UP))
            for row in grid
            if any(c not in ("", LEFT, UP) for c in row)
        ]
    width = max(len(r) for r in grid)
    if width == 2:
        lines = []
        for row in _resolve(grid, header_rows=0):
            label, value = [*row, "", ""][:2]
            if label and value:
                lines.append(f"{label}: {value}")
            elif label or value:
                lines.append(label or value)
        return lines
    n_head = _header_rows(grid)
    resolved = _resolve(grid, n_head)
    names: list[str] = []
    col_units: list[str] = []  # by the most specific header row: "(B-A)/A" under "증감"
    for j in range(width):
        parts: list[str] = []
        for row in resolved[:n_head]:
            if j < len(row) and row[j] and row[j] not in parts:
                parts.append(row[j])
        names.append(" ".join(parts))
        col_units.append(column_unit(parts[-1] if parts else "", list(units)))
    lines = []
    for raw, row in zip(grid[n_head:], resolved[n_head:], strict=True):
        fields: list[tuple[str, str]] = []
        for j, value in enumerate(row):
            if not value or raw[j] == LEFT:
                continue
            name = names[j] if j < len(names) else ""
            value = with_unit(value, col_units[j] if j < len(col_units) else "", list(units))
            if fields and fields[-1][0] == name and name:
                fields[-1] = (name, f"{fields[-1][1]} {value}")
            else:
                fields.append((name, value))
        if fields:
            lines.append(" · ".join(f"{n}: {v}" if n else v for n, v in fields))
    return lines


def _grid(table: Any) -> list[list[str]]:
    """pdfplumber's table as text cells, LEFT/UP where a merged cell covers the position.
    A covered position whose left neighbour's box reaches into its column is a span to the
    right; otherwise the cell above spans down into it."""
    texts = table.extract()
    col_x0 = [col.bbox[0] if col.bbox else 0.0 for col in table.columns]
    grid: list[list[str]] = []
    for row, row_text in zip(table.rows, texts, strict=False):
        line: list[str] = []
        left_x1 = -1.0
        for j, (bbox, text) in enumerate(zip(row.cells, row_text, strict=False)):
            if bbox is None:
                reaches = j < len(col_x0) and left_x1 > col_x0[j] + 1.0
                line.append(LEFT if reaches else UP)
            else:
                line.append(_cell_text(text))
                left_x1 = bbox[2]
        grid.append(line)
    return grid


_KEPT = 0.98  # share of the letters in a table's box that its cells must hold


def _letters(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return bool(x0 <= cx <= x1 and top <= cy <= bottom)


def _units_of(
    box: tuple[float, float, float, float],
    lines: Sequence[dict[str, Any]],
    grid: Sequence[Sequence[str]],
) -> list[str]:
    """The "(단위: …)" note of a table: in the two lines just above it, else in its first row."""
    above = [ln for ln in lines if box[1] - 40 <= ln["bottom"] <= box[1] + 2]
    for line in sorted(above, key=lambda ln: -ln["bottom"])[:2]:
        if found := unit_note(line["text"]):
            return found
    return unit_note(" ".join(grid[0])) if grid else []


def table_page_text(page: Any) -> str | None:
    """The page's text with its tables linearised in place, read top to bottom; None when
    the page holds no real table, or a table whose cells lost some of its text (the caller
    keeps pypdf's text)."""
    tables = []
    lines_above = page.extract_text_lines(return_chars=False)
    for table in page.find_tables():
        grid = _grid(table)
        if not _is_real(grid):
            continue
        if _letters(" ".join(c for row in grid for c in row)) < _KEPT * _letters(
            "".join(ch["text"] for ch in page.chars if _inside(ch, table.bbox))
        ):
            # text in the box that no cell holds: rows without their own ruling lines
            # ("① 훈련로드맵 수립 200개소" under one merged row). pypdf's reading keeps it.
            return None
        tables.append((table.bbox, linearise(grid, _units_of(table.bbox, lines_above, grid))))
    if not tables:
        return None
    boxes = [bbox for bbox, _ in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        return not any(_inside(obj, box) for box in boxes)

    blocks: list[tuple[float, list[str]]] = [(bbox[1], lines) for bbox, lines in tables]
    for line in page.filter(outside).extract_text_lines(return_chars=False):
        blocks.append((line["top"], [line["text"]]))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(text for _, lines in blocks for text in lines)
