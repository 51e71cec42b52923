"""Every memo write leaves an audit record carrying the organization and the memo."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from memos import services
from memos.models import Decision, Memo, MemoRevision


def test_submission_and_decision_are_in_the_audit_trail(memo, officer, head, org_a):
    memo = services.memo_submit(memo=memo, user=officer)
    services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    for model in (Memo, MemoRevision, Decision):
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        assert entries.exists(), model
        assert {e.additional_data["organization"] for e in entries} == {org_a.pk}
    decision_entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Decision))
    assert decision_entry.additional_data["memo"] == memo.pk
    assert decision_entry.additional_data["label"] == "ขก 54001/001"
