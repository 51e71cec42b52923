"""What the navigation bar needs to know about the user, for every page."""

from __future__ import annotations

from django.http import HttpRequest

from assessments.access import roles_of
from assessments.models import Role


def navigation(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_org_admin": False}
    return {"nav_is_org_admin": Role.ADMIN in roles_of(user).values()}
