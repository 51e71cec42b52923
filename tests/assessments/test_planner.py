"""The gap-to-target planner: exact gains from the framework's structure, a proposal that reaches the
target with no smaller set able to (checked against brute force over every subset, scored by
``scoring.score`` itself, on small random frameworks), unreachable targets, band labels and what-if."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assessments import planner, scoring
from assessments.framework_file import load_framework_file

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"

# Made-up indicator scores (those of the demo data set): with every O-item passed the total is 86.79.
SURVEY = {
    1: Decimal("86.40"),
    2: Decimal("78.12"),
    3: Decimal("81.05"),
    4: Decimal("79.90"),
    5: Decimal("77.35"),
    6: Decimal("84.10"),
    7: Decimal("80.02"),
    8: Decimal("79.55"),
}


def framework(year: int) -> scoring.Framework:
    return load_framework_file(FRAMEWORKS / f"ita-{year}.json").to_scoring()


@pytest.fixture(scope="module")
def fw65() -> scoring.Framework:
    return framework(2565)


def inputs_with(fw: scoring.Framework, failed=(), undecided=(), survey=SURVEY) -> scoring.ScoreInputs:
    oit = {code: code not in failed for code in fw.disclosure_item_codes if code not in undecided}
    return scoring.ScoreInputs(indicator_scores=dict(survey), oit_items=oit)


# --------------------------------------------------------------------------- exact gains


def test_gains_2565_are_exact_from_the_structure(fw65):
    gains = planner.item_gains(fw65)
    assert gains["O42"] == gains["O43"] == Fraction(5)  # 10.2: 40/100 x 1/2 x 1/2 x 100/2
    assert all(gains[f"O{n}"] == Fraction(4, 9) for n in range(1, 10))  # 9.1: nine items
    assert scoring.fmt2(gains["O42"]) == "5.00"
    assert scoring.fmt2(gains["O1"]) == "0.44"
    points = planner.indicator_point_gains(fw65)
    assert [points[n] for n in range(1, 9)] == [Fraction(3, 50)] * 5 + [Fraction(1, 10)] * 3
    assert [scoring.fmt2(points[n]) for n in (1, 6)] == ["0.06", "0.10"]


@pytest.mark.parametrize("year", [2563, 2564, 2565, 2566, 2567, 2568, 2569])
def test_gain_of_every_item_equals_the_scoring_difference(year):
    """The gain of each O-item is what the scoring module's total changes by when it alone fails."""
    fw = framework(year)
    gains = planner.item_gains(fw)
    assert set(gains) == fw.disclosure_item_codes
    full = scoring.score(fw, inputs_with(fw)).total
    for code in sorted(fw.disclosure_item_codes):
        without = scoring.score(fw, inputs_with(fw, failed={code})).total
        assert full - without == gains[code], code


@pytest.mark.parametrize("year", [2565, 2568])
def test_indicator_point_gain_equals_the_scoring_difference(year):
    fw = framework(year)
    points = planner.indicator_point_gains(fw)
    base = scoring.score(fw, inputs_with(fw)).total
    for number in SURVEY:
        raised = {**SURVEY, number: SURVEY[number] + 1}
        assert scoring.score(fw, inputs_with(fw, survey=raised)).total - base == points[number]


# --------------------------------------------------------------------------- proposals on 2565


def test_band_label_target_proposes_the_two_items_of_10_2(fw65):
    inputs = inputs_with(fw65, failed={"O16", "O40", "O42", "O43"})
    target = planner.resolve_target(fw65, "A")
    assert target == planner.Target(Decimal("85.00"), "A")
    result = planner.plan(fw65, inputs, target)
    assert result.as_dict() == {
        "target": "85.00",
        "current_total": "76.79",
        "reachable_with_items": True,
        "items": [{"code": "O42", "gain": "5.00"}, {"code": "O43", "gain": "5.00"}],
        "total_with_items": "86.79",
        "survey_points_needed": "0.00",
    }
    assert [c.code for c in result.candidates] == ["O42", "O43", "O40", "O16"]
    assert result.band_with_items(fw65) == "A"


def test_unreachable_target_lists_every_failed_item_and_the_survey_points(fw65):
    inputs = inputs_with(fw65, failed={"O16", "O40", "O42", "O43"})
    result = planner.plan(fw65, inputs, planner.resolve_target(fw65, "AA"))
    assert result.reachable_with_items is False
    assert [c.code for c in result.proposal] == ["O42", "O43", "O40", "O16"]
    assert scoring.fmt2(result.total_with_items) == "88.54"
    assert result.survey_points_needed == Decimal("6.46")  # 95.00 - 88.54
    assert result.as_dict()["survey_points_needed"] == "6.46"


def test_already_met_target_gives_an_empty_list(fw65):
    inputs = inputs_with(fw65, failed={"O16", "O40"})
    result = planner.plan(fw65, inputs, planner.resolve_target(fw65, "85"))
    assert result.as_dict() == {
        "target": "85.00",
        "current_total": "86.79",
        "reachable_with_items": True,
        "items": [],
        "total_with_items": "86.79",
        "survey_points_needed": "0.00",
    }
    assert result.already_met


