"""One sheet's table read into measures: rows joined into a measure, headings as context, problems placed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from assessments.sheets import find_header

from .cells import _Grid, _header_fields, _is_header
from .fields import (
    _looks_like_heading,
    heading_context,
    parse_number,
    parse_percent,
    parse_period,
    parse_rounds,
    parse_targets,
    split_responsible,
    split_steps,
    title_round,
)
from .results import ParsedMeasure, Problem
from .text import _NUMBER_PREFIX, _digits, clean_text, squash

MAX_CELL = 10_000  # characters kept per cell before the rest is reported (a Word table never has more)


@dataclass
class _Draft:
    """A measure being read, possibly over several rows."""

    row: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    seen: set[tuple[int, int]] = field(default_factory=set)
    raw_percent: Any = None
    context_tool: str | None = None
    context_indicator: int | None = None
    extra: list[tuple[int, str, str]] = field(default_factory=list)  # (column index, header, text)


def _keep(label: str, text: str) -> str:
    return f"{label}: {text}"


class _SheetParser:
    def __init__(self, grid: _Grid, fiscal_year: int, status_labels: Mapping[str, str]) -> None:
        self.grid = grid
        self.fiscal_year = fiscal_year
        self.status_labels = status_labels
        self.warnings: list[Problem] = []
        self.errors: list[Problem] = []
        self.measures: list[ParsedMeasure] = []
        self.round_month: int | None = None
        self.columns: dict[int, str] = {}
        self.unknown: dict[int, str] = {}
        self.headers: dict[int, str] = {}

    def warn(self, row: int, col: int, message: str) -> None:
        self.warnings.append(Problem(self.grid.name, row, get_column_letter(col + 1), message))

    def error(self, row: int, col: int, message: str) -> None:
        self.errors.append(Problem(self.grid.name, row, get_column_letter(col + 1), message))

    def find_header(self) -> int | None:
        return find_header(self.grid.rows, _is_header)

    def parse(self) -> bool:
        header = self.find_header()
        if header is None:
            return False
        for row in self.grid.rows[:header]:
            for text in dict.fromkeys(row):
                found = title_round(text)
                if found is not None and self.round_month is None:
                    self.round_month = found
        self.columns = _header_fields(self.grid.rows[header])
        self.headers = {i: " ".join(clean_text(t).split()) for i, t in enumerate(self.grid.rows[header])}
        for index, text in enumerate(self.grid.rows[header]):
            if index not in self.columns and clean_text(text):
                self.unknown[index] = clean_text(text).replace("\n", " ")
                self.warn(
                    header + 1,
                    index,
                    _(
                        "Column “%(name)s” is not a column of the measure table; "
                        "its text is kept in the guideline."
                    )
                    % {"name": self.unknown[index]},
                )
        by_field = {name: index for index, name in self.columns.items()}
        draft: _Draft | None = None
        context: tuple[str | None, int | None] = (None, None)
        for index in range(header + 1, len(self.grid.rows)):
            row = self.grid.rows[index]
            excel_row = index + 1
            if not any(text.strip() for text in row):
                continue
            if _is_header(row):
                continue
            if self._is_heading(index, by_field):
                text = next(t for t in row if t.strip())
                tool, indicator = heading_context(text)
                if indicator is not None:  # an indicator heading stays under the tool above it
                    context = (tool or context[0], indicator)
                elif tool is not None:
                    context = (tool, None)
                if draft is not None:
                    self._finish(draft, by_field)
                    draft = None
                continue
            number_text = row[by_field["number"]] if "number" in by_field else ""
            title_text = row[by_field["title"]]
            starts = False
            for name in ("number", "title"):
                col = by_field.get(name)
                if col is None:
                    continue
                text, origin = row[col], self.grid.origin[index][col]
                if text.strip() and (draft is None or origin not in draft.seen):
                    starts = True
            if not number_text.strip() and not title_text.strip() and draft is None:
                starts = True  # a first row with no title: reported as such below
            if starts:
                if draft is not None:
                    self._finish(draft, by_field)
                draft = _Draft(excel_row, context_tool=context[0], context_indicator=context[1])
            assert draft is not None
            self._take(draft, index)
        if draft is not None:
            self._finish(draft, by_field)
        return True

    def _is_heading(self, index: int, by_field: Mapping[str, int]) -> bool:
        """A group heading: one text, in the table's first column (maybe merged across), no number."""
        row = self.grid.rows[index]
        filled = [c for c, text in enumerate(row) if text.strip()]
        if not filled:
            return False
        origins = {self.grid.origin[index][c] for c in filled}
        if len(origins) != 1:
            return False
        first = min(self.columns) if self.columns else 0
        if filled[0] != first:
            return False
        text = row[filled[0]]
        if "number" in by_field and parse_number(row[by_field["number"]]) is not None:
            return False
        merged_across = len(filled) > 1
        in_number_column = by_field.get("number") == first
        return merged_across or in_number_column or _looks_like_heading(text)

    def _take(self, draft: _Draft, index: int) -> None:
        row = self.grid.rows[index]
        for col, text in enumerate(row):
            origin = self.grid.origin[index][col]
            if not text.strip() or origin in draft.seen:
                continue
            draft.seen.add(origin)
            name = self.columns.get(col)
            if name is None:
                draft.extra.append((col, self.unknown.get(col, ""), text))
                continue
            if name == "percent" and draft.raw_percent is None:
                draft.raw_percent = self.grid.raw[index][col]
            if len(text) > MAX_CELL:
                message = _("The cell has more than %(limit)s characters.") % {"limit": MAX_CELL}
                self.error(index + 1, col, message)
                text = text[:MAX_CELL]
            draft.texts.setdefault(name, []).append(text)

    def _finish(self, draft: _Draft, by_field: Mapping[str, int]) -> None:
        texts = {name: "\n".join(parts) for name, parts in draft.texts.items()}
        letters = {name: get_column_letter(col + 1) for name, col in by_field.items()}
        row = draft.row
        kept: list[str] = []

        def col(name: str) -> int:
            return by_field.get(name, by_field["title"])

        def keep(name: str, label: str, text: str) -> None:
            header = self.headers.get(by_field.get(name, -1), label)
            kept.append(_keep(header, clean_text(text).replace("\n", " ")))
            self.warn(
                row,
                col(name),
                _("“%(text)s” could not be read as %(what)s; it is kept in the guideline.")
                % {"text": _short(text), "what": label},
            )

        number: int | None = None
        title = clean_text(texts.get("title", "")).replace("\n", " ")
        if "number" in texts:
            number = parse_number(texts["number"])
            if number is None:
                keep("number", _("number"), texts["number"])
        if number is None:
            prefix = _NUMBER_PREFIX.match(title)
            if prefix and 0 < int(_digits(prefix.group(1) or prefix.group(2))) < 10000:
                number = int(_digits(prefix.group(1) or prefix.group(2)))
                title = title[prefix.end() :].strip()
        if not title:
            self.error(row, col("title"), _("The measure has no title."))
        elif len(title) > 300:
            self.error(row, col("title"), _("The title is longer than 300 characters."))

        tools = indicators = items = None
        if "targets" in by_field:
            if "targets" in texts:
                t, i, o, rest = parse_targets(texts["targets"])
                tools, indicators, items = t, i, o
                if rest:
                    keep("targets", _("targets"), texts["targets"])
        elif draft.context_tool or draft.context_indicator:
            tools = (draft.context_tool,) if draft.context_tool and not draft.context_indicator else ()
            indicators = (draft.context_indicator,) if draft.context_indicator else ()
            items = ()

        steps = split_steps(texts["steps"]) if "steps" in texts else None
        if steps is not None:
            if len(steps) > 30:
                self.error(row, col("steps"), _("More than 30 steps in one measure."))
            elif any(len(step) > 500 for step in steps):
                self.error(row, col("steps"), _("A step is longer than 500 characters."))

        all_units = responsible = None
        if "responsible" in texts:
            all_units, responsible = split_responsible(texts["responsible"])

        start = end = None
        period_given = False
        if "period" in texts:
            period = parse_period(texts["period"], self.fiscal_year)
            if period is None:
                keep("period", _("period"), texts["period"])
            else:
                start, end = period
                period_given = True
                if start > end:
                    self.error(row, col("period"), _("The period ends before it starts."))

        rounds = None
        if "rounds" in texts:
            found, only = parse_rounds(texts["rounds"])
            rounds = found if found else None
            if not only:
                keep("rounds", _("monitoring rounds"), texts["rounds"])

        status = None
        if "status" in texts:
            status = self.status_labels.get(squash(texts["status"]))
            if status is None:
                keep("status", _("status"), texts["status"])

        percent = None
        if "percent" in texts:
            raw = draft.raw_percent
            value = parse_percent(raw if raw not in (None, "") else texts["percent"])
            if isinstance(value, str):
                self.error(row, col("percent"), value)
            else:
                percent = value

        for index, header, text in draft.extra:
            label = header or _("column %(letter)s") % {"letter": get_column_letter(index + 1)}
            kept.append(_keep(label, clean_text(text).replace("\n", " ")))
            if not header:
                self.warn(row, index, _("Text outside the table's columns is kept in the guideline."))

        guideline = clean_text(texts["guideline"]) if "guideline" in texts else None

        def text_of(name: str) -> str | None:
            return clean_text(texts[name]) if name in texts else None

        self.measures.append(
            ParsedMeasure(
                sheet=self.grid.name,
                row=row,
                columns=letters,
                number=number,
                title=title,
                tools=tools,
                indicators=indicators,
                items=items,
                guideline=guideline,
                kept=tuple(kept),
                targets_context="targets" not in by_field and tools is not None,
                steps=steps,
                all_units=all_units,
                responsible=responsible,
                start_month=start,
                end_month=end,
                period_given=period_given,
                rounds=rounds,
                outcome=text_of("outcome"),
                status=status,
                result=text_of("result"),
                report_outcome=text_of("report_outcome"),
                suggestion=text_of("suggestion"),
                percent=percent,
            )
        )


def _short(text: str, limit: int = 60) -> str:
    flat = clean_text(text).replace("\n", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
