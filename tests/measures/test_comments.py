"""Comments on measures and on rounds' reports: executives comment, officers tick them done, an
author takes a comment back within 15 minutes; outsiders get 404 everywhere (issue 6, item 9)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Membership
from measures import comment_services, services
from measures.models import MeasureComment

from ..conftest import raised, run_at_once

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def named_executive(executive):
    executive.first_name, executive.last_name = "สมชาย", "ใจดี"
    executive.save()
    return executive


@pytest.fixture
def comment(measure, named_executive):
    return comment_services.comment_add(measure=measure, text="ขอให้เร่งรัดการดำเนินการ", user=named_executive)


@pytest.fixture
def measure_b(assessment_b, outsider):
    return services.measure_create(
        assessment=assessment_b, title="มาตรการของ อบต. อื่น", rounds=[6], user=outsider
    )


@pytest.fixture
def comment_b(measure_b, outsider):
    """Organization B's comment on a round: data that must never leak."""
    return comment_services.comment_add(
        measure=measure_b, round=measure_b.monitoring_rounds.get(), text="ความเห็นลับ", user=outsider
    )


def _back_in_time(comment, minutes: int) -> None:
    MeasureComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


# --------------------------------------------------------------------------- services


def test_comment_add_keeps_name_and_position_title_as_of_writing(comment, named_executive, org_a):
    assert (comment.author_id, comment.author_name, comment.author_title) == (
        named_executive.pk,
        "สมชาย ใจดี",
        "ปลัดเทศบาล",
    )
    Membership.objects.filter(user=named_executive, organization=org_a).update(position_title="นายกเทศมนตรี")
    named_executive.first_name = "สมหญิง"
    named_executive.save()
    stored = MeasureComment.objects.get(pk=comment.pk)
    assert (stored.author_name, stored.author_title) == ("สมชาย ใจดี", "ปลัดเทศบาล")


def test_comment_add_without_full_name_uses_username(measure, officer):
    c = comment_services.comment_add(measure=measure, text="  บันทึกไว้  ", user=officer)
    assert (c.author_name, c.author_title, c.text, c.round_id) == (
        "officer",
        "นักวิเคราะห์นโยบายและแผน",
        "บันทึกไว้",
        None,
    )


def test_comment_add_on_round(measure, round6, org_admin):
    c = comment_services.comment_add(measure=measure, round=round6, text="รายงานรอบนี้ครบถ้วน", user=org_admin)
    assert (c.round_id, c.organization_id) == (round6.pk, measure.organization_id)


def test_comment_add_refuses_blank_long_and_foreign_round(measure, measure_b, officer):
    with pytest.raises(ValidationError) as blank:
        comment_services.comment_add(measure=measure, text="   ", user=officer)
    assert blank.value.message_dict == {"text": ["กรุณาพิมพ์ความเห็นก่อน"]}
    with pytest.raises(ValidationError) as long:
        comment_services.comment_add(measure=measure, text="ก" * 2001, user=officer)
    assert long.value.message_dict == {"text": ["ความเห็นยาวได้ไม่เกิน 2000 ตัวอักษร (ข้อความนี้มี 2001 ตัวอักษร)"]}
    with pytest.raises(ValidationError) as foreign:
        comment_services.comment_add(
            measure=measure, round=measure_b.monitoring_rounds.get(), text="ความเห็น", user=officer
        )
    assert foreign.value.messages == ["รอบนี้ไม่ใช่รอบการติดตามของมาตรการนี้"]
    assert MeasureComment.objects.count() == 0


def test_comment_add_refuses_outsider(measure, outsider):
    with pytest.raises(PermissionDenied):
        comment_services.comment_add(measure=measure, text="แอบเขียน", user=outsider)
    assert MeasureComment.objects.count() == 0


def test_comment_resolve_by_officer_then_again_changes_nothing(comment, officer, org_admin):
    done = comment_services.comment_resolve(comment=comment, user=officer)
    assert (done.resolved, done.resolved_by_id) == (True, officer.pk)
    first_time = done.resolved_at
    again = comment_services.comment_resolve(comment=comment, user=org_admin)
    assert (again.resolved_by_id, again.resolved_at) == (officer.pk, first_time)


def test_comment_resolve_refuses_executive(comment, named_executive):
    with pytest.raises(PermissionDenied):
        comment_services.comment_resolve(comment=comment, user=named_executive)
    assert MeasureComment.objects.get(pk=comment.pk).resolved is False


def test_comment_delete_by_author_within_15_minutes(comment, named_executive):
    _back_in_time(comment, 14)
    comment_services.comment_delete(comment=comment, user=named_executive)
    assert MeasureComment.objects.count() == 0


