"""The planner page of an assessment: access (other organization 404, executives read but may not
create measures 403), the plan for a target, what-if that saves nothing, Excel, and "Create measures
for these" through the measures services (audited, twice creates nothing twice)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import Assessment, DisclosureResult, IndicatorScore
from measures.models import Measure

SURVEY = {1: "86.40", 2: "78.12", 3: "81.05", 4: "79.90", 5: "77.35", 6: "84.10", 7: "80.02", 8: "79.55"}
FAILED = ("O16", "O40", "O42", "O43")


@pytest.fixture
def planned(fw2565, org_a, officer) -> Assessment:
    """Organization A's 2565 assessment at 76.79 (B): four O-items failed."""
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    services.indicator_scores_set(
        assessment=a, scores={n: Decimal(v) for n, v in SURVEY.items()}, user=officer
    )
    services.disclosures_mark_passed(assessment=a, user=officer)
    for item in a.framework.items.filter(code__in=FAILED):
        services.disclosure_result_set(assessment=a, item=item, passed=False, urls=[], note="", user=officer)
    a.refresh_from_db()
    return a


@pytest.fixture
def planned_b(fw2565, org_b, outsider) -> Assessment:
    a = services.assessment_create(organization=org_b, fiscal_year=2565, user=outsider)
    services.indicator_scores_set(
        assessment=a, scores={n: Decimal(v) for n, v in SURVEY.items()}, user=outsider
    )
    return a


def url(a: Assessment, name: str = "assessments:planner") -> str:
    return reverse(name, args=[a.pk])


def snapshot(a: Assessment) -> tuple:
    """Everything a what-if could have changed."""
    a.refresh_from_db()
    return (
        LogEntry.objects.count(),
        list(
            DisclosureResult.objects.filter(assessment=a)
            .order_by("item__code")
            .values_list("item__code", "passed")
        ),
        list(
            IndicatorScore.objects.filter(assessment=a)
            .order_by("indicator__number")
            .values_list("score", flat=True)
        ),
        a.computed_total,
        a.computed_band,
        a.updated_at if hasattr(a, "updated_at") else None,
        Measure.objects.count(),
    )


def test_planner_shows_the_proposal_for_band_a(client, officer, planned):
    client.force_login(officer)
    r = client.get(url(planned), {"target": "A"})
    assert r.status_code == 200
    plan = r.context["plan"]
    assert [c.code for c in plan.proposal] == ["O42", "O43"]
    assert [row["code"] for row in r.context["item_rows"]] == ["O42", "O43", "O40", "O16"]
    assert [row["gain"] for row in r.context["item_rows"]] == ["5.00", "5.00", "1.25", "0.50"]
    assert [row["gain"] for row in r.context["indicator_rows"]] == ["0.06"] * 5 + ["0.10"] * 3
    html = r.content.decode()
    assert 'id="plan-current">76.79<' in html
    assert 'id="plan-row-O42" class="table-primary" data-proposed' in html
    assert 'id="plan-row-O40" class' not in html
    assert r.context["what_if"]["total"] == "76.79"


def test_planner_default_target_is_the_next_band(client, officer, planned):
    client.force_login(officer)
    r = client.get(url(planned))
    assert r.context["page"].target_text == "next"
    assert r.context["plan"].target.label == "A"


def test_planner_custom_number_and_unreachable(client, officer, planned):
    client.force_login(officer)
    r = client.get(url(planned), {"target": "number", "number": "95"})
    plan = r.context["plan"]
    assert plan.reachable_with_items is False
    assert plan.survey_points_needed == Decimal("6.46")
    assert [e["code"] for e in r.context["equivalents"]] == ["IIT", "EIT"]
    assert [e["points"] for e in r.context["equivalents"]] == ["21.53", "21.53"]  # 6.46 / 0.30


def test_planner_bad_target_says_why_in_thai(client, officer, planned):
    client.force_login(officer)
    r = client.get(url(planned), {"target": "number", "number": "120"})
    assert r.status_code == 400
    assert r.context["plan"] is None
    assert "120" in r.context["page"].error
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in r.context["page"].error)


def test_planner_empty_state_when_every_item_passes(client, officer, fw2565, org_a):
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    services.indicator_scores_set(
        assessment=a, scores={n: Decimal(v) for n, v in SURVEY.items()}, user=officer
    )
    services.disclosures_mark_passed(assessment=a, user=officer)
    client.force_login(officer)
    r = client.get(url(a), {"target": "AA"})
    assert r.context["item_rows"] == []
    assert 'id="plan-no-items"' in r.content.decode()
    assert r.context["plan"].reachable_with_items is False


def test_planner_incomplete_assessment_says_what_to_do(client, officer, assessment):
    client.force_login(officer)
    r = client.get(url(assessment), {"target": "85"})
    assert r.status_code == 200
    assert 'id="plan-incomplete"' in r.content.decode()


def test_planner_is_linked_from_the_assessment_page(client, officer, planned):
    client.force_login(officer)
    assert (
        f'href="{url(planned)}"'
        in client.get(reverse("assessments:detail", args=[planned.pk])).content.decode()
    )


