"""The fiscal-year timeline: month columns, bars clamped to the year, round markers, and the page
(filters of the list, links, no inline style or script, access, a flat query count)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures import services, timeline
from measures.display import MeasureRow, RoundBadge
from measures.models import Measure, MeasureStatus


def _measure(assessment, user, title="มาตรการทดสอบ", **kwargs) -> Measure:
    return services.measure_create(assessment=assessment, title=title, user=user, **kwargs)


def _report(measure, user, month):
    return services.progress_report_save(
        round=measure.monitoring_rounds.get(month=month),
        result="ดำเนินการแล้ว",
        outcome="",
        suggestion="",
        percent=50,
        user=user,
    )


def _row(start, end, rounds=(), status=MeasureStatus.IN_PROGRESS) -> MeasureRow:
    measure = Measure(number=1, start_month=start, end_month=end, status=status)
    return MeasureRow(measure, list(rounds), "", "")


# --------------------------------------------------------------------------- layout


def test_months_run_october_to_september_with_today():
    columns = timeline.months(2565, today=date(2022, 3, 15))
    assert [c.label for c in columns] == [
        "ต.ค. 64",
        "พ.ย. 64",
        "ธ.ค. 64",
        "ม.ค. 65",
        "ก.พ. 65",
        "มี.ค. 65",
        "เม.ย. 65",
        "พ.ค. 65",
        "มิ.ย. 65",
        "ก.ค. 65",
        "ส.ค. 65",
        "ก.ย. 65",
    ]
    assert [c.index for c in columns if c.is_today] == [6]
    assert not any(c.is_today for c in timeline.months(2565, today=date(2022, 10, 1)))
    assert timeline.months(2565, date(2022, 3, 1), digits="thai")[11].label == "ก.ย. ๖๕"


@pytest.mark.parametrize(
    ("day", "column"),
    [(date(2021, 10, 1), 1), (date(2021, 12, 31), 3), (date(2022, 9, 30), 12), (date(2022, 11, 1), 14)],
)
def test_column_of_counts_from_october(day, column):
    assert timeline.column_of(day, 2565) == column


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2021, 11, 1), date(2022, 3, 1), (2, 5, False, False)),
        (date(2021, 10, 1), date(2022, 9, 1), (1, 12, False, False)),
        (date(2022, 6, 1), date(2023, 3, 1), (9, 4, False, True)),
        (date(2021, 7, 1), date(2021, 12, 1), (1, 3, True, False)),
        (date(2022, 2, 1), None, (5, 1, False, False)),
        (date(2023, 1, 1), date(2023, 2, 1), (12, 1, False, True)),
    ],
)
def test_bar_is_clamped_to_the_year(start, end, expected):
    bar = timeline.bar(_row(start, end), 2565)
    assert (bar.start, bar.span, bar.before, bar.after) == expected


def test_bar_without_period_has_no_bar_but_markers():
    badge = RoundBadge(7, 6, date(2022, 3, 31), reported=False, overdue=False)
    bar = timeline.bar(_row(None, None, [badge]), 2565)
    assert (bar.start, bar.span) == (None, 0)
    assert [(m.column, m.state) for m in bar.markers] == [(6, "due")]


def test_markers_at_due_month_with_state():
    badges = [
        RoundBadge(1, 3, date(2021, 12, 31), reported=True, overdue=False),
        RoundBadge(2, 6, date(2022, 4, 15), reported=False, overdue=True),  # due date moved
        RoundBadge(3, 12, date(2022, 10, 15), reported=False, overdue=False),  # past the year
    ]
    bar = timeline.bar(_row(date(2021, 10, 1), date(2022, 9, 1), badges), 2565)
    assert [(m.badge.pk, m.column, m.state) for m in bar.markers] == [
        (1, 3, "reported"),
        (2, 7, "overdue"),
        (3, 12, "due"),
    ]


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (MeasureStatus.PLANNED, "is-planned"),
        (MeasureStatus.IN_PROGRESS, "is-active"),
        (MeasureStatus.DONE, "is-done"),
        (MeasureStatus.CANCELLED, "is-cancelled"),
    ],
)
def test_bar_state_follows_status(status, state):
    assert timeline.bar(_row(None, None, status=status), 2565).state == state


def test_css_has_every_placement_class():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "timeline.css").read_text()
    for n in range(1, 13):
        assert f".tl-start-{n} {{ grid-column-start: {n + 1}; }}" in css
        assert f".tl-span-{n} {{ grid-column-end: span {n}; }}" in css
        assert f".tl-at-{n} {{ grid-column: {n + 1}; }}" in css


# --------------------------------------------------------------------------- the page


@pytest.fixture
def measures(assessment, officer, org_a):
    klang = org_a.units.get(name="กองคลัง")
    first = _measure(
        assessment,
        officer,
        title="ชี้แจงแผน",
        units=[klang],
        start_month=date(2021, 12, 1),
        end_month=date(2022, 5, 1),
        rounds=[6, 12],
    )
    _report(first, officer, 6)
    done = _measure(
        assessment,
        officer,
        title="เสร็จแล้ว",
        all_units=True,
        start_month=date(2022, 6, 1),
        end_month=date(2023, 1, 1),
        status=MeasureStatus.DONE,
        rounds=[12],
    )
    return first, done


def test_timeline_shows_bars_markers_and_links(client, officer, measures):
    first, done = measures
    client.force_login(officer)
    response = client.get(reverse("measures:timeline", args=[first.assessment_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="tl-bar tl-start-3 tl-span-6"' in html
    assert 'class="tl-bar tl-start-9 tl-span-4 tl-cont-after"' in html
    six, twelve = first.monitoring_rounds.order_by("month")
    six_url, twelve_url = (reverse("progress:round", args=[r.pk]) for r in (six, twelve))
    assert f'class="tl-round is-reported tl-at-6" href="{six_url}"' in html
    assert f'class="tl-round is-overdue tl-at-12" href="{twelve_url}"' in html
    assert f'href="{reverse("measures:detail", args=[done.pk])}"' in html
    assert f'id="tl-measure-{done.pk}"' in html and 'tl-row is-done"' in html
    assert "ต.ค. ๖๔" in html and "ก.ย. ๖๕" in html  # the default: Thai digits in documents
    assert f'href="{reverse("measures:list", args=[first.assessment_id])}"' in html
    assert 'aria-label="1. รอบ 6 เดือน: รายงานแล้ว, กำหนดส่ง 31 มีนาคม 2565"' in html


def test_timeline_has_no_inline_style_or_script(client, officer, measures):
    client.force_login(officer)
    html = client.get(reverse("measures:timeline", args=[measures[0].assessment_id])).content.decode()
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert '<link rel="stylesheet" href="/static/css/timeline.css">' in html


def test_timeline_uses_the_list_filters(client, officer, measures, org_a):
    first, _done = measures
    client.force_login(officer)
    url = reverse("measures:timeline", args=[first.assessment_id])

    def shown(params):
        return [b.row.measure.number for b in client.get(url, params).context["bars"]]

    assert shown({}) == [1, 2]
    assert shown({"status": "done"}) == [2]
    assert shown({"round": "6"}) == [1]
    assert shown({"overdue": "1"}) == [1, 2]  # both 12-month rounds are past without a report
    assert shown({"unit": org_a.units.get(name="กองช่าง").pk}) == [2]


def test_timeline_executive_may_view(client, executive, measures):
    client.force_login(executive)
    response = client.get(reverse("measures:timeline", args=[measures[0].assessment_id]))
    assert response.status_code == 200
    assert [b.row.measure.title for b in response.context["bars"]] == ["ชี้แจงแผน", "เสร็จแล้ว"]


def test_timeline_404_for_outsider(client, outsider, measures, assessment_b):
    _measure(assessment_b, outsider, title="ของอีกหน่วยงาน", rounds=[6])
    client.force_login(outsider)
    assert client.get(reverse("measures:timeline", args=[measures[0].assessment_id])).status_code == 404
    response = client.get(reverse("measures:timeline", args=[assessment_b.pk]))
    assert [b.row.measure.title for b in response.context["bars"]] == ["ของอีกหน่วยงาน"]


def test_timeline_query_count_is_flat(client, officer, assessment, org_a):
    unit = org_a.units.first()
    first = _measure(assessment, officer, units=[unit], rounds=[3, 6, 9, 12], start_month=date(2021, 10, 1))
    _report(first, officer, 6)
    client.force_login(officer)
    url = reverse("measures:timeline", args=[assessment.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(19):
        m = _measure(assessment, officer, title=f"มาตรการ {n}", units=[unit], rounds=[3, 6, 9, 12])
        _report(m, officer, 3)
        _report(m, officer, 9)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["bars"]) == 20
    assert len(many) == len(one)


@pytest.mark.parametrize("name", ["measures:timeline", "measures:export"])
def test_read_only_pages_refuse_writes(client, executive, measures, name):
    client.force_login(executive)
    assert client.post(reverse(name, args=[measures[0].assessment_id])).status_code == 405
