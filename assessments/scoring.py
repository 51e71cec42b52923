"""ITA scoring: pure functions over frozen dataclasses, ``Decimal`` in and out.

Nothing here imports Django. Every number that varies by year (tool weights, the structure of
indicators, answer scales, band tables) arrives as data in a :class:`Framework`.

The rules (DOMAIN.md §3, verified against published results):

* an O-item scores 100 or 0; a sub-indicator is the mean of its O-items; an OIT indicator is the
  **mean of its sub-indicators** (not a flat mean of items);
* a survey indicator is the mean of its question scores;
* a tool is the mean of its indicators; weighted = tool x weight / 100;
* total = sum of weighted tool scores.

Values stay exact inside: every mean and weighting is computed with ``fractions.Fraction``, so a
result is a rational number, never a 28-digit approximation. They are rounded half-up to two decimals
once, only for display and for banding: the band is read from the two-decimal total.

A score that cannot be determined is ``None`` and the result lists exactly what is missing; a total
is never invented from partial data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)
ZERO = Fraction(0)
HALF = Fraction(1, 2)

#: A score as the scoring works with it: exact. Inputs arrive as ``Decimal`` (exactly convertible).
Exact = Fraction | Decimal

SOURCE_ITEMS = "items"
SOURCE_ENTERED = "entered"


def round2(value: Exact) -> Decimal:
    """Round half-up to two decimals, the way ITA results are published.

    Works on the exact rational value, so a third is never cut to 28 digits before rounding: a total
    of exactly 84.995 becomes 85.00 however it was reached. (Integer arithmetic on the value's exact
    ratio: floor(|x| × 100 + 1/2) = (2|n| + d) // 2d for x × 100 = n/d.)
    """
    if value.__class__ is Fraction:
        numerator, denominator = value.numerator, value.denominator
    else:
        numerator, denominator = value.as_integer_ratio()
    numerator *= 100
    sign = -1 if numerator < 0 else 1
    whole = (2 * abs(numerator) + denominator) // (2 * denominator)  # half-up, away from zero
    return Decimal(sign * whole).scaleb(-2)


def fmt2(value: Exact | None) -> str | None:
    """Two-decimal string for display and JSON, or ``None``."""
    return None if value is None else str(round2(value))


#: Published and computed totals further apart than this disagree (issue 7).
DISCREPANCY_TOLERANCE = Decimal("0.01")


def published_differs(
    published_total: Decimal | None,
    computed_total: Exact | None,
    published_band: str | None,
    computed_band: str | None,
) -> bool:
    """The one rule for "ITAS published another result than the portal computes", used by the importer's
    discrepancy list and the assessment page: both totals known and more than 0.01 apart (compared as
    numbers, the computed one rounded half-up to two decimals as published), or both bands known and
    different."""
    total_differs = (
        published_total is not None
        and computed_total is not None
        and abs(Decimal(published_total) - round2(computed_total)) > DISCREPANCY_TOLERANCE
    )
    published_band, computed_band = (published_band or "").strip(), (computed_band or "").strip()
    band_differs = bool(published_band and computed_band and published_band != computed_band)
    return total_differs or band_differs


def mean(values: Sequence[Exact]) -> Fraction:
    """Exact mean (a ``Fraction``): no division ever rounds inside the scoring."""
    if not values:
        raise ValueError("mean of no values")
    return sum((v if v.__class__ is Fraction else Fraction(v) for v in values), ZERO) / len(values)


# --------------------------------------------------------------------------- framework definition


@dataclass(frozen=True)
class SubIndicatorDef:
    code: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorDef:
    """An indicator; OIT indicators have sub-indicators, survey indicators have items only."""

    number: int
    tool: str
    items: tuple[str, ...] = ()
    sub_indicators: tuple[SubIndicatorDef, ...] = ()

    @property
    def all_items(self) -> tuple[str, ...]:
        if self.sub_indicators:
            return tuple(code for sub in self.sub_indicators for code in sub.items)
        return self.items

    @property
    def is_disclosure(self) -> bool:
        return bool(self.sub_indicators)


@dataclass(frozen=True)
class ToolDef:
    code: str
    weight: Decimal
    indicators: tuple[int, ...]


@dataclass(frozen=True)
class BandDef:
    """One row of a band table: applies when total >= min_total (and every tool >= min_each_tool)."""

    label: str
    min_total: Decimal
    passed: bool
    min_each_tool: Decimal | None = None


@dataclass(frozen=True)
class Framework:
    fiscal_year: int
    tools: tuple[ToolDef, ...]
    indicators: tuple[IndicatorDef, ...]
    bands: tuple[BandDef, ...]
    pass_mark: Decimal | None = None
    sub_levels: tuple[BandDef, ...] = ()

    def indicator(self, number: int) -> IndicatorDef:
        for ind in self.indicators:
            if ind.number == number:
                return ind
        raise KeyError(number)

    @property
    def item_codes(self) -> frozenset[str]:
        return frozenset(code for ind in self.indicators for code in ind.all_items)

    @property
    def disclosure_item_codes(self) -> frozenset[str]:
        return frozenset(code for ind in self.indicators if ind.is_disclosure for code in ind.all_items)

    @property
    def survey_item_codes(self) -> frozenset[str]:
        return self.item_codes - self.disclosure_item_codes


# --------------------------------------------------------------------------- inputs and results


@dataclass(frozen=True)
class ScoreInputs:
    """What is known about one assessment, at any grain.

    ``indicator_scores`` are entered indicator scores (0-100), ``question_scores`` survey
    question scores (mean % per question), ``oit_items`` O-item results (True = passed),
    ``tool_scores`` tool scores (0-100) for agencies that know nothing finer.
    """

    indicator_scores: Mapping[int, Decimal] = field(default_factory=dict)
    question_scores: Mapping[str, Decimal] = field(default_factory=dict)
    oit_items: Mapping[str, bool] = field(default_factory=dict)
    tool_scores: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorResult:
    number: int
    tool: str
    score: Exact | None
    source: str | None
    missing_items: tuple[str, ...] = ()
    sub_scores: Mapping[str, Exact | None] = field(default_factory=dict)
    entered: Decimal | None = None
    item_count: int = 0

    @property
    def partly_answered(self) -> bool:
        return self.score is None and 0 < len(self.missing_items) < self.item_count

    @property
    def disagrees_with_entered(self) -> bool:
        """True when items give a different two-decimal score than the one entered."""
        return (
            self.source == SOURCE_ITEMS
            and self.entered is not None
            and self.score is not None
            and round2(self.score) != round2(self.entered)
        )


@dataclass(frozen=True)
class ToolResult:
    code: str
    weight: Decimal
    score: Exact | None
    weighted: Exact | None
    source: str | None
    missing_indicators: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    fiscal_year: int
    indicators: Mapping[int, IndicatorResult]
    tools: Mapping[str, ToolResult]
    total: Exact | None
    band: str | None
    passed: bool | None
    sub_level: str | None = None

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def missing_indicators(self) -> tuple[int, ...]:
        """Indicators whose score is unknown and whose tool has no entered score either."""
        return tuple(n for tool in self.tools.values() for n in tool.missing_indicators)

    @property
    def missing_items(self) -> dict[int, tuple[str, ...]]:
        """For partly answered indicators: the items still without a result."""
        return {
            n: self.indicators[n].missing_items
            for n in self.missing_indicators
            if self.indicators[n].partly_answered
        }

    @property
    def total_display(self) -> str | None:
        return fmt2(self.total)

    def as_dict(self) -> dict:
        """The JSON shape of ``manage.py ita_score``: two-decimal strings, never floats."""
        return {
            "framework": self.fiscal_year,
            "complete": self.complete,
            "missing": [str(n) for n in self.missing_indicators],
            "missing_items": {str(n): list(codes) for n, codes in self.missing_items.items()},
            "indicators": {
                str(n): fmt2(r.score) for n, r in sorted(self.indicators.items()) if r.score is not None
            },
            "tools": {
                code: {"score": fmt2(t.score), "weighted": fmt2(t.weighted)}
                for code, t in self.tools.items()
                if t.score is not None
            },
            "total": fmt2(self.total),
            "band": self.band,
            "sub_level": self.sub_level,
            "passed": self.passed,
        }


# --------------------------------------------------------------------------- the rules


def disclosure_item_score(passed: bool) -> Fraction:
    """An O-item is all-or-nothing: 100 when every required element is disclosed, else 0."""
    return HUNDRED if passed else ZERO


def score_indicator(ind: IndicatorDef, inputs: ScoreInputs) -> IndicatorResult:
    """Score one indicator from the finest complete grain, else from the entered score.

    Complete item-level data wins over an entered indicator score (it is the finer truth); the
    entered value is kept on the result so a disagreement can be shown.
    """
    entered = inputs.indicator_scores.get(ind.number)
    count = len(ind.all_items)
    if ind.is_disclosure:
        sub_scores: dict[str, Exact | None] = {}
        missing: list[str] = []
        for sub in ind.sub_indicators:
            answered = [inputs.oit_items[c] for c in sub.items if c in inputs.oit_items]
            missing.extend(c for c in sub.items if c not in inputs.oit_items)
            complete = len(answered) == len(sub.items) and answered
            # the mean of 100-or-0 item scores, exactly: 100 × passed / items (a national import
            # scores 8,300 agencies × 43 items)
            passed = sum(map(bool, answered))
            sub_scores[sub.code] = Fraction(100 * passed, len(answered)) if complete else None
        if not missing:
            score = mean([s for s in sub_scores.values() if s is not None])
            return IndicatorResult(ind.number, ind.tool, score, SOURCE_ITEMS, (), sub_scores, entered, count)
    else:
        sub_scores = {}
        missing = [c for c in ind.items if c not in inputs.question_scores]
        if not missing and ind.items:
            score = mean([inputs.question_scores[c] for c in ind.items])
            return IndicatorResult(ind.number, ind.tool, score, SOURCE_ITEMS, (), sub_scores, entered, count)
    if entered is not None:
        return IndicatorResult(ind.number, ind.tool, entered, SOURCE_ENTERED, (), sub_scores, entered, count)
    return IndicatorResult(ind.number, ind.tool, None, None, tuple(missing), sub_scores, None, count)


def pick_band(bands: Iterable[BandDef], total: Exact, tool_scores: Iterable[Exact]) -> BandDef | None:
    """First band (highest first) whose minimums the two-decimal total and every tool meet."""
    rounded_total = round2(total)
    rounded_tools = [round2(s) for s in tool_scores]
    for band in sorted(bands, key=lambda b: b.min_total, reverse=True):
        if rounded_total < band.min_total:
            continue
        if band.min_each_tool is not None and any(s < band.min_each_tool for s in rounded_tools):
            continue
        return band
    return None


def score(framework: Framework, inputs: ScoreInputs) -> ScoreResult:
    """Score an assessment: indicators, tools, weighted total, band and pass."""
    indicators = {ind.number: score_indicator(ind, inputs) for ind in framework.indicators}
    tools: dict[str, ToolResult] = {}
    for tool in framework.tools:
        results = [indicators[n] for n in tool.indicators]
        missing = tuple(r.number for r in results if r.score is None)
        if not missing and results:
            tool_score: Exact | None = mean([r.score for r in results if r.score is not None])
            source = SOURCE_ITEMS
        elif tool.code in inputs.tool_scores:
            tool_score, source, missing = inputs.tool_scores[tool.code], SOURCE_ENTERED, ()
        else:
            tool_score, source = None, None
        weighted = None if tool_score is None else Fraction(tool_score) * Fraction(tool.weight) / HUNDRED
        tools[tool.code] = ToolResult(tool.code, tool.weight, tool_score, weighted, source, missing)

    total: Exact | None = None
    band = sub_level = None
    passed: bool | None = None
    if tools and all(t.weighted is not None for t in tools.values()):
        total = sum((t.weighted for t in tools.values() if t.weighted is not None), ZERO)
        tool_scores = [t.score for t in tools.values() if t.score is not None]
        picked = pick_band(framework.bands, total, tool_scores)
        band = picked.label if picked else None
        if framework.pass_mark is not None:
            passed = round2(total) >= framework.pass_mark
        elif picked is not None:
            passed = picked.passed
        level = pick_band(framework.sub_levels, total, tool_scores) if framework.sub_levels else None
        sub_level = level.label if level else None

    return ScoreResult(
        fiscal_year=framework.fiscal_year,
        indicators=indicators,
        tools=tools,
        total=total,
        band=band,
        passed=passed,
        sub_level=sub_level,
    )
