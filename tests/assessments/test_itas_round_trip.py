"""Export → import round trip (issue 7 item 7): ``export_ita`` then ``import_ita`` of the same file
reports every agency-year unchanged and writes nothing, for a complete assessment and for a partly filled
one (some indicators, some questions, O-items decided and undecided, an undecided one with its URL and
note kept), whatever the number of URLs in an O-item."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from assessments import services
from assessments.itas_export import itas_workbook
from assessments.itas_import import COMMAND_LINE, UNCHANGED, itas_import
from assessments.models import Assessment, DisclosureResult, IndicatorScore, QuestionScore

from .test_itas_export import complete, partial  # noqa: F401  (fixtures)


def snapshot() -> tuple:
    return (
        sorted(Assessment.objects.values_list("pk", "published_total", "published_band", "updated_at")),
        sorted(IndicatorScore.objects.values_list("assessment_id", "indicator__number", "score")),
        sorted(QuestionScore.objects.values_list("assessment_id", "item__code", "score")),
        sorted(
            (a, c, p, tuple(u), n)
            for a, c, p, u, n in DisclosureResult.objects.values_list(
                "assessment_id", "item__code", "passed", "urls", "note"
            )
        ),
        LogEntry.objects.count(),
    )


@pytest.fixture
def undecided(partial, outsider):  # noqa: F811
    """The partly filled assessment also has an undecided O-item with two URLs and a note, and an
    undecided one with a note only (an officer's work in progress)."""
    framework = partial.framework
    services.disclosure_result_set(
        assessment=partial,
        item=framework.items.get(code="O7"),
        passed=None,
        urls=["https://b.example/o7", "https://b.example/o7-2"],
        note="รอหัวหน้าตรวจ",
        user=outsider,
    )
    services.disclosure_result_set(
        assessment=partial,
        item=framework.items.get(code="O9"),
        passed=None,
        urls=[],
        note="=ยังไม่ได้ทำ",
        user=outsider,
    )
    partial.refresh_from_db()
    return partial


def test_round_trip_complete_and_partly_filled_assessments_are_unchanged(
    tmp_path,
    capsys,
    complete,  # noqa: F811
    undecided,
):
    out = tmp_path / "ita-2565.xlsx"
    call_command("export_ita", "--year", "2565", "--out", str(out))
    capsys.readouterr()
    before = snapshot()
    assert DisclosureResult.objects.filter(assessment=undecided, passed__isnull=True).count() == 2
    call_command("import_ita", str(out), "--json")
    answer = json.loads(capsys.readouterr().out)
    assert answer["errors"] == []
    assert (answer["agencies"], answer["created"], answer["updated"], answer["unchanged"]) == (2, 0, 0, 2)
    assert snapshot() == before


def test_round_trip_through_the_engine_reports_each_agency_unchanged(complete, undecided):  # noqa: F811
    data = itas_workbook(Assessment.objects.all())
    before = snapshot()
    result = itas_import(data=data, user=COMMAND_LINE)
    assert result.errors == []
    # O2 failed: the portal computes 87.42 where ITAS published 87.86; reported, nothing overwritten
    assert [(d.agency, str(d.published_total), str(d.computed_total)) for d in result.discrepancies] == [
        (complete.organization.name, "87.86", "87.42")
    ]
    assert sorted((o.agency, o.action, o.changes) for o in result.outcomes) == sorted(
        [(complete.organization.name, UNCHANGED, ()), (undecided.organization.name, UNCHANGED, ())]
    )
    assert snapshot() == before


def test_round_trip_undecided_item_keeps_its_urls_and_note_in_a_new_portal(undecided, org_b):
    """The same file into an empty portal: the undecided O-items arrive undecided with URLs and note."""
    data = itas_workbook(Assessment.objects.all())
    Assessment.objects.all().delete()
    result = itas_import(data=data, user=COMMAND_LINE)
    assert result.errors == []
    rows = {
        code: (passed, urls, note)
        for code, passed, urls, note in DisclosureResult.objects.values_list(
            "item__code", "passed", "urls", "note"
        )
    }
    assert rows == {
        "O5": (False, [], ""),
        "O7": (None, ["https://b.example/o7", "https://b.example/o7-2"], "รอหัวหน้าตรวจ"),
        "O9": (None, [], "=ยังไม่ได้ทำ"),
    }