def test_the_rounded_total_reaches_the_target(fw65):
    """An exact total of 84.995 is 85.00 (the band uses the rounded total): the target 85 is met with
    no item, 85.01 needs one."""
    survey = {**{n: Decimal("83.33") for n in range(1, 6)}, **{n: Decimal("83.32") for n in range(6, 9)}}
    inputs = inputs_with(fw65, failed={"O42"}, survey=survey)
    assert scoring.score(fw65, inputs).total == Fraction("84.995")
    assert planner.plan(fw65, inputs, planner.resolve_target(fw65, "85")).proposal == ()
    assert [c.code for c in planner.plan(fw65, inputs, planner.resolve_target(fw65, "85.01")).proposal] == [
        "O42"
    ]


def test_next_goes_to_the_band_above(fw65):
    inputs = inputs_with(fw65, failed={"O16", "O40", "O42", "O43"})
    total = scoring.score(fw65, inputs).total
    assert planner.resolve_target(fw65, "next", total) == planner.Target(Decimal("85.00"), "A")
    top = planner.resolve_target(fw65, "next", Fraction(97))
    assert top == planner.Target(Decimal("95.00"), "AA")


def test_undecided_items_count_as_not_passed_and_are_listed(fw65):
    inputs = inputs_with(fw65, failed={"O42"}, undecided={"O43", "O1"})
    result = planner.plan(fw65, inputs, planner.resolve_target(fw65, "pass"))
    assert result.undecided_counted == ("O43", "O1")
    assert {c.code: c.passed for c in result.candidates} == {"O42": False, "O43": None, "O1": None}
    assert [c.code for c in result.proposal] == ["O42", "O43"]


def test_indicator_known_only_by_its_entered_score_keeps_it(fw65):
    """Srikham's published indicator scores, no O-item results: nothing to propose, the total is 87.86."""
    scores = {
        **{
            n: Decimal(v)
            for n, v in zip(
                range(1, 9),
                ["88.81", "75.15", "82.16", "78.08", "80.24", "82.65", "75.22", "78.09"],
                strict=True,
            )
        },
        9: Decimal(100),
        10: Decimal(100),
    }
    inputs = scoring.ScoreInputs(indicator_scores=scores)
    result = planner.plan(fw65, inputs, planner.resolve_target(fw65, "AA"))
    assert result.entered_only == (9, 10)
    assert result.candidates == ()
    assert scoring.fmt2(result.current_total) == "87.86"
    assert result.reachable_with_items is False
    assert result.survey_points_needed == Decimal("7.14")


def test_incomplete_survey_gives_no_total_and_no_proposal(fw65):
    inputs = inputs_with(fw65, failed={"O42"}, survey={1: Decimal(80)})
    result = planner.plan(fw65, inputs, planner.resolve_target(fw65, "85"))
    assert result.current_total is None
    assert result.reachable_with_items is None
    assert result.proposal == ()
    assert [c.code for c in result.candidates] == ["O42"]
    assert result.as_dict()["items"] == []


# --------------------------------------------------------------------------- targets


def test_pass_fail_year_targets():
    fw = framework(2568)
    assert planner.resolve_target(fw, "pass") == planner.Target(Decimal("85.00"))
    assert planner.resolve_target(fw, "ผ่าน") == planner.Target(Decimal("85.00"), "ผ่าน")
    assert planner.resolve_target(fw, "next", Fraction(60)) == planner.Target(Decimal("85.00"), "ผ่าน")
    assert planner.target_choices(fw) == ["next", "pass", "ผ่าน"]
    assert planner.target_choices(framework(2565)) == ["next", "pass", "AA", "A", "B", "C", "D", "E"]
    with pytest.raises(planner.TargetError) as info:
        planner.resolve_target(fw, "AA")
    assert info.value.kind == planner.TargetError.NOT_A_TARGET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85", "85.00"),
        ("aa", "95.00"),
        ("b", "75.00"),
        ("๙๐.๕", "90.50"),
        ("0", "0.00"),
        ("100.00", "100.00"),
        (" 84.5 ", "84.50"),
    ],
)
def test_targets_read(fw65, text, expected):
    assert str(planner.resolve_target(fw65, text).min_total) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("G", "not_a_target"),
        ("eighty", "not_a_target"),
        ("100.01", "range"),
        ("-1", "range"),
        ("NaN", "range"),
        ("Infinity", "range"),
        ("84.999", "places"),
        ("next", "needs_total"),
    ],
)
def test_bad_targets_say_why(fw65, text, kind):
    with pytest.raises(planner.TargetError) as info:
        planner.resolve_target(fw65, text)
    assert info.value.kind == kind


# --------------------------------------------------------------------------- what-if


def test_what_if_ticking_the_proposal_gives_its_total(fw65):
    inputs = inputs_with(fw65, failed={"O16", "O40", "O42", "O43"})
    result = planner.what_if(fw65, inputs, ["O42", "O43"])
    assert (scoring.fmt2(result.total), result.band) == ("86.79", "A")
    assert planner.what_if(fw65, inputs, ["O42"]).band == "B"


