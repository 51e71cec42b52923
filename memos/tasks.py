"""Background tasks of memos (django-tasks, run by ``manage.py db_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from measures.audit import task_context

from . import services


@task()
def render_final_memo_pdf(memo_id: int) -> dict[str, Any]:
    """Render the final PDF of an approved memo once and store it with its SHA-256 (safe to repeat)."""
    with task_context("render_final_memo_pdf"):
        memo = services.memo_final_pdf_render(memo_id=memo_id)
    return {"memo": memo.pk, "sha256": memo.final_pdf_sha256}
