"""The gap-to-target planner (issue 9 point 2): pure functions beside ``scoring``, no Django.

Which failed or undecided O-items, passed, bring the total to a target, and what is left for the
surveys when they cannot. Everything comes from the framework's structure (tool weights, indicators
per tool, sub-indicators per indicator, items per sub-indicator), never from a table of gains.

Why the gains are exact and additive. An O-item scores 100 or 0; a sub-indicator is the mean of its
items, an OIT indicator the mean of its sub-indicators, a tool the mean of its indicators and the
total the sum of tool x weight / 100 (``scoring``). Every step is a mean with a fixed number of
terms, nothing is capped, so the total is a linear function of the item scores and passing item
``o`` in sub-indicator ``s`` of indicator ``i`` of tool ``t`` adds exactly::

    gain(o) = weight(t) / 100 x 1 / |indicators(t)| x 1 / |subs(i)| x 100 / |items(s)|

whatever else passes (2565: an item of 10.2 is 40/100 x 1/2 x 1/2 x 100/2 = 5, one of 9.1
40/100 x 1/2 x 1/5 x 100/9 = 4/9 = 0.44...). One point in a survey indicator adds
weight(t) / 100 / |indicators(t)| (IIT 0.06, EIT 0.10 in 2565).

Why the proposal is minimal. A target is reached when the total rounded half-up to two decimals
(as the band is read everywhere) is at least the target: a condition monotone in the exact total.
Gains are positive and additive, so the largest total any k items can add is the sum of the k
largest gains. If the k largest do not reach the target, no k items do; the first k whose largest
gains reach it is the minimum. Among the sets of that size, the k largest gains give the largest
total, and taking equal gains in framework order picks, among those, the set first in code order.
``tests/assessments/test_planner.py`` checks this against brute force over every subset.

What counts as "current". The planner plans at item grain for every OIT indicator that has at least
one O-item result, or that has neither an entered indicator score nor an entered tool score: there an
undecided item counts as not passed (it is among what remains to be done), so the planner's current
total is the total if every undecided item fails. An OIT indicator known only by its entered score
keeps that score; its items are not listed (which item failed is not known).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .scoring import (
    HUNDRED,
    SOURCE_ITEMS,
    ZERO,
    Exact,
    Framework,
    ScoreInputs,
    ScoreResult,
    fmt2,
    pick_band,
    round2,
    score,
)

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Target words besides numbers and band labels.
TARGET_NEXT = "next"
TARGET_PASS = "pass"


class TargetError(ValueError):
    """A target the planner cannot read. ``kind`` says why; callers word it (in Thai)."""

    EMPTY = "empty"
    NOT_A_TARGET = "not_a_target"
    RANGE = "range"
    PLACES = "places"
    NO_PASS = "no_pass"
    NEEDS_TOTAL = "needs_total"

    def __init__(self, kind: str, value: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.value = value


@dataclass(frozen=True)
class Target:
    """What the officer aims at: a two-decimal total, and the band label when it was one."""

    min_total: Decimal
    label: str | None = None

    def reached(self, total: Exact | None) -> bool:
        """The rounded total (as the band is read) is at least the target."""
        return total is not None and round2(total) >= self.min_total


@dataclass(frozen=True)
class ItemGain:
    """A failed (``passed`` False) or undecided (``passed`` None) O-item and what passing it adds."""

    code: str
    indicator: int
    sub_indicator: str
    gain: Fraction
    passed: bool | None
    order: int


@dataclass(frozen=True)
class IndicatorGain:
    """What one more point in a survey indicator adds to the total."""

    number: int
    tool: str
    gain: Fraction
    score: Exact | None


@dataclass(frozen=True)
class Plan:
    target: Target
    current: ScoreResult
    candidates: tuple[ItemGain, ...]
    proposal: tuple[ItemGain, ...]
    indicator_gains: tuple[IndicatorGain, ...]
    reachable_with_items: bool | None
    total_with_items: Exact | None
    survey_points_needed: Decimal | None
    undecided_counted: tuple[str, ...] = ()
    entered_only: tuple[int, ...] = field(default_factory=tuple)

    @property
    def current_total(self) -> Exact | None:
        return self.current.total

    @property
    def already_met(self) -> bool:
        return self.target.reached(self.current.total)

    def band_with_items(self, framework: Framework) -> str | None:
        if self.total_with_items is None:
            return None
        picked = pick_band(framework.bands, self.total_with_items, ())
        return picked.label if picked else None

    def as_dict(self) -> dict:
        """The ``"plan"`` of ``manage.py ita_score --target``: two-decimal strings, never floats."""
        return {
            "target": str(self.target.min_total),
            "current_total": fmt2(self.current.total),
            "reachable_with_items": self.reachable_with_items,
            "items": [{"code": c.code, "gain": fmt2(c.gain)} for c in self.proposal],
            "total_with_items": fmt2(self.total_with_items),
            "survey_points_needed": None
            if self.survey_points_needed is None
            else str(self.survey_points_needed),
        }


# --------------------------------------------------------------------------- gains from the structure


def item_gains(framework: Framework) -> dict[str, Fraction]:
    """The exact gain to the total of passing each O-item (see the module docstring)."""
    gains: dict[str, Fraction] = {}
    for tool in framework.tools:
        per_indicator = Fraction(tool.weight) / HUNDRED / len(tool.indicators) if tool.indicators else ZERO
        for number in tool.indicators:
            ind = framework.indicator(number)
            for sub in ind.sub_indicators:
                if sub.items:
                    share = per_indicator / len(ind.sub_indicators) * HUNDRED / len(sub.items)
                    for code in sub.items:
                        gains[code] = share
    return gains


def indicator_point_gains(framework: Framework) -> dict[int, Fraction]:
    """The exact gain to the total of one more point in each indicator."""
    return {
        number: Fraction(tool.weight) / HUNDRED / len(tool.indicators)
        for tool in framework.tools
        for number in tool.indicators
    }


# --------------------------------------------------------------------------- targets


def _band_minimums(framework: Framework) -> list[tuple[Decimal, str]]:
    return sorted((b.min_total, b.label) for b in framework.bands)


def resolve_target(framework: Framework, text: str, current_total: Exact | None = None) -> Target:
    """Read a target: a number from 0 to 100 (at most two decimals, Thai digits fine), ``pass``
    (the year's pass mark), a band label of the year (its lower bound; ``aa`` = ``AA``) or ``next``
    (the lower bound of the band above the current rounded total; the top band's own when already in
    it)."""
    value = (text or "").strip()
    if not value:
        raise TargetError(TargetError.EMPTY)
    for band in framework.bands:
        if value.casefold() == band.label.casefold():
            return Target(band.min_total, band.label)
    word = value.casefold()
    if word == TARGET_PASS:
        mark = framework.pass_mark
        if mark is None:
            passing = [b.min_total for b in framework.bands if b.passed]
            mark = min(passing) if passing else None
        if mark is None:
            raise TargetError(TargetError.NO_PASS, value)
        return Target(mark.quantize(Decimal("0.01")), None)
    if word == TARGET_NEXT:
        if current_total is None:
            raise TargetError(TargetError.NEEDS_TOTAL, value)
        rounded = round2(current_total)
        bands = _band_minimums(framework)
        above = [(m, label) for m, label in bands if m > rounded]
        if above:
            return Target(above[0][0], above[0][1])
        if bands:
            return Target(bands[-1][0], bands[-1][1])
        raise TargetError(TargetError.NOT_A_TARGET, value)
    try:
        number = Decimal(value.translate(THAI_DIGITS).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise TargetError(TargetError.NOT_A_TARGET, value) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise TargetError(TargetError.RANGE, value)
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise TargetError(TargetError.PLACES, value)
    return Target(number.quantize(Decimal("0.01")))


def target_choices(framework: Framework) -> list[str]:
    """What the target picker offers: next, pass (when the year has one) and every band label but
    the lowest one from 0 (always met; it can still be typed)."""
    labels = [label for minimum, label in sorted(_band_minimums(framework), reverse=True) if minimum > 0]
    has_pass = framework.pass_mark is not None or any(b.passed for b in framework.bands)
    return [TARGET_NEXT, *([TARGET_PASS] if has_pass else []), *labels]


# --------------------------------------------------------------------------- planning


def planning_inputs(framework: Framework, inputs: ScoreInputs) -> tuple[ScoreInputs, tuple[int, ...]]:
    """The inputs the planner scores: undecided O-items of item-grain OIT indicators set to not
    passed. Returns them with the OIT indicators kept at their entered score (entered only)."""
    oit = dict(inputs.oit_items)
    entered_only: list[int] = []
    for ind in framework.indicators:
        if not ind.is_disclosure:
            continue
        codes = ind.all_items
        has_items = any(code in inputs.oit_items for code in codes)
        entered = ind.number in inputs.indicator_scores or ind.tool in inputs.tool_scores
        if has_items or not entered:
            for code in codes:
                oit.setdefault(code, False)
        else:
            entered_only.append(ind.number)
    return replace(inputs, oit_items=oit), tuple(entered_only)


def current_result(framework: Framework, inputs: ScoreInputs) -> ScoreResult:
    """The planner's current result: undecided items of item-grain indicators counted as not passed."""
    return score(framework, planning_inputs(framework, inputs)[0])


def plan_for(framework: Framework, inputs: ScoreInputs, target_text: str) -> Plan:
    """Read the target (``next`` against the planner's current total) and plan; TargetError if bad."""
    return plan(
        framework, inputs, resolve_target(framework, target_text, current_result(framework, inputs).total)
    )


def _candidates(framework: Framework, inputs: ScoreInputs, planned: ScoreInputs, result: ScoreResult):
    gains = item_gains(framework)
    order = {code: n for n, code in enumerate(c for ind in framework.indicators for c in ind.all_items)}
    found: list[ItemGain] = []
    for ind in framework.indicators:
        tool = result.tools.get(ind.tool)
        if not ind.is_disclosure or tool is None or tool.source != SOURCE_ITEMS:
            continue  # a tool known by its entered score: passing an item would not change it
        if result.indicators[ind.number].source != SOURCE_ITEMS:
            continue
        for sub in ind.sub_indicators:
            for code in sub.items:
                if planned.oit_items.get(code) is False:
                    found.append(
                        ItemGain(
                            code, ind.number, sub.code, gains[code], inputs.oit_items.get(code), order[code]
                        )
                    )
    found.sort(key=lambda c: (-c.gain, c.order))
    return tuple(found)


def plan(framework: Framework, inputs: ScoreInputs, target: Target) -> Plan:
    """The smallest set of failed or undecided O-items whose passing brings the rounded total to
    the target (ties: the larger total gain, then framework order), or, when all of them are not
    enough, all of them and the points the surveys must still bring."""
    planned, entered_only = planning_inputs(framework, inputs)
    current = score(framework, planned)
    candidates = _candidates(framework, inputs, planned, current)
    point_gains = indicator_point_gains(framework)
    indicator_gains = tuple(
        IndicatorGain(ind.number, ind.tool, point_gains[ind.number], current.indicators[ind.number].score)
        for ind in framework.indicators
        if not ind.is_disclosure
    )
    undecided = tuple(c.code for c in candidates if c.passed is None)
    common = {
        "target": target,
        "current": current,
        "candidates": candidates,
        "indicator_gains": indicator_gains,
        "undecided_counted": undecided,
        "entered_only": entered_only,
    }
    total = current.total
    if total is None:
        return Plan(
            proposal=(),
            reachable_with_items=None,
            total_with_items=None,
            survey_points_needed=None,
            **common,
        )
    running = Fraction(total)
    if target.reached(running):
        return Plan(
            proposal=(),
            reachable_with_items=True,
            total_with_items=total,
            survey_points_needed=Decimal("0.00"),
            **common,
        )
    for k, candidate in enumerate(candidates, start=1):
        running += candidate.gain
        if target.reached(running):
            return Plan(
                proposal=candidates[:k],
                reachable_with_items=True,
                total_with_items=running,
                survey_points_needed=Decimal("0.00"),
                **common,
            )
    needed = max(target.min_total - round2(running), Decimal("0.00"))
    return Plan(
        proposal=candidates,
        reachable_with_items=False,
        total_with_items=running,
        survey_points_needed=needed,
        **common,
    )


# --------------------------------------------------------------------------- what-if


def what_if(
    framework: Framework,
    inputs: ScoreInputs,
    passed_items: Iterable[str] = (),
    indicator_scores: Mapping[int, Decimal] | None = None,
) -> ScoreResult:
    """The result if ``passed_items`` passed and the survey indicators had ``indicator_scores``.

    Starts from the planner's inputs (undecided items of item-grain indicators not passed). An
    indicator score given here replaces the indicator's questions and entered score; one equal to
    the two-decimal score shown now is left alone, so an untouched box keeps the exact score. Codes
    and numbers the framework does not have are ignored. Nothing is stored anywhere.
    """
    planned, _ = planning_inputs(framework, inputs)
    current = score(framework, planned)
    oit = dict(planned.oit_items)
    disclosure = framework.disclosure_item_codes
    for code in passed_items:
        if code in disclosure and code in oit:
            oit[code] = True
    indicators = dict(planned.indicator_scores)
    questions = dict(planned.question_scores)
    for number, value in (indicator_scores or {}).items():
        try:
            ind = framework.indicator(number)
        except KeyError:
            continue
        shown = current.indicators[number].score
        if ind.is_disclosure or (shown is not None and round2(shown) == value):
            continue
        indicators[number] = value
        for code in ind.items:
            questions.pop(code, None)
    return score(
        framework, replace(planned, oit_items=oit, indicator_scores=indicators, question_scores=questions)
    )