def test_comment_delete_refused_after_15_minutes(comment, named_executive):
    _back_in_time(comment, 16)
    with pytest.raises(ValidationError) as exc:
        comment_services.comment_delete(comment=comment, user=named_executive)
    assert exc.value.messages == ["ลบความเห็นได้ภายใน 15 นาทีหลังจากเขียนเท่านั้น"]
    assert MeasureComment.objects.count() == 1


def test_comment_delete_refused_to_another_user(comment, officer):
    with pytest.raises(ValidationError) as exc:
        comment_services.comment_delete(comment=comment, user=officer)
    assert exc.value.messages == ["ผู้ที่เขียนความเห็นเท่านั้นจึงจะลบได้"]
    assert MeasureComment.objects.count() == 1


def test_comment_delete_refused_once_done(comment, named_executive, officer):
    comment_services.comment_resolve(comment=comment, user=officer)
    with pytest.raises(ValidationError) as exc:
        comment_services.comment_delete(comment=comment, user=named_executive)
    assert exc.value.messages == ["ความเห็นนี้ดำเนินการแล้ว จึงลบไม่ได้"]


def test_comment_stays_on_measure_when_its_round_is_removed(measure, round6, named_executive, officer):
    c = comment_services.comment_add(measure=measure, round=round6, text="รอบนี้ล่าช้า", user=named_executive)
    services.measure_rounds_set(measure=measure, months=[12], user=officer)
    assert MeasureComment.objects.get(pk=c.pk).round_id is None


def test_comment_writes_are_audited(measure, round6, named_executive, officer, org_a):
    c = comment_services.comment_add(
        measure=measure, round=round6, text="ตรวจสอบหลักฐาน", user=named_executive
    )
    comment_services.comment_resolve(comment=c, user=officer)
    c2 = comment_services.comment_add(measure=measure, text="พิมพ์ผิด", user=named_executive)
    comment_services.comment_delete(comment=c2, user=named_executive)
    ct = ContentType.objects.get_for_model(MeasureComment)
    entries = list(LogEntry.objects.filter(content_type=ct).order_by("pk"))
    with translation.override("th"):
        round_label = translation.gettext("Measure no. %(number)s, %(month)s-month round") % {
            "number": 1,
            "month": 6,
        }
        measure_label = translation.gettext("Measure no. %(number)s") % {"number": 1}
    ids = {"organization": org_a.pk, "assessment": measure.assessment_id, "measure": measure.pk}
    assert [(e.action, e.object_pk) for e in entries] == [
        (LogEntry.Action.CREATE, str(c.pk)),
        (LogEntry.Action.UPDATE, str(c.pk)),
        (LogEntry.Action.CREATE, str(c2.pk)),
        (LogEntry.Action.DELETE, str(c2.pk)),
    ]
    assert entries[0].additional_data == {**ids, "round": round6.pk, "label": round_label}
    assert entries[2].additional_data == {**ids, "label": measure_label}
    assert set(entries[1].changes) == {"resolved", "resolved_by", "resolved_at"}


# --------------------------------------------------------------------------- pages


def test_executive_comments_on_measure_page(client, measure, named_executive):
    client.force_login(named_executive)
    url = reverse("measures:detail", args=[measure.pk])
    page = client.get(url).content.decode()
    assert 'id="comment-form"' in page and "ยังไม่มีความเห็น" in page
    response = client.post(reverse("measures:comment-add", args=[measure.pk]), {"text": "ขอดูหลักฐานเพิ่ม"})
    assert response.status_code == 302
    assert response["Location"] == url + "#comments"
    (c,) = MeasureComment.objects.all()
    assert (c.measure_id, c.round_id, c.text, c.author_id) == (
        measure.pk,
        None,
        "ขอดูหลักฐานเพิ่ม",
        named_executive.pk,
    )
    ct = ContentType.objects.get_for_model(MeasureComment)
    assert LogEntry.objects.get(content_type=ct).actor_id == named_executive.pk


