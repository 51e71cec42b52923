"""The top bar's reminder badge: how many of the user's rounds are overdue or due soon (one query)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import selectors


def reminders(request: HttpRequest) -> dict[str, object]:
    """``nav_due``: ``{"total": n, "overdue": m}`` for a signed-in user, counted only when a template
    reads it (pages without the top bar cost nothing). Executives and outsiders count 0: the rule
    is in ``selectors.my_open_rounds``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_due": {"total": 0, "overdue": 0}}
    return {
        "nav_due": SimpleLazyObject(
            lambda: selectors.my_open_rounds_count(user, timezone.localdate(), selectors.DUE_SOON_DAYS)
        )
    }
