"""Login throttling (django-axes) on both login pages: five wrong passwords lock the username."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Role
from tests.conftest import PASSWORD, make_member

LOGIN_PAGES = [("login", "officer"), ("admin:login", "staff")]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="staff", password=PASSWORD, is_staff=True, is_superuser=True
    )


def post_login(client: Client, page: str, username: str, password: str):
    return client.post(reverse(page), {"username": username, "password": password, "next": "/"})


def fail(client: Client, page: str, username: str, times: int) -> list[int]:
    return [post_login(client, page, username, "wrong-password").status_code for _ in range(times)]


@pytest.mark.parametrize(("page", "who"), LOGIN_PAGES)
def test_five_wrong_passwords_lock_the_username(client, request, page, who):
    user = request.getfixturevalue(who)

    assert fail(client, page, user.username, 5) == [200, 200, 200, 200, 429]
    r = post_login(client, page, user.username, PASSWORD)  # the right password, too late

    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "registration/locked_out.html" in [t.name for t in r.templates]
    assert r.wsgi_request.login_retry_at - r.wsgi_request.axes_attempt_time == timedelta(minutes=15)
    assert r.context["failure_limit"] == 5


def test_another_username_is_not_locked(client, officer, executive):
    fail(client, "login", officer.username, 5)

    r = post_login(client, "login", executive.username, PASSWORD)

    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(executive.pk)


def test_a_successful_login_resets_the_count(client, officer):
    assert fail(client, "login", officer.username, 4) == [200] * 4
    assert post_login(client, "login", officer.username, PASSWORD).status_code == 302
    client.logout()

    assert fail(client, "login", officer.username, 4) == [200] * 4
    assert post_login(client, "login", officer.username, PASSWORD).status_code == 302


def test_the_login_page_says_how_many_attempts_remain(client, officer):
    r = post_login(client, "login", officer.username, "wrong-password")

    assert r.status_code == 200
    assert r.wsgi_request.login_attempts_remaining == 4
    assert 'id="login-error"' in r.content.decode()
    assert fail(client, "login", officer.username, 3) == [200] * 3
    assert post_login(client, "login", officer.username, "x").wsgi_request.login_attempts_remaining == 0


def test_staff_unlock_in_the_administration(client, officer, staff):
    fail(client, "login", officer.username, 5)
    attempt = AccessAttempt.objects.get(username=officer.username)
    admin_client = Client()
    admin_client.force_login(staff)

    r = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert r.status_code == 302
    assert post_login(client, "login", officer.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_staff_unlock_with_the_command(client, officer):
    fail(client, "login", officer.username, 5)

    call_command("axes_reset_username", officer.username, stdout=StringIO())

    assert post_login(client, "login", officer.username, PASSWORD).status_code == 302


def test_failed_logins_are_recorded_and_shown_in_the_trail(client, officer, staff, org_admin, org_b):
    fail(client, "login", officer.username, 2)
    fail(client, "login", "nobody-known", 1)

    failures = AccessFailureLog.objects.filter(username=officer.username)
    assert [(f.ip_address, f.locked_out) for f in failures] == [("127.0.0.1", False)] * 2

    viewer = Client()
    viewer.force_login(staff)
    rows = viewer.get(reverse("audit:list"), {"kind": "login"}).context["rows"]
    assert [(row.who, row.action, row.what) for row in rows] == [
        ("nobody-known", "login_failed", "/accounts/login/"),
        (officer.username, "login_failed", "/accounts/login/"),
        (officer.username, "login_failed", "/accounts/login/"),
    ]

    viewer.force_login(org_admin)  # administrator of the officer's organization: the officer's only
    rows = viewer.get(reverse("audit:list"), {"kind": "login"}).context["rows"]
    assert [row.who for row in rows] == [officer.username] * 2

    viewer.force_login(make_member("admin-b", org_b, Role.ADMIN))
    assert viewer.get(reverse("audit:list"), {"kind": "login"}).context["rows"] == []


def test_a_lockout_is_flagged_in_the_failure_log(client, officer):
    fail(client, "login", officer.username, 6)

    flags = list(
        AccessFailureLog.objects.filter(username=officer.username).values_list("locked_out", flat=True)
    )
    assert sorted(flags) == [False] * 4 + [True] * 2