def test_executive_reads_the_planner_and_uses_what_if(client, executive, planned):
    client.force_login(executive)
    assert client.get(url(planned)).status_code == 200
    r = client.post(url(planned), {"target": "A", "item": ["O42", "O43"]}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'id="create-measures"' not in client.get(url(planned)).content.decode()


def test_other_organization_gets_404(client, outsider, planned, planned_b):
    client.force_login(outsider)
    assert client.get(url(planned_b)).status_code == 200  # their own
    assert client.get(url(planned)).status_code == 404
    assert client.post(url(planned), {"item": ["O42"]}).status_code == 404
    assert client.get(url(planned, "assessments:planner-export")).status_code == 404
    before = Measure.objects.count()
    assert client.post(url(planned, "measures:from-planner"), {"item": ["O42"]}).status_code == 404
    assert Measure.objects.count() == before


def test_anonymous_is_sent_to_log_in(client, planned):
    assert client.get(url(planned)).status_code == 302


def test_what_if_ticks_items_and_edits_scores_and_saves_nothing(client, officer, planned):
    client.force_login(officer)
    before = snapshot(planned)
    r = client.post(url(planned), {"target": "A", "item": ["O42", "O43"]}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert r.templates[0].name == "assessments/_planner_what_if.html"
    assert r.context["what_if"]["total"] == "86.79"
    assert r.context["what_if"]["band"] == "A"
    assert r.context["what_if"]["reached"] is True
    assert r.context["what_if"]["change"] == "+10.00"
    html = r.content.decode()
    assert 'id="what-if-band">A<' in html
    # One point more in indicator 6 (EIT) adds 0.10; indicator 1 sent back as shown changes nothing.
    r = client.post(
        url(planned),
        {"target": "A", "item": ["O42"], "ind_6": "85.10", "ind_1": "86.40"},
        HTTP_HX_REQUEST="true",
    )
    assert r.context["what_if"]["total"] == "81.89"  # 76.79 + 5.00 + 0.10
    assert r.context["what_if"]["band"] == "B"
    # A bad box is left out and named; the others still count.
    r = client.post(url(planned), {"target": "A", "item": ["O42"], "ind_6": "abc"}, HTTP_HX_REQUEST="true")
    assert r.context["what_if"]["total"] == "81.79"
    assert r.context["problems"].keys() == {6}
    # Without htmx the whole page comes back with the what-if shown.
    r = client.post(url(planned), {"target": "A", "item": ["O42", "O43"]})
    assert r.status_code == 200
    assert 'id="what-if-form"' in r.content.decode()
    assert 'id="what-if-O42" checked' in r.content.decode()
    assert snapshot(planned) == before


def test_planner_export_is_the_table_with_safe_cells(client, officer, planned):
    item = planned.framework.items.get(code="O42")
    item.name_th = '=HYPERLINK("http://x")'  # a name that looks like a formula stays text
    item.save()
    client.force_login(officer)
    r = client.get(url(planned, "assessments:planner-export"), {"target": "A"})
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    ws = wb.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "ข้อ" or row[0] == "O-item")
    body = rows[header + 1 :]
    assert [row[0] for row in body] == ["O42", "O43", "O40", "O16"]
    assert [row[4] for row in body] == [5.0, 5.0, 1.25, 0.5]
    assert [row[5] for row in body] == [81.79, 86.79, 88.04, 88.54]
    assert body[0][1] == '=HYPERLINK("http://x")'
    assert ws.cell(row=header + 2, column=2).data_type == "s"
    points = wb.worksheets[1]
    assert [row[4].value for row in points.iter_rows(min_row=2)] == [0.06] * 5 + [0.1] * 3


def test_create_measures_for_the_ticked_items(client, officer, planned):
    client.force_login(officer)
    logs = LogEntry.objects.count()
    r = client.post(url(planned, "measures:from-planner"), {"item": ["O42", "O43"], "target": "A"})
    assert r.status_code == 302
    assert r["Location"] == reverse("measures:list", args=[planned.pk])
    created = list(Measure.objects.filter(assessment=planned).order_by("number"))
    assert [[i.code for i in m.target_items.all()] for m in created] == [["O42"], ["O43"]]
    assert all(m.status == "planned" and m.rounds == [6, 12] and m.created_by == officer for m in created)
    assert "O42" in created[0].title
    assert LogEntry.objects.count() > logs  # audited
    # Twice creates nothing twice.
    client.post(url(planned, "measures:from-planner"), {"item": ["O42", "O43", "O40"]})
    assert [
        [i.code for i in m.target_items.all()]
        for m in Measure.objects.filter(assessment=planned).order_by("number")
    ] == [["O42"], ["O43"], ["O40"]]


def test_create_measures_refuses_nothing_ticked_and_unknown_items(client, officer, planned):
    client.force_login(officer)
    r = client.post(url(planned, "measures:from-planner"), {"target": "A"})
    assert r.status_code == 302
    assert r["Location"] == f"{url(planned)}?target=A"
    r = client.post(url(planned, "measures:from-planner"), {"item": ["i1"]})
    assert r.status_code == 302
    assert Measure.objects.filter(assessment=planned).count() == 0


def test_executive_may_not_create_measures(client, executive, planned):
    client.force_login(executive)
    r = client.post(url(planned, "measures:from-planner"), {"item": ["O42"]})
    assert r.status_code == 403
    assert Measure.objects.filter(assessment=planned).count() == 0


def test_planner_page_query_count_is_flat(client, officer, planned, django_assert_max_num_queries):
    """Same number of queries with 4 failed items as with 40."""
    client.force_login(officer)
    client.get(url(planned), {"target": "AA"})  # warm the framework structure
    with django_assert_max_num_queries(20) as few:
        client.get(url(planned), {"target": "AA"})
    DisclosureResult.objects.filter(assessment=planned).update(passed=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url(planned), {"target": "AA"})
    assert len(r.context["item_rows"]) == 43
