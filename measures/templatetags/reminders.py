"""Reminder bits for templates: how far a due date is, and the home page's panel of my rounds."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

from measures import selectors
from measures.reminders import due_label

register = template.Library()

PANEL_ROWS = 5


@register.filter
def duein(value: date | None) -> str:
    """{{ round.due_date|duein }} -> "อีก 3 วัน", "ครบกำหนดวันนี้" or "เลยกำหนด 5 วัน" (as of today)."""
    if not value:
        return ""
    return due_label(value, timezone.localdate())


@register.inclusion_tag("progress/_due_panel.html", takes_context=True)
def due_panel(context: template.Context) -> dict[str, Any]:
    """The user's rounds overdue or due within two weeks (at most five, the nearest first), one query."""
    user = context["request"].user
    today = timezone.localdate()
    rows = list(selectors.my_open_rounds(user, today, selectors.DUE_SOON_DAYS)[: PANEL_ROWS + 1])
    return {
        "rows": rows[:PANEL_ROWS],
        "more": len(rows) > PANEL_ROWS,
        "today": today,
        "days": selectors.DUE_SOON_DAYS,
    }