def test_what_if_indicator_scores_change_the_total_by_their_gain(fw65):
    inputs = inputs_with(fw65, failed={"O42"})
    base = scoring.score(fw65, inputs).total
    raised = planner.what_if(fw65, inputs, (), {1: Decimal("96.40"), 6: Decimal("84.10")})
    assert raised.total - base == 10 * Fraction(3, 50)  # 6 unchanged: left alone


def test_what_if_box_left_as_shown_keeps_the_exact_question_score(fw65):
    """Indicator 1 from questions is 80.833…; its box shows 80.83: sent back unchanged, the exact
    score stays."""
    questions = {code: Decimal(80) for code in fw65.indicator(1).items}
    questions[fw65.indicator(1).items[0]] = Decimal(85)
    inputs = scoring.ScoreInputs(indicator_scores=SURVEY, question_scores=questions, oit_items={})
    base = scoring.score(fw65, planner.planning_inputs(fw65, inputs)[0]).total
    assert planner.what_if(fw65, inputs, (), {1: Decimal("80.83")}).total == base
    assert planner.what_if(fw65, inputs, (), {1: Decimal("80.84")}).total != base


# --------------------------------------------------------------------------- minimality by brute force


@st.composite
def small_cases(draw):
    """A framework of one survey tool and one OIT tool with 1-2 indicators of 1-3 sub-indicators of
    1-4 items, random weights; random item results (failed, passed, undecided); a random target."""
    survey_weight = draw(st.integers(min_value=0, max_value=80))
    oit_weight = 100 - survey_weight
    indicators = [scoring.IndicatorDef(1, "S", items=("q1",))]
    code = 0
    oit_numbers = []
    for number in range(2, 2 + draw(st.integers(min_value=1, max_value=2))):
        subs = []
        for s in range(draw(st.integers(min_value=1, max_value=3))):
            size = draw(st.integers(min_value=1, max_value=4))
            codes = tuple(f"O{code + k + 1}" for k in range(size))
            code += size
            subs.append(scoring.SubIndicatorDef(f"{number}.{s + 1}", codes))
        indicators.append(scoring.IndicatorDef(number, "O", sub_indicators=tuple(subs)))
        oit_numbers.append(number)
    fw = scoring.Framework(
        fiscal_year=2565,
        tools=(
            scoring.ToolDef("S", Decimal(survey_weight), (1,)),
            scoring.ToolDef("O", Decimal(oit_weight), tuple(oit_numbers)),
        ),
        indicators=tuple(indicators),
        bands=(scoring.BandDef("P", Decimal(85), True), scoring.BandDef("F", Decimal(0), False)),
        pass_mark=Decimal(85),
    )
    all_codes = [f"O{k + 1}" for k in range(code)]
    results = draw(st.lists(st.sampled_from([True, False, None]), min_size=code, max_size=code))
    oit = {c: r for c, r in zip(all_codes, results, strict=True) if r is not None}
    survey = draw(st.decimals(min_value=0, max_value=100, places=2))
    target = draw(st.decimals(min_value=0, max_value=100, places=2))
    return fw, scoring.ScoreInputs(indicator_scores={1: survey}, oit_items=oit), planner.Target(target)


def brute_force(fw, inputs, target):
    """Every subset of the not-passed items, scored by ``scoring.score``: the smallest that reaches the
    target, ties to the larger total, then to the set first in framework order."""
    order = [c for ind in fw.indicators for c in ind.all_items]
    open_items = [c for c in order if inputs.oit_items.get(c) is not True]
    best = None
    for size in range(len(open_items) + 1):
        for subset in combinations(open_items, size):
            oit = {c: (inputs.oit_items.get(c) is True) or c in subset for c in order}
            total = scoring.score(
                fw, scoring.ScoreInputs(indicator_scores=inputs.indicator_scores, oit_items=oit)
            ).total
            if not target.reached(total):
                continue
            key = (-total, [order.index(c) for c in subset])
            if best is None or key < best[0]:
                best = (key, subset, total)
        if best is not None:
            return set(best[1]), best[2]
    return None, None


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases())
def test_proposal_is_the_smallest_set_by_brute_force(case):
    fw, inputs, target = case
    result = planner.plan(fw, inputs, target)
    chosen, total = brute_force(fw, inputs, target)
    if chosen is None:
        assert result.reachable_with_items is False
        assert {c.code for c in result.proposal} == {
            c for c in fw.disclosure_item_codes if inputs.oit_items.get(c) is not True
        }
        assert result.survey_points_needed == max(
            target.min_total - scoring.round2(result.total_with_items), Decimal(0)
        )
        assert result.survey_points_needed > 0
    else:
        assert result.reachable_with_items is True
        assert {c.code for c in result.proposal} == chosen
        assert result.total_with_items == total
    # Whatever the plan, what-if with its items gives its total (the gains are additive).
    ticked = planner.what_if(fw, inputs, [c.code for c in result.proposal])
    assert ticked.total == result.total_with_items
