"""The analysis's pure rules: ranking, strengths, weaknesses, points per tool, comparison, bands."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from reports import analysis as a


def ind(number: int, score: str | None, tool: str = "IIT") -> a.IndicatorScore:
    return a.IndicatorScore(number, f"ตัวชี้วัด {number}", tool, None if score is None else D(score))


def data(scores: dict[int, str | None], **kwargs) -> a.AnalysisInput:
    tools = (
        a.ToolScore("IIT", "IIT", D(30), (1, 2, 3, 4, 5)),
        a.ToolScore("EIT", "EIT", D(30), (6, 7, 8)),
        a.ToolScore("OIT", "OIT", D(40), (9, 10)),
    )
    tool_of = {n: t.code for t in tools for n in t.indicators}
    indicators = tuple(ind(n, s, tool_of[n]) for n, s in scores.items())
    return a.AnalysisInput("อบต.ทดสอบ", 2565, tools, indicators, **kwargs)


SRIKHAM = {
    1: "88.81",
    2: "75.15",
    3: "82.16",
    4: "78.08",
    5: "80.24",
    6: "82.65",
    7: "75.22",
    8: "78.09",
    9: "100",
    10: "100",
}


def test_rank_orders_by_score_then_number_and_skips_unscored():
    ranked = a.rank((ind(1, "80"), ind(2, None), ind(3, "90"), ind(4, "80")))
    assert [i.number for i in ranked] == [3, 1, 4]


def test_strengths_are_indicators_at_or_above_85():
    result = a.analyse(data(SRIKHAM))
    assert [i.number for i in result.strengths] == [9, 10, 1]


def test_weaknesses_are_every_indicator_below_80_lowest_first():
    result = a.analyse(data(SRIKHAM))
    assert [i.number for i in result.weaknesses] == [2, 7, 4, 8]


def test_weaknesses_take_the_three_lowest_when_few_are_below_80():
    result = a.analyse(
        data({1: "84", 2: "83", 3: "82", 4: "81", 5: "79", 6: "90", 7: "95", 8: "96", 9: "97", 10: "98"})
    )
    assert [i.number for i in result.weaknesses] == [5, 4, 3]


def test_an_indicator_at_the_target_is_never_a_weakness():
    result = a.analyse(
        data({1: "84.99", 2: "85", 3: "90", 4: "91", 5: "92", 6: "93", 7: "94", 8: "95", 9: "96", 10: "97"})
    )
    assert [i.number for i in result.weaknesses] == [1]


@pytest.mark.parametrize(
    ("minimum", "below", "expected"), [(D(80), D(76), [2, 7, 4]), (D(90), D(70), [2, 7, 4])]
)
def test_thresholds_are_parameters(minimum, below, expected):
    result = a.analyse(data(SRIKHAM), strength_min=minimum, weakness_below=below)
    assert [i.number for i in result.weaknesses] == expected


def test_points_per_tool_list_low_indicators_and_failed_items_of_that_tool():
    failed = (a.FailedItem("O16", "รายงานผลสำรวจ", 9, "OIT"),)
    result = a.analyse(data(SRIKHAM, failed_items=failed))
    by_tool = {p.tool.code: p for p in result.points}
    assert [i.number for i in by_tool["IIT"].indicators] == [2, 4, 5, 3]
    assert [i.number for i in by_tool["EIT"].indicators] == [7, 8, 6]
    assert by_tool["OIT"].indicators == ()
    assert [f.code for f in by_tool["OIT"].failed_items] == ["O16"]
    assert by_tool["IIT"].failed_items == ()


def test_comparison_has_one_row_per_indicator_and_the_total_with_the_change():
    history = (
        a.YearResult(2563, D("70.00"), "C", {1: D("70")}),
        a.YearResult(2564, D("80.00"), "B", {1: D("90")}),
    )
    result = a.analyse(data(SRIKHAM, total=D("87.86"), band="A", history=history))
    assert result.years == (2563, 2564, 2565)
    first = result.comparison[0]
    assert (first.number, first.scores, first.change) == (1, (D("70"), D("90"), D("88.81")), D("-1.19"))
    assert result.comparison[1].scores == (None, None, D("75.15"))
    assert result.comparison[1].change is None
    total = result.comparison[-1]
    assert (total.number, total.scores, total.change) == (
        None,
        (D("70.00"), D("80.00"), D("87.86")),
        D("7.86"),
    )


def test_comparison_ignores_later_years():
    history = (a.YearResult(2566, D("90.00"), "ผ่าน"),)
    result = a.analyse(data(SRIKHAM, total=D("87.86"), history=history))
    assert result.years == (2565,)


def test_highest_and_lowest_name_every_indicator_sharing_the_score():
    result = a.analyse(data(SRIKHAM))
    assert [i.number for i in result.highest] == [9, 10]
    assert [i.number for i in result.lowest] == [2]


def test_band_rows_are_ranges_highest_first():
    rows = a.band_rows([("B", D("75.00")), ("AA", D("95.00")), ("A", D("85.00")), ("F", D("0"))])
    assert [(r.label, r.min_total, r.max_total) for r in rows] == [
        ("AA", D("95.00"), None),
        ("A", D("85.00"), D("94.99")),
        ("B", D("75.00"), D("84.99")),
        ("F", D("0"), D("74.99")),
    ]


def test_tool_series_follow_the_years_on_record():
    tools = (a.ToolScore("IIT", "IIT", D(30), (1,), D("80.89")), a.ToolScore("OIT", "OIT", D(40), (9,), None))
    history = (a.YearResult(2564, D("80.00"), "B", {}, {"IIT": D("70.00"), "OIT": D("90.00")}),)
    data_ = a.AnalysisInput("อบต.ทดสอบ", 2565, tools, (ind(1, "80.89"), ind(9, None, "OIT")), history=history)
    assert a.tool_series(data_) == (("IIT", (D("70.00"), D("80.89"))), ("OIT", (D("90.00"), None)))
