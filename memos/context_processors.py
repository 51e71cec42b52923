"""The top bar's memo inbox badge: how many memos wait for the user's decision (one query, lazily)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def inbox(request: HttpRequest) -> dict[str, object]:
    """``nav_inbox``: ``{"count": n}``, the number of memos awaiting the signed-in user's decision
    (0 for anyone else)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_inbox": {"count": 0}}
    return {"nav_inbox": SimpleLazyObject(lambda: {"count": selectors.inbox(user).count()})}
