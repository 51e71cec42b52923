"""The list of a year with 300 measures × 4 rounds costs the same queries as a list of one (issue 6)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.bulk import bulk_measures
from measures.models import Evidence, Measure, MonitoringRound, ProgressReport

LAYOUTS = ("number", "tool", "item", "unit")


def _list_queries(client, assessment) -> dict[str, int]:
    counts = {}
    for view in LAYOUTS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("measures:list", args=[assessment.pk]), {"view": view})
        assert response.status_code == 200
        counts[view] = len(ctx)
    return counts


def test_bulk_measures_builds_rounds_reports_and_evidence(assessment, officer):
    measures = bulk_measures(assessment, 5, user=officer)
    assert [m.number for m in measures] == [1, 2, 3, 4, 5]
    assert MonitoringRound.objects.filter(measure__in=measures).count() == 20
    assert ProgressReport.objects.filter(measure__in=measures, is_current=True).count() == 10
    assert Evidence.objects.filter(report__measure__in=measures).count() == 10
    assert bulk_measures(assessment, 2, user=officer)[0].number == 6


def test_list_of_300_measures_by_4_rounds_costs_the_queries_of_one(client, officer, assessment):
    bulk_measures(assessment, 1, user=officer)
    client.force_login(officer)
    one = _list_queries(client, assessment)
    bulk_measures(assessment, 299, user=officer)
    assert Measure.objects.filter(assessment=assessment).count() == 300
    assert MonitoringRound.objects.filter(measure__assessment=assessment).count() == 1200
    many = _list_queries(client, assessment)
    assert many == one
    response = client.get(reverse("measures:list", args=[assessment.pk]))
    assert response.context["shown"] == 300