def test_executive_comments_on_round_page_through_htmx(client, round6, named_executive):
    client.force_login(named_executive)
    url = reverse("measures:round-comment-add", args=[round6.pk])
    response = client.post(url, {"text": "รอบนี้ล่าช้า"}, **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "measures/_comments.html"
    body = response.content.decode()
    assert "รอบนี้ล่าช้า" in body and "สมชาย ใจดี" in body and "ปลัดเทศบาล" in body
    assert MeasureComment.objects.get().round_id == round6.pk
    page = client.get(reverse("progress:round", args=[round6.pk])).content.decode()
    assert "รอบนี้ล่าช้า" in page and 'id="comments"' in page


def test_thread_newest_last_with_buddhist_era_time(client, measure, round6, named_executive, officer):
    first = comment_services.comment_add(measure=measure, text="ความเห็นแรก", user=named_executive)
    second = comment_services.comment_add(measure=measure, round=round6, text="ความเห็นที่สอง", user=officer)
    when = timezone.make_aware(datetime(2022, 3, 15, 14, 30))
    MeasureComment.objects.filter(pk=first.pk).update(created_at=when)
    MeasureComment.objects.filter(pk=second.pk).update(created_at=when + timedelta(hours=1))
    client.force_login(named_executive)
    response = client.get(reverse("measures:detail", args=[measure.pk]))
    panel = response.context["comments"]
    assert [c.text for c in panel.comments] == ["ความเห็นแรก", "ความเห็นที่สอง"]
    body = response.content.decode()
    assert "15 มีนาคม 2565 เวลา 14:30 น." in body
    assert body.index("ความเห็นแรก") < body.index("ความเห็นที่สอง")
    # the round's page shows only that round's comments
    round_panel = client.get(reverse("progress:round", args=[round6.pk])).context["comments"]
    assert [c.text for c in round_panel.comments] == ["ความเห็นที่สอง"]


def test_comment_add_refused_keeps_text_without_js(client, measure, named_executive):
    client.force_login(named_executive)
    long_text = "ข" * 2001
    response = client.post(reverse("measures:comment-add", args=[measure.pk]), {"text": long_text})
    assert response.status_code == 400
    body = response.content.decode()
    assert long_text in body and "ความเห็นยาวได้ไม่เกิน 2000 ตัวอักษร" in body
    htmx = client.post(reverse("measures:comment-add", args=[measure.pk]), {"text": " "}, **HTMX)
    assert htmx.status_code == 200 and "กรุณาพิมพ์ความเห็นก่อน" in htmx.content.decode()
    assert MeasureComment.objects.count() == 0


def test_officer_resolves_comment(client, comment, officer, measure):
    client.force_login(officer)
    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("measures:comment-resolve", args=[comment.pk]) in page
    response = client.post(reverse("measures:comment-resolve", args=[comment.pk]), {"scope": "measure"})
    assert response.status_code == 302
    stored = MeasureComment.objects.get(pk=comment.pk)
    assert (stored.resolved, stored.resolved_by_id) == (True, officer.pk)
    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("measures:comment-resolve", args=[comment.pk]) not in page


def test_executive_resolve_answers_403(client, comment, named_executive, measure):
    client.force_login(named_executive)
    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("measures:comment-resolve", args=[comment.pk]) not in page
    response = client.post(reverse("measures:comment-resolve", args=[comment.pk]), {"scope": "measure"})
    assert response.status_code == 403
    assert MeasureComment.objects.get(pk=comment.pk).resolved is False


def test_delete_by_another_user_refused(client, comment, officer, measure):
    client.force_login(officer)
    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("measures:comment-delete", args=[comment.pk]) not in page
    response = client.post(reverse("measures:comment-delete", args=[comment.pk]), follow=True)
    assert response.redirect_chain == [(reverse("measures:detail", args=[measure.pk]) + "#comments", 302)]
    assert [str(m) for m in response.context["messages"]] == ["ผู้ที่เขียนความเห็นเท่านั้นจึงจะลบได้"]
    assert MeasureComment.objects.filter(pk=comment.pk).exists()


def test_author_deletes_own_comment_through_htmx(client, comment, named_executive, measure):
    client.force_login(named_executive)
    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("measures:comment-delete", args=[comment.pk]) in page
    response = client.post(
        reverse("measures:comment-delete", args=[comment.pk]), {"scope": "measure"}, **HTMX
    )
    assert response.status_code == 200
    assert "ยังไม่มีความเห็น" in response.content.decode()
    assert MeasureComment.objects.count() == 0


def _urls(measure, comment):
    round_ = measure.monitoring_rounds.order_by("month").first()
    return [
        reverse("measures:comment-add", args=[measure.pk]),
        reverse("measures:round-comment-add", args=[round_.pk]),
        reverse("measures:comment-resolve", args=[comment.pk]),
        reverse("measures:comment-delete", args=[comment.pk]),
    ]


def test_outsider_gets_404_on_every_comment_url(client, comment, measure, outsider, comment_b):
    client.force_login(outsider)
    for url in _urls(measure, comment):
        assert client.post(url, {"text": "แอบเขียน", "scope": "round"}).status_code == 404, url
        assert client.post(url, {"text": "แอบเขียน"}, **HTMX).status_code == 404, url
    assert client.get(reverse("measures:detail", args=[measure.pk])).status_code == 404
    assert list(MeasureComment.objects.order_by("pk").values_list("text", "resolved")) == [
        ("ขอให้เร่งรัดการดำเนินการ", False),
        ("ความเห็นลับ", False),
    ]


def test_member_never_sees_other_organization_comments(client, comment, measure, officer, comment_b):
    client.force_login(officer)
    for url in _urls(comment_b.measure, comment_b):
        assert client.post(url, {"text": "x"}).status_code == 404, url
    body = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert "ความเห็นลับ" not in body


def test_comment_urls_refuse_get(client, comment, measure, officer):
    client.force_login(officer)
    assert [client.get(url).status_code for url in _urls(measure, comment)] == [405, 405, 405, 405]


# --------------------------------------------------------------------------- the list


def _list(client, assessment):
    return client.get(reverse("measures:list", args=[assessment.pk]))


def test_list_badge_counts_open_comments(client, assessment, measure, officer, named_executive):
    other = services.measure_create(assessment=assessment, title="มาตรการที่สอง", user=officer)
    for text in ("หนึ่ง", "สอง", "สาม"):
        comment_services.comment_add(measure=measure, text=text, user=named_executive)
    done = MeasureComment.objects.get(text="สาม")
    comment_services.comment_resolve(comment=done, user=officer)
    client.force_login(named_executive)
    response = _list(client, assessment)
    counts = {row.measure.pk: row.measure.open_comments for row in response.context["groups"][0].rows}
    assert counts == {measure.pk: 2, other.pk: 0}
    body = response.content.decode()
    assert body.count("comment-badge") == 1
    assert "ความเห็น 2" in body


def test_list_query_count_stays_flat_with_comments(client, assessment, officer, named_executive):
    client.force_login(officer)
    first = services.measure_create(assessment=assessment, title="มาตรการ 0", rounds=[6], user=officer)
    comment_services.comment_add(measure=first, text="ความเห็น", user=named_executive)
    counts = {}
    for view in ("number", "tool", "item", "unit"):
        with CaptureQueriesContext(connection) as one:
            assert (
                client.get(reverse("measures:list", args=[assessment.pk]), {"view": view}).status_code == 200
            )
        counts[view] = len(one)
    for n in range(1, 12):
        m = services.measure_create(assessment=assessment, title=f"มาตรการ {n}", rounds=[6], user=officer)
        comment_services.comment_add(measure=m, text="ความเห็น", user=named_executive)
        comment_services.comment_add(
            measure=m, round=m.monitoring_rounds.get(), text="อีกความเห็น", user=named_executive
        )
    for view in ("number", "tool", "item", "unit"):
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("measures:list", args=[assessment.pk]), {"view": view})
        assert len(many) == counts[view], view
    rows = response.context["groups"]
    assert sorted(r.measure.open_comments for g in rows for r in g.rows) == [1] + [2] * 11


