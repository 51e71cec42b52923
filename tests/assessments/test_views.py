"""Score entry pages: happy paths, outsider -> 404 with real data there, wrong role -> 403."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.models import Assessment, DisclosureResult

HTMX = {"HTTP_HX_REQUEST": "true"}
SRIKHAM = {
    "ind_1": "88.81",
    "ind_2": "75.15",
    "ind_3": "82.16",
    "ind_4": "78.08",
    "ind_5": "80.24",
    "ind_6": "82.65",
    "ind_7": "75.22",
    "ind_8": "78.09",
}

# (url name, method, needs write, POST data)
WRITE_VIEWS = [
    ("assessments:indicators-update", {"ind_3": "80.00"}),
    ("assessments:questions", {"q_i1": "90"}),
    ("assessments:disclosures-mark-passed", {}),
    ("assessments:published-update", {"total": "84.48", "band": "B"}),
]
READ_VIEWS = ["assessments:detail", "assessments:result", "assessments:questions", "assessments:export"]


def url(name: str, a: Assessment, *extra) -> str:
    return reverse(name, args=[a.pk, *extra])


def test_login_page_is_thai(client):
    r = client.get(reverse("login"))
    assert r.status_code == 200
    assert r.headers["Content-Language"] == "th"
    assert "เข้าสู่ระบบ" in r.content.decode()


def test_pages_need_login(client, assessment):
    r = client.get(url("assessments:detail", assessment))
    assert r.status_code == 302
    assert r.headers["Location"].startswith(reverse("login"))


def test_home_redirects_to_the_list(client, officer):
    client.force_login(officer)
    assert client.get("/").headers["Location"] == reverse("assessments:list")


def test_list_shows_only_own_organizations(client, officer, assessment, assessment_b):
    client.force_login(officer)
    r = client.get(reverse("assessments:list"))
    assert r.status_code == 200
    assert list(r.context["assessments"]) == [assessment]
    assert assessment_b.organization.name not in r.content.decode()


def test_list_query_count_is_flat(client, django_assert_num_queries, officer, org_a, frameworks):
    client.force_login(officer)
    services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    # 8 for the page, + 1 for the top bar's reminder badge, + 1 for the panel of the user's due rounds,
    # + 1 for the top bar's memo inbox badge.
    with django_assert_num_queries(11) as one:
        client.get(reverse("assessments:list"))
    services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    with django_assert_num_queries(len(one.captured_queries)):
        r = client.get(reverse("assessments:list"))
    assert len(r.context["assessments"]) == 2


def test_list_empty_state_guides_the_officer(client, officer, frameworks):
    client.force_login(officer)
    r = client.get(reverse("assessments:list"))
    assert "ยังไม่มีการประเมิน" in r.content.decode()


def test_create_starts_an_assessment(client, officer, org_a, frameworks):
    client.force_login(officer)
    r = client.post(reverse("assessments:create"), {"organization": org_a.pk, "fiscal_year": 2566})
    a = Assessment.objects.get(organization=org_a, fiscal_year=2566)
    assert r.headers["Location"] == url("assessments:detail", a)
    assert a.framework.fiscal_year == 2566


def test_create_for_another_organization_is_404(client, outsider, org_a, frameworks):
    client.force_login(outsider)
    r = client.post(reverse("assessments:create"), {"organization": org_a.pk, "fiscal_year": 2565})
    assert r.status_code == 404
    assert not Assessment.objects.filter(organization=org_a).exists()


def test_create_by_executive_is_403(client, executive, org_a, frameworks):
    client.force_login(executive)
    r = client.post(reverse("assessments:create"), {"organization": org_a.pk, "fiscal_year": 2565})
    assert r.status_code == 403
    assert not Assessment.objects.filter(organization=org_a).exists()


def test_create_twice_shows_a_thai_error(client, officer, assessment):
    client.force_login(officer)
    r = client.post(
        reverse("assessments:create"), {"organization": assessment.organization_id, "fiscal_year": 2565}
    )
    assert r.status_code == 400
    assert "มีการประเมินของปี 2565 อยู่แล้ว" in r.content.decode()


@pytest.mark.parametrize("name", READ_VIEWS)
def test_read_views_answer_members(client, executive, assessment, name):
    client.force_login(executive)
    assert client.get(url(name, assessment)).status_code == 200


@pytest.mark.parametrize("name", READ_VIEWS)
def test_read_views_hide_other_organizations(client, outsider, assessment, name):
    client.force_login(outsider)
    assert client.get(url(name, assessment)).status_code == 404


@pytest.mark.parametrize(("name", "data"), WRITE_VIEWS)
def test_write_views_hide_other_organizations(client, outsider, assessment, name, data):
    client.force_login(outsider)
    assert client.post(url(name, assessment), data).status_code == 404
    assessment.refresh_from_db()
    assert assessment.indicator_scores.count() == 2
    assert assessment.published_total is None


@pytest.mark.parametrize(("name", "data"), WRITE_VIEWS)
def test_write_views_refuse_executives(client, executive, assessment, name, data):
    client.force_login(executive)
    assert client.post(url(name, assessment), data).status_code == 403
    assert assessment.disclosures.count() == 1


def test_disclosure_update_hides_other_organizations(client, outsider, assessment):
    client.force_login(outsider)
    r = client.post(url("assessments:disclosure-update", assessment, "O1"), {"result": "fail"})
    assert r.status_code == 404
    assert assessment.disclosures.get(item__code="O1").passed is True


def test_disclosure_update_refuses_executives(client, executive, assessment):
    client.force_login(executive)
    r = client.post(url("assessments:disclosure-update", assessment, "O1"), {"result": "fail"})
    assert r.status_code == 403
    assert assessment.disclosures.get(item__code="O1").passed is True


def test_detail_shows_entry_page_and_result(client, officer, assessment):
    client.force_login(officer)
    r = client.get(url("assessments:detail", assessment))
    body = r.content.decode()
    assert r.context["can_write"] is True
    assert sum(len(g.rows) for b in r.context["disclosure_blocks"] for g in b.groups) == 43
    assert 'id="oit-O43"' in body
    assert 'value="88.81"' in body
    assert "ยังขาด" in body  # the panel says what is missing


def test_detail_is_a_clean_read_only_summary_for_executives(client, executive, assessment):
    client.force_login(executive)
    r = client.get(url("assessments:detail", assessment))
    body = r.content.decode()
    assert r.context["can_write"] is False
    assert 'id="readonly-indicators"' in body
    assert "<input" not in body.split('id="result-panel"')[0].split("</nav>", 1)[1].replace(
        '<input type="hidden" name="csrfmiddlewaretoken"', ""
    ).replace('<input type="hidden" name="next"', "")
    assert "https://a.example/o1" in body  # O1's URL is shown as a link
    assert "disabled" not in body


def test_detail_query_count_is_flat_whatever_is_entered(client, officer, assessment):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("assessments:detail", assessment)).status_code == 200
    services.disclosures_mark_passed(assessment=assessment, user=officer)
    services.question_scores_set(
        assessment=assessment, scores={"i1": Decimal(90), "e1": Decimal(80)}, user=officer
    )
    with CaptureQueriesContext(connection) as many:
        r = client.get(url("assessments:detail", assessment))
    assert r.content.decode().count("is-passed") == 43
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 25


def test_indicator_update_with_htmx_returns_the_result_panel(client, officer, assessment):
    client.force_login(officer)
    services.disclosures_mark_passed(assessment=assessment, user=officer)
    r = client.post(url("assessments:indicators-update", assessment), SRIKHAM, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="result-panel"' in body
    assert '<div class="result-total" id="result-total">87.86</div>' in body
    assert ">A</span>" in body
    assessment.refresh_from_db()
    assert str(assessment.computed_total) == "87.86"


def test_indicator_update_accepts_thai_digits_and_percent(client, officer, assessment):
    client.force_login(officer)
    client.post(
        url("assessments:indicators-update", assessment), {"ind_3": "๘๒.๑๖", "ind_4": "78.08 %"}, **HTMX
    )
    scores = dict(assessment.indicator_scores.values_list("indicator__number", "score"))
    assert scores == {1: Decimal("88.81"), 2: Decimal("75.15"), 3: Decimal("82.16"), 4: Decimal("78.08")}


def test_indicator_save_changes_only_the_fields_it_carries(client, officer, assessment):
    """The defect: POST ind_3 alone deleted every other entered indicator score."""
    client.force_login(officer)
    client.post(url("assessments:indicators-update", assessment), SRIKHAM, **HTMX)
    assert assessment.indicator_scores.count() == 8
    r = client.post(url("assessments:indicators-update", assessment), {"ind_3": "55.55"}, **HTMX)
    assert r.status_code == 200
    scores = dict(assessment.indicator_scores.values_list("indicator__number", "score"))
    assert len(scores) == 8
    assert scores[3] == Decimal("55.55")
    assert scores[1] == Decimal("88.81")


def test_indicator_explicit_empty_value_clears_only_that_score(client, officer, assessment):
    client.force_login(officer)
    client.post(url("assessments:indicators-update", assessment), {"ind_2": ""}, **HTMX)
    assert dict(assessment.indicator_scores.values_list("indicator__number", "score")) == {
        1: Decimal("88.81")
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [("101", "คะแนนต้องอยู่ระหว่าง 0 ถึง 100"), ("88.123", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"), ("abc", "กรอกตัวเลข")],
)
def test_invalid_indicator_score_shows_thai_error_and_the_valid_one_still_saves(
    client, officer, assessment, value, message
):
    """The defect: one invalid score stopped the valid ones from saving."""
    client.force_login(officer)
    r = client.post(url("assessments:indicators-update", assessment), {"ind_1": "70", "ind_3": value}, **HTMX)
    body = r.content.decode()
    assert 'id="err-ind_3"' in body
    assert 'data-for="id_ind_3" data-invalid="true"' in body
    assert 'data-for="id_ind_1" data-invalid="false"' in body
    assert message in body
    assert dict(assessment.indicator_scores.values_list("indicator__number", "score")) == {
        1: Decimal("70"),
        2: Decimal("75.15"),
    }


def test_invalid_indicator_score_without_htmx_shows_the_page_with_its_error(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:indicators-update", assessment), {"ind_1": "70", "ind_3": "101"})
    assert r.status_code == 422
    body = r.content.decode()
    assert 'value="101"' in body  # what was typed is still there to correct
    assert "คะแนนต้องอยู่ระหว่าง 0 ถึง 100" in body
    assert assessment.indicator_scores.get(indicator__number=1).score == Decimal("70")


def test_indicator_update_without_htmx_redirects_back(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:indicators-update", assessment), {"ind_3": "80"})
    assert r.headers["Location"] == url("assessments:detail", assessment)


def test_disclosure_update_saves_one_row_and_refreshes_the_panel(client, officer, assessment):
    client.force_login(officer)
    data = {"result": "fail", "urls": "https://a.example/o5\nhttps://a.example/o5b", "note": "ขาดเบอร์โทรสาร"}
    r = client.post(url("assessments:disclosure-update", assessment, "O5"), data, **HTMX)
    body = r.content.decode()
    assert 'id="oit-O5-state"' in body
    assert 'id="result-panel" aria-live="polite" hx-swap-oob="true"' in body
    row = DisclosureResult.objects.get(assessment=assessment, item__code="O5")
    assert (row.passed, row.urls, row.note) == (
        False,
        ["https://a.example/o5", "https://a.example/o5b"],
        "ขาดเบอร์โทรสาร",
    )


def test_disclosure_update_refuses_a_bad_url_in_thai(client, officer, assessment):
    client.force_login(officer)
    r = client.post(
        url("assessments:disclosure-update", assessment, "O5"),
        {"result": "pass", "urls": "www example"},
        **HTMX,
    )
    assert "URL รายการที่ 1" in r.content.decode()
    row = DisclosureResult.objects.get(assessment=assessment, item__code="O5")
    assert (row.passed, row.urls) == (True, [])  # the result saved, the bad URL did not


def test_disclosure_save_of_one_field_keeps_the_others(client, officer, assessment):
    client.force_login(officer)
    target = url("assessments:disclosure-update", assessment, "O1")
    client.post(target, {"note": "หน้าเว็บปรับปรุงแล้ว"}, **HTMX)
    row = DisclosureResult.objects.get(assessment=assessment, item__code="O1")
    assert (row.passed, row.urls, row.note) == (True, ["https://a.example/o1"], "หน้าเว็บปรับปรุงแล้ว")


def test_disclosure_url_error_quotes_at_most_60_characters(client, officer, assessment):
    client.force_login(officer)
    bad = "ftp://" + "x" * 200
    r = client.post(url("assessments:disclosure-update", assessment, "O5"), {"urls": bad}, **HTMX)
    body = r.content.decode()
    assert bad[:60] + "…" in body
    assert bad[:61] not in body


def test_disclosure_url_length_is_limited(client, officer, assessment):
    client.force_login(officer)
    long_url = "https://a.example/" + "x" * 600
    client.post(url("assessments:disclosure-update", assessment, "O5"), {"urls": long_url}, **HTMX)
    assert not DisclosureResult.objects.filter(assessment=assessment, item__code="O5").exists()


def test_disclosure_update_of_unknown_item_is_404(client, officer, assessment):
    client.force_login(officer)
    assert (
        client.post(url("assessments:disclosure-update", assessment, "i1"), {"result": "pass"}).status_code
        == 404
    )


def test_mark_passed_fills_undecided_items(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:disclosures-mark-passed", assessment))
    assert r.status_code == 302
    assert assessment.disclosures.filter(passed=True).count() == 43


def test_questions_page_saves_question_scores(client, officer, assessment):
    client.force_login(officer)
    data = {f"q_i{n}": "90" for n in range(1, 7)}
    r = client.post(url("assessments:questions", assessment), data)
    assert r.status_code == 302
    assessment.refresh_from_db()
    assert assessment.computed_result["indicators"]["1"] == "90.00"


def test_questions_page_saves_the_good_score_and_shows_the_bad_one(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:questions", assessment), {"q_i1": "90", "q_i2": "-1"})
    assert r.status_code == 422
    assert 'value="-1"' in r.content.decode()
    assert dict(assessment.question_scores.values_list("item__code", "score")) == {"i1": Decimal("90")}


def test_questions_page_autosave_stays_on_the_page(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:questions", assessment), {"q_e2": "70.5"}, **HTMX)
    assert r.status_code == 200
    assert 'id="err-q_e2"' in r.content.decode()
    assert dict(assessment.question_scores.values_list("item__code", "score")) == {"e2": Decimal("70.5")}


def test_questions_page_is_grouped_by_indicator(client, executive, assessment):
    client.force_login(executive)
    r = client.get(url("assessments:questions", assessment))
    body = r.content.decode()
    assert body.count('id="questions-') == 8
    assert "<input" not in body.split("</nav>", 1)[1].replace('<input type="hidden"', "")


def test_published_values_are_saved_and_compared(client, officer, assessment):
    client.force_login(officer)
    data = {"total": "84.48", "band": "B", "tool_IIT": "77.31", "note": "จากหน้าประกาศผล"}
    assert client.post(url("assessments:published-update", assessment), data).status_code == 302
    assessment.refresh_from_db()
    assert (str(assessment.published_total), assessment.published_band) == ("84.48", "B")
    assert assessment.published_tool_scores == {"IIT": "77.31"}


def test_published_values_bad_total_is_shown_and_the_band_saved(client, officer, assessment):
    client.force_login(officer)
    r = client.post(url("assessments:published-update", assessment), {"total": "184", "band": "B"})
    assert r.status_code == 422
    assert 'value="184"' in r.content.decode()
    assessment.refresh_from_db()
    assert (assessment.published_total, assessment.published_band) == (None, "B")


def test_export_is_an_excel_workbook(client, executive, assessment):
    client.force_login(executive)
    r = client.get(url("assessments:export", assessment))
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["สรุป", "ตัวชี้วัด", "คะแนนรายข้อคำถาม", "OIT"]
    oit = wb["OIT"]
    assert oit.max_row == 44
    assert [c.value for c in oit[2]][:4] == ["9.1", "O1", "โครงสร้าง", "ผ่าน"]


def test_list_export_holds_only_own_assessments(client, officer, assessment, assessment_b):
    client.force_login(officer)
    wb = load_workbook(BytesIO(client.get(reverse("assessments:list-export")).content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("หน่วยงาน", "ปีงบประมาณ")
    assert [r[:2] for r in rows[1:]] == [("เทศบาลตำบลทดสอบ", 2565)]


def test_language_switch_gives_english(client, officer, assessment):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    r = client.get(url("assessments:detail", assessment))
    assert r.headers["Content-Language"] == "en"
    assert "Indicator scores" in r.content.decode()


def test_browser_language_does_not_override_thai(client, officer):
    client.force_login(officer)
    r = client.get(reverse("assessments:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.headers["Content-Language"] == "th"


@pytest.mark.parametrize(
    ("name", "extra", "data"),
    [
        ("assessments:indicators-update", (), {"ind_3": "80.00"}),
        ("assessments:questions", (), {"q_i1": "90"}),
        ("assessments:disclosure-update", ("O5",), {"result": "fail"}),
    ],
)
def test_autosave_runs_a_small_fixed_number_of_queries(client, officer, assessment, name, extra, data):
    """One scoring per write (the service returns the result the panel shows), framework kept per process."""
    client.force_login(officer)
    client.post(url(name, assessment, *extra), data, **HTMX)  # first save: rows created, structure read
    with CaptureQueriesContext(connection) as queries:
        r = client.post(
            url(name, assessment, *extra), {k: v.replace("0", "1") for k, v in data.items()}, **HTMX
        )
    assert r.status_code == 200
    assert len(queries.captured_queries) <= 16, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_start_form_preselects_the_only_organization_and_offers_every_year(
    client, officer, org_a, frameworks
):
    client.force_login(officer)
    form = client.get(reverse("assessments:list")).context["form"]
    assert form.fields["organization"].initial == org_a.pk
    years = [value for value, _label in form.fields["fiscal_year"].choices]
    assert years == sorted(frameworks, reverse=True)


def test_start_form_puts_the_current_fiscal_year_first():
    from assessments.forms import AssessmentCreateForm

    form = AssessmentCreateForm(organizations=[], years=[2569, 2568, 2567], current_year=2568)
    assert [value for value, _label in form.fields["fiscal_year"].choices] == [2568, 2569, 2567]
    assert form.fields["fiscal_year"].initial == 2568
    assert str(form.fields["fiscal_year"].choices[0][1]).startswith("2568 (")  # marked as the current year
    assert form.fields["fiscal_year"].choices[1][1] == "2569"


def test_list_says_when_the_current_year_has_no_framework(client, officer, org_a, frameworks):
    from ita_portal.thai import fiscal_year_of

    client.force_login(officer)
    body = client.get(reverse("assessments:list")).content.decode()
    current = fiscal_year_of(timezone.localdate())
    assert ('id="current-year-missing"' in body) is (current not in frameworks)
