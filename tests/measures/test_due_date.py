"""A round's due date is derived from the fiscal year and editable on the round page (issue 6, item 1)."""

from __future__ import annotations

from datetime import date

from auditlog.models import LogEntry
from django.urls import reverse

from measures.models import MonitoringRound


def due_url(round) -> str:
    return reverse("progress:round-due", args=[round.pk])


def test_round_due_date_starts_derived_and_the_officer_moves_it(client, officer, round6):
    assert round6.due_date == date(2022, 3, 31)  # the last day of the 6th month of fiscal year 2565
    client.force_login(officer)
    page = client.get(reverse("progress:round", args=[round6.pk])).content.decode()
    assert 'id="due-date-edit"' in page and 'value="2022-03-31"' in page
    response = client.post(due_url(round6), {"due_date": "2022-03-15"}, follow=True)
    assert response.redirect_chain == [(reverse("progress:round", args=[round6.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["บันทึกวันกำหนดส่งแล้ว"]
    round6.refresh_from_db()
    assert round6.due_date == date(2022, 3, 15)
    entry = LogEntry.objects.get_for_object(round6).latest("timestamp")
    assert entry.actor == officer
    assert entry.changes_dict["due_date"] == ["2022-03-31", "2022-03-15"]


def test_round_due_date_outside_the_year_is_refused_in_thai(client, officer, round6):
    client.force_login(officer)
    response = client.post(due_url(round6), {"due_date": "2021-09-30"}, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert message == "วันกำหนดส่งต้องอยู่ระหว่าง 1 ตุลาคม 2564 ถึง 30 กันยายน 2570"
    response = client.post(due_url(round6), {"due_date": "2565-03-31"}, follow=True)  # a BE year
    assert [str(m) for m in response.context["messages"]] == [message]
    round6.refresh_from_db()
    assert round6.due_date == date(2022, 3, 31)


def test_round_due_date_not_a_date_is_refused(client, officer, round6):
    client.force_login(officer)
    response = client.post(due_url(round6), {"due_date": "=1+1"}, follow=True)
    assert len(list(response.context["messages"])) == 1
    assert MonitoringRound.objects.get(pk=round6.pk).due_date == date(2022, 3, 31)


def test_round_due_date_executive_403_outsider_404_get_405(client, executive, outsider, round6):
    client.force_login(executive)
    assert client.post(due_url(round6), {"due_date": "2022-03-15"}).status_code == 403
    assert "due-date-edit" not in client.get(reverse("progress:round", args=[round6.pk])).content.decode()
    client.force_login(outsider)
    assert client.post(due_url(round6), {"due_date": "2022-03-15"}).status_code == 404
    assert client.get(due_url(round6)).status_code == 405
    assert MonitoringRound.objects.get(pk=round6.pk).due_date == date(2022, 3, 31)
