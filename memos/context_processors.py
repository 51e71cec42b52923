"""The top bar's memo inbox badge: how many memos wait for the user's decision (one query, lazily)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def inbox(request: HttpRequest) -> dict[str, object]:
    """``nav_inbox``: the number of memos awaiting the signed-in user's decision (0 otherwise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_inbox": 0}
    return {"nav_inbox": SimpleLazyObject(lambda: selectors.inbox(user).count())}
