"""The analysis of an assessment's results: pure functions over plain data, no Django (DOMAIN.md §6).

What the analysis report (and later the dashboard) shows is worked out here from an
:class:`AnalysisInput` that ``reports.selectors.analysis_input`` loads: indicators ranked, tool
scores, strengths (indicators at or above a threshold, 85 by default: the national target),
weaknesses to fix urgently (indicators below 80, and at least the three lowest indicators that are
not strengths), points to improve per tool (indicators below the strength threshold, with the
failed O-items of the disclosure tool), and the comparison with earlier years on record.

Scores are two-decimal ``Decimal`` values as published (``scoring.round2``); thresholds compare
against those, like the band does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

STRENGTH_MIN = Decimal(85)
WEAKNESS_BELOW = Decimal(80)
WEAKNESS_LOWEST = 3


@dataclass(frozen=True)
class IndicatorScore:
    number: int
    name: str
    tool: str
    score: Decimal | None


@dataclass(frozen=True)
class ToolScore:
    code: str
    name: str
    weight: Decimal
    indicators: tuple[int, ...]
    score: Decimal | None = None
    weighted: Decimal | None = None


@dataclass(frozen=True)
class FailedItem:
    """An O-item the agency did not pass (0 points)."""

    code: str
    name: str
    indicator: int
    tool: str


@dataclass(frozen=True)
class BandRow:
    """One row of the band table: label and its range of two-decimal totals."""

    label: str
    min_total: Decimal
    max_total: Decimal | None


@dataclass(frozen=True)
class YearResult:
    """An earlier (or this) year's result on record: total, band and indicator scores by number."""

    year: int
    total: Decimal | None
    band: str
    indicators: Mapping[int, Decimal] = field(default_factory=dict)
    tools: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalysisInput:
    organization: str
    year: int
    tools: tuple[ToolScore, ...]
    indicators: tuple[IndicatorScore, ...]
    failed_items: tuple[FailedItem, ...] = ()
    total: Decimal | None = None
    band: str = ""
    passed: bool | None = None
    pass_mark: Decimal | None = None
    bands: tuple[BandRow, ...] = ()
    history: tuple[YearResult, ...] = ()
    missing_indicators: tuple[int, ...] = ()


@dataclass(frozen=True)
class ToolPoints:
    """What to improve in one tool: its indicators below the strength threshold and failed O-items."""

    tool: ToolScore
    indicators: tuple[IndicatorScore, ...]
    failed_items: tuple[FailedItem, ...]


@dataclass(frozen=True)
class ComparisonRow:
    """One indicator (or the total when ``number`` is None) across years; ``change`` against the
    year before the assessment's own, when both are known."""

    number: int | None
    name: str
    scores: tuple[Decimal | None, ...]
    change: Decimal | None


@dataclass(frozen=True)
class Analysis:
    data: AnalysisInput
    ranked: tuple[IndicatorScore, ...]
    strengths: tuple[IndicatorScore, ...]
    weaknesses: tuple[IndicatorScore, ...]
    points: tuple[ToolPoints, ...]
    years: tuple[int, ...]
    comparison: tuple[ComparisonRow, ...]
    strength_min: Decimal
    weakness_below: Decimal

    @property
    def complete(self) -> bool:
        return self.data.total is not None

    @property
    def highest(self) -> tuple[IndicatorScore, ...]:
        """The indicators sharing the highest score (the seeds name them together)."""
        return _sharing(self.ranked, self.ranked[0].score) if self.ranked else ()

    @property
    def lowest(self) -> tuple[IndicatorScore, ...]:
        return _sharing(self.ranked, self.ranked[-1].score) if self.ranked else ()

    def indicators_of(self, tool: str) -> tuple[IndicatorScore, ...]:
        return tuple(i for i in self.data.indicators if i.tool == tool)


def _sharing(rows: tuple[IndicatorScore, ...], score: Decimal | None) -> tuple[IndicatorScore, ...]:
    return tuple(r for r in rows if r.score == score)


def rank(indicators: tuple[IndicatorScore, ...]) -> tuple[IndicatorScore, ...]:
    """Scored indicators, highest first; equal scores keep the framework's order (by number)."""
    scored = [i for i in indicators if i.score is not None]
    return tuple(sorted(scored, key=lambda i: (-i.score, i.number)))  # type: ignore[operator]


def strengths(
    ranked: tuple[IndicatorScore, ...], minimum: Decimal = STRENGTH_MIN
) -> tuple[IndicatorScore, ...]:
    return tuple(i for i in ranked if i.score is not None and i.score >= minimum)


