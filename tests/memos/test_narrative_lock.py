"""The analysis text a memo carries is frozen with it: while the memo awaits approval or once it is
approved, the narrative can no longer change; when the memo comes back for revision it can again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from memos import services
from memos.attachments import ReportSpec
from reports import services as report_services
from reports.models import AnalysisNarrative

from .conftest import approve_all


@pytest.fixture
def analysis_memo(org_a, unit, chain, officer, assessment):
    spec = ReportSpec("analysis", org_a.pk, assessment.fiscal_year)
    return services.memo_create(
        organization=org_a,
        unit=unit,
        fiscal_year=assessment.fiscal_year,
        chain=chain,
        attachments=[spec],
        user=officer,
    )


def _save(assessment, officer, text):
    return report_services.narrative_save(assessment=assessment, texts={"strengths": text}, user=officer)


def test_draft_memo_leaves_the_text_editable(analysis_memo, assessment, officer):
    assert _save(assessment, officer, "จุดแข็งฉบับร่าง").strengths == "จุดแข็งฉบับร่าง"


def test_submitted_memo_locks_the_text_until_it_is_returned(
    analysis_memo, assessment, officer, head, executive, mayor
):
    _save(assessment, officer, "จุดแข็งที่เสนอ")
    memo = services.memo_submit(memo=analysis_memo, user=officer)
    assert "จุดแข็งที่เสนอ" in memo.revisions.get().attachments.get().html
    with pytest.raises(ValidationError) as err:
        _save(assessment, officer, "แก้หลังเสนอ")
    assert memo.document_number in err.value.messages[0]
    with pytest.raises(ValidationError):
        report_services.narrative_redraft(assessment=assessment, user=officer)
    assert AnalysisNarrative.objects.get(assessment=assessment).strengths == "จุดแข็งที่เสนอ"

    services.memo_decide(memo=memo, step=1, revision=1, kind="return", comment="ปรับจุดแข็ง", user=head)
    assert _save(assessment, officer, "จุดแข็งที่ปรับแล้ว").strengths == "จุดแข็งที่ปรับแล้ว"

    memo.refresh_from_db()
    memo = approve_all(services.memo_submit(memo=memo, user=officer), [head, executive, mayor])
    with pytest.raises(ValidationError):
        _save(assessment, officer, "แก้หลังอนุมัติ")


def test_the_page_says_so_and_a_save_answers_in_thai_not_500(client, analysis_memo, assessment, officer):
    services.memo_submit(memo=analysis_memo, user=officer)
    client.force_login(officer)
    url = reverse("reports:narrative", args=[assessment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["memo"].pk == analysis_memo.pk
    assert b"readonly" in page.content
    answer = client.post(url, {"strengths": "พิมพ์ทับ"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "is-invalid" in answer.content.decode() or "invalid" in answer.content.decode()
    assert AnalysisNarrative.objects.filter(assessment=assessment, strengths="พิมพ์ทับ").count() == 0
    redraft = client.post(reverse("reports:redraft", args=[assessment.pk]))
    assert redraft.status_code == 302