def test_seed_demo_adds_an_open_and_a_done_comment(db):
    from assessments.demo import seed_demo

    seed_demo()
    seed_demo()
    rows = list(
        MeasureComment.objects.order_by("pk").values_list("author__username", "round__month", "resolved")
    )
    assert rows == [("demo-executive", 6, True), ("demo-executive", 6, False)]


# --------------------------------------------------------------------------- PostgreSQL races


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_delete_and_resolve_at_once_one_wins_the_other_is_told(
    transactional_db, frameworks, org_a, officer, named_executive
):
    from assessments import services as assessment_services

    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    m = services.measure_create(assessment=fresh, title="มาตรการ", user=officer)
    c = comment_services.comment_add(measure=m, text="ความเห็น", user=named_executive)
    calls = [
        lambda: comment_services.comment_delete(comment=c, user=named_executive),
        lambda: comment_services.comment_resolve(comment=c, user=officer),
    ]
    outcomes = run_at_once(lambda n: calls[n](), 2)
    refused = [m for o in outcomes if isinstance(o, ValidationError) for m in o.messages]
    errors = [o for o in raised(outcomes) if not isinstance(o, ValidationError)]
    assert errors == []
    stored = MeasureComment.objects.filter(pk=c.pk).first()
    if stored is None:
        assert refused == ["ความเห็นนี้ถูกลบไปแล้ว"]
    else:
        assert (stored.resolved, refused) == (True, ["ความเห็นนี้ดำเนินการแล้ว จึงลบไม่ได้"])