def weaknesses(
    ranked: tuple[IndicatorScore, ...],
    *,
    below: Decimal = WEAKNESS_BELOW,
    lowest: int = WEAKNESS_LOWEST,
    strength_min: Decimal = STRENGTH_MIN,
) -> tuple[IndicatorScore, ...]:
    """Indicators to fix urgently, lowest first: every one below ``below``, and at least the
    ``lowest`` lowest ones that are not strengths (an indicator at the target is never a weakness)."""
    ascending = tuple(reversed(ranked))
    chosen = [i for i in ascending if i.score is not None and i.score < below]
    for ind in ascending:
        if len(chosen) >= lowest:
            break
        if ind not in chosen and ind.score is not None and ind.score < strength_min:
            chosen.append(ind)
    return tuple(sorted(chosen, key=lambda i: (i.score, i.number)))  # type: ignore[arg-type]


def tool_points(data: AnalysisInput, minimum: Decimal = STRENGTH_MIN) -> tuple[ToolPoints, ...]:
    """Per tool (framework order): indicators below ``minimum`` (lowest first) and failed O-items."""
    out = []
    for tool in data.tools:
        low = [
            i for i in data.indicators if i.tool == tool.code and i.score is not None and i.score < minimum
        ]
        low.sort(key=lambda i: (i.score, i.number))
        failed = tuple(f for f in data.failed_items if f.tool == tool.code)
        out.append(ToolPoints(tool, tuple(low), failed))
    return tuple(out)


def on_record(data: AnalysisInput) -> tuple[YearResult, ...]:
    """The years on record, oldest first: earlier years, then the assessment's own."""
    this_year = YearResult(
        data.year,
        data.total,
        data.band,
        {i.number: i.score for i in data.indicators if i.score is not None},
        {t.code: t.score for t in data.tools if t.score is not None},
    )
    earlier = sorted([h for h in data.history if h.year < data.year], key=lambda h: h.year)
    return (*earlier, this_year)


def comparison(data: AnalysisInput) -> tuple[tuple[int, ...], tuple[ComparisonRow, ...]]:
    """The years on record (oldest first, this year last) and one row per indicator plus the total.

    Indicators are matched by number: the 2562-2567 frameworks keep the ten indicators' numbers.
    """
    results = on_record(data)
    years = tuple(r.year for r in results)

    def change(scores: list[Decimal | None]) -> Decimal | None:
        if len(scores) < 2 or scores[-1] is None or scores[-2] is None:
            return None
        return scores[-1] - scores[-2]

    rows = []
    for ind in data.indicators:
        scores = [r.indicators.get(ind.number) for r in results]
        rows.append(ComparisonRow(ind.number, ind.name, tuple(scores), change(scores)))
    totals = [r.total for r in results]
    rows.append(ComparisonRow(None, "", tuple(totals), change(totals)))
    return years, tuple(rows)


def tool_series(data: AnalysisInput) -> tuple[tuple[str, tuple[Decimal | None, ...]], ...]:
    """Each tool's score across the years on record (by tool code), for the year chart."""
    results = on_record(data)
    return tuple((t.code, tuple(r.tools.get(t.code) for r in results)) for t in data.tools)


def analyse(
    data: AnalysisInput,
    *,
    strength_min: Decimal = STRENGTH_MIN,
    weakness_below: Decimal = WEAKNESS_BELOW,
    weakness_lowest: int = WEAKNESS_LOWEST,
) -> Analysis:
    ranked = rank(data.indicators)
    years, rows = comparison(data)
    return Analysis(
        data=data,
        ranked=ranked,
        strengths=strengths(ranked, strength_min),
        weaknesses=weaknesses(
            ranked, below=weakness_below, lowest=weakness_lowest, strength_min=strength_min
        ),
        points=tool_points(data, strength_min),
        years=years,
        comparison=rows,
        strength_min=strength_min,
        weakness_below=weakness_below,
    )


def band_rows(bands: list[tuple[str, Decimal]]) -> tuple[BandRow, ...]:
    """A band table (label, minimum) as ranges, highest first: "A 85.00 – 94.99"."""
    ordered = sorted(bands, key=lambda b: b[1], reverse=True)
    rows = []
    upper: Decimal | None = None
    for label, minimum in ordered:
        rows.append(BandRow(label, minimum, upper))
        upper = minimum - Decimal("0.01")
    return tuple(rows)
