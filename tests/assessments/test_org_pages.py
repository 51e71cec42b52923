"""Organization pages: members read, administrators write (others 403), other organizations 404."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import org_services
from assessments.models import Membership, Organization, Role, Unit

from ..conftest import PASSWORD, make_member

User = get_user_model()
NEW_PASSWORD = "Khon-Kaen-2568!"


def member_of(user, org: Organization) -> Membership:
    return Membership.objects.get(user=user, organization=org)


def read_urls(org: Organization) -> list[str]:
    return [
        reverse("organizations:detail", args=[org.pk]),
        reverse("organizations:units", args=[org.pk]),
        reverse("organizations:members", args=[org.pk]),
    ]


def write_requests(org: Organization) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every page that changes something or shows a form to change it."""
    unit = org.units.order_by("order").first()
    membership = org.memberships.order_by("pk").first()
    unit_data = {"name": "กองสาธารณสุข", "code": "", "phone": "", "order": "9"}
    password = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    return [
        ("get", reverse("organizations:edit", args=[org.pk]), {}),
        ("post", reverse("organizations:edit", args=[org.pk]), {"phone": "0 4300 1111"}),
        ("get", reverse("organizations:unit-add", args=[org.pk]), {}),
        ("post", reverse("organizations:unit-add", args=[org.pk]), unit_data),
        ("get", reverse("organizations:unit-edit", args=[org.pk, unit.pk]), {}),
        ("post", reverse("organizations:unit-edit", args=[org.pk, unit.pk]), unit_data),
        ("post", reverse("organizations:unit-delete", args=[org.pk, unit.pk]), {}),
        ("get", reverse("organizations:member-add", args=[org.pk]), {}),
        ("post", reverse("organizations:member-add", args=[org.pk]), new_member_data(org)),
        ("get", reverse("organizations:member-edit", args=[org.pk, membership.pk]), {}),
        (
            "post",
            reverse("organizations:member-edit", args=[org.pk, membership.pk]),
            {"role": Role.EXECUTIVE, "unit": "", "position_title": "x"},
        ),
        ("post", reverse("organizations:member-password", args=[org.pk, membership.pk]), password),
        ("post", reverse("organizations:member-remove", args=[org.pk, membership.pk]), {}),
    ]


def new_member_data(org: Organization, **overrides) -> dict:
    data = {
        "username": "somsri",
        "first_name": "สมศรี",
        "last_name": "ตั้งใจ",
        "email": "",
        "role": Role.OFFICER,
        "unit": str(org.units.get(name="กองคลัง").pk),
        "position_title": "นักวิชาการเงินและบัญชี",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    return {**data, **overrides}


def snapshot() -> tuple:
    """Everything the organization pages can change, to prove a refused request changed nothing."""
    return (
        list(Organization.objects.order_by("pk").values_list("pk", "phone")),
        list(Unit.objects.order_by("pk").values_list("pk", "name", "code", "phone", "order")),
        list(
            Membership.objects.order_by("pk").values_list(
                "pk", "user_id", "role", "unit_id", "position_title"
            )
        ),
        list(User.objects.order_by("pk").values_list("pk", "username", "password", "is_active")),
    )


@pytest.fixture
def cast(org_a, officer, executive, org_admin, outsider, assessment_b):
    """The whole cast, with organization B's data in place to leak."""
    return {"officer": officer, "executive": executive, "org_admin": org_admin, "outsider": outsider}


# --------------------------------------------------------------------------- reading


def test_pages_need_login(client, org_a):
    r = client.get(reverse("organizations:members", args=[org_a.pk]))
    assert r.status_code == 302
    assert r.headers["Location"].startswith(reverse("login"))


def test_index_redirects_to_the_only_organization(client, org_admin, org_a):
    client.force_login(org_admin)
    r = client.get(reverse("organizations:index"))
    assert r.status_code == 302
    assert r.headers["Location"] == reverse("organizations:detail", args=[org_a.pk])


def test_index_lists_each_organization_of_the_user(client, org_a, org_b, officer):
    Membership.objects.create(user=officer, organization=org_b, role=Role.EXECUTIVE)
    client.force_login(officer)
    r = client.get(reverse("organizations:index"))
    assert r.status_code == 200
    assert sorted(m.organization.pk for m in r.context["memberships"]) == [org_a.pk, org_b.pk]


@pytest.mark.parametrize("role", ["officer", "executive", "org_admin"])
def test_every_member_reads_overview_units_and_members(client, cast, org_a, role):
    client.force_login(cast[role])
    for url in read_urls(org_a):
        assert client.get(url).status_code == 200


def test_overview_shows_the_organization(client, cast, org_a):
    org_a.phone = "0 4321 9999"
    org_a.save()
    client.force_login(cast["executive"])
    body = client.get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert org_a.name in body
    assert "T-0001" in body
    assert "0 4321 9999" in body
    assert "ขอนแก่น" in body


def test_member_list_shows_members_of_the_organization_only(client, cast, org_a):
    client.force_login(cast["officer"])
    r = client.get(reverse("organizations:members", args=[org_a.pk]))
    assert sorted(m.user.username for m in r.context["members"]) == ["executive", "officer", "org-admin"]
    assert "outsider" not in r.content.decode()


def test_unit_list_counts_members(client, cast, org_a):
    unit = org_a.units.get(name="กองคลัง")
    for username in ("officer", "executive"):
        m = member_of(cast[username], org_a)
        m.unit = unit
        m.save()
    client.force_login(cast["officer"])
    r = client.get(reverse("organizations:units", args=[org_a.pk]))
    assert [(u.name, u.member_count) for u in r.context["units"]] == [
        ("สำนักปลัด", 0),
        ("กองคลัง", 2),
        ("กองช่าง", 0),
    ]


@pytest.mark.parametrize("name", ["organizations:units", "organizations:members"])
def test_list_query_count_stays_flat(client, org_a, org_admin, name):
    client.force_login(org_admin)
    url = reverse(name, args=[org_a.pk])
    client.get(url)  # warm the session and the role cache path
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        unit = Unit.objects.create(organization=org_a, name=f"กองที่ {i}", order=10 + i)
        m = make_member(f"member-{i}", org_a, Role.OFFICER)
        Membership.objects.filter(user=m).update(unit=unit)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --------------------------------------------------------------------------- access


def test_outsider_gets_404_for_every_page(client, cast, org_a):
    outsider = cast["outsider"]
    # Even as an administrator of its own organization.
    Membership.objects.filter(user=outsider).update(role=Role.ADMIN)
    client.force_login(outsider)
    before = snapshot()
    for url in read_urls(org_a):
        assert client.get(url).status_code == 404, url
    for method, url, data in write_requests(org_a):
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    assert snapshot() == before


def test_another_organizations_unit_and_member_answer_404_under_own_organization(client, cast, org_a, org_b):
    client.force_login(cast["org_admin"])
    unit_b = org_b.units.first()
    member_b = member_of(cast["outsider"], org_b)
    before = snapshot()
    assert client.get(reverse("organizations:unit-edit", args=[org_a.pk, unit_b.pk])).status_code == 404
    assert client.post(reverse("organizations:unit-delete", args=[org_a.pk, unit_b.pk])).status_code == 404
    assert client.get(reverse("organizations:member-edit", args=[org_a.pk, member_b.pk])).status_code == 404
    r = client.post(reverse("organizations:member-remove", args=[org_a.pk, member_b.pk]))
    assert r.status_code == 404
    r = client.post(
        reverse("organizations:member-password", args=[org_a.pk, member_b.pk]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["officer", "executive"])
def test_non_admin_writes_are_403(client, cast, org_a, role):
    client.force_login(cast[role])
    before = snapshot()
    for method, url, data in write_requests(org_a):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert snapshot() == before


def test_services_check_the_role_again(cast, org_a):
    officer = cast["officer"]
    unit = org_a.units.first()
    with pytest.raises(PermissionDenied):
        org_services.unit_delete(unit=unit, user=officer)
    with pytest.raises(PermissionDenied):
        org_services.member_remove(membership=member_of(cast["executive"], org_a), user=officer)
    with pytest.raises(PermissionDenied):
        org_services.organization_update(organization=org_a, phone="1", user=cast["outsider"])
    assert Unit.objects.filter(pk=unit.pk).exists()


# --------------------------------------------------------------------------- organization


def test_admin_edits_the_phone_but_not_the_name(client, cast, org_a):
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {"phone": " 0 4321 1234 ", "name": "ชื่อใหม่", "itas_code": "X-1"},
    )
    assert r.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.name, org_a.itas_code) == ("0 4321 1234", "เทศบาลตำบลทดสอบ", "T-0001")


# --------------------------------------------------------------------------- units


def test_admin_adds_a_unit(client, cast, org_a):
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:unit-add", args=[org_a.pk]),
        {"name": " กองสาธารณสุข ", "code": "ขก 54001/สธ", "phone": "123", "order": "5"},
    )
    assert r.status_code == 302
    unit = org_a.units.get(name="กองสาธารณสุข")
    assert (unit.code, unit.phone, unit.order) == ("ขก 54001/สธ", "123", 5)


def test_unit_name_must_be_unique_in_the_organization(client, cast, org_a, org_b):
    client.force_login(cast["org_admin"])
    before = snapshot()
    r = client.post(
        reverse("organizations:unit-add", args=[org_a.pk]), {"name": "กองคลัง", "code": "", "order": "1"}
    )
    assert r.status_code == 422
    assert error_codes(r.context["form"], "name") == ["unit_name_taken"]
    assert snapshot() == before
    # The same name in another organization is no clash.
    assert org_b.units.filter(name="กองคลัง").exists()


def test_admin_renames_a_unit(client, cast, org_a):
    unit = org_a.units.get(name="กองช่าง")
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:unit-edit", args=[org_a.pk, unit.pk]),
        {"name": "กองช่างและโยธา", "code": "สป/ช", "phone": "", "order": "2"},
    )
    assert r.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.code, unit.order) == ("กองช่างและโยธา", "สป/ช", 2)


def test_rename_to_an_existing_name_is_refused(client, cast, org_a):
    unit = org_a.units.get(name="กองช่าง")
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:unit-edit", args=[org_a.pk, unit.pk]), {"name": "กองคลัง", "order": "2"}
    )
    assert r.status_code == 422
    unit.refresh_from_db()
    assert unit.name == "กองช่าง"


def test_deleting_a_unit_keeps_its_members_without_a_unit(client, cast, org_a):
    unit = org_a.units.get(name="กองคลัง")
    membership = member_of(cast["officer"], org_a)
    membership.unit = unit
    membership.save()
    client.force_login(cast["org_admin"])
    page = client.get(reverse("organizations:unit-edit", args=[org_a.pk, unit.pk]))
    assert page.context["member_count"] == 1
    assert 'data-confirm="' in page.content.decode()
    r = client.post(reverse("organizations:unit-delete", args=[org_a.pk, unit.pk]))
    assert r.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    membership.refresh_from_db()
    assert (membership.organization_id, membership.unit_id) == (org_a.pk, None)


def test_unit_delete_returns_how_many_members_lost_their_unit(cast, org_a):
    unit = org_a.units.get(name="สำนักปลัด")
    for role in ("officer", "executive"):
        m = member_of(cast[role], org_a)
        m.unit = unit
        m.save()
    assert org_services.unit_delete(unit=unit, user=cast["org_admin"]) == 2


# --------------------------------------------------------------------------- members


def test_admin_adds_a_member_with_a_new_account(client, cast, org_a):
    client.force_login(cast["org_admin"])
    r = client.post(reverse("organizations:member-add", args=[org_a.pk]), new_member_data(org_a))
    assert r.status_code == 302
    m = Membership.objects.select_related("user", "unit").get(user__username="somsri")
    assert (m.organization_id, m.role, m.unit.name, m.position_title) == (
        org_a.pk,
        Role.OFFICER,
        "กองคลัง",
        "นักวิชาการเงินและบัญชี",
    )
    assert (m.user.first_name, m.user.last_name, m.user.is_staff, m.user.is_superuser) == (
        "สมศรี",
        "ตั้งใจ",
        False,
        False,
    )
    assert m.user.check_password(NEW_PASSWORD)


def test_new_member_can_log_in_and_sees_the_organization(client, cast, org_a):
    client.force_login(cast["org_admin"])
    client.post(reverse("organizations:member-add", args=[org_a.pk]), new_member_data(org_a))
    client.logout()
    client.force_login(User.objects.get(username="somsri"))
    assert client.get(reverse("organizations:members", args=[org_a.pk])).status_code == 200


@pytest.mark.parametrize("username", ["officer", "OFFICER", "outsider"])
def test_duplicate_username_is_a_form_error(client, cast, org_a, username):
    client.force_login(cast["org_admin"])
    before = snapshot()
    r = client.post(
        reverse("organizations:member-add", args=[org_a.pk]), new_member_data(org_a, username=username)
    )
    assert r.status_code == 422
    assert error_codes(r.context["form"], "username") == ["username_taken"]
    assert snapshot() == before


def error_codes(form, field: str) -> list[str]:
    return [e.code for e in form.errors.as_data()[field]]


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("12345678", ["password_too_common", "password_entirely_numeric"]),
        ("password", ["password_too_common"]),
        ("short1!", ["password_too_short"]),
        ("somsri-2568", ["password_too_similar"]),
    ],
    ids=["numeric", "common", "short", "like-username"],
)
def test_weak_initial_password_is_refused(client, cast, org_a, password, codes):
    client.force_login(cast["org_admin"])
    before = snapshot()
    data = new_member_data(org_a, password=password, password_confirm=password)
    r = client.post(reverse("organizations:member-add", args=[org_a.pk]), data)
    assert r.status_code == 422
    assert error_codes(r.context["form"], "password") == codes
    assert snapshot() == before


def test_password_confirmation_must_match(client, cast, org_a):
    client.force_login(cast["org_admin"])
    data = new_member_data(org_a, password_confirm=NEW_PASSWORD + "x")
    r = client.post(reverse("organizations:member-add", args=[org_a.pk]), data)
    assert r.status_code == 422
    assert not User.objects.filter(username="somsri").exists()


def test_unit_of_another_organization_is_refused(client, cast, org_a, org_b):
    client.force_login(cast["org_admin"])
    data = new_member_data(org_a, unit=str(org_b.units.first().pk))
    r = client.post(reverse("organizations:member-add", args=[org_a.pk]), data)
    assert r.status_code == 422
    assert not User.objects.filter(username="somsri").exists()
    with pytest.raises(ValidationError):
        org_services.member_update(
            membership=member_of(cast["officer"], org_a),
            role=Role.OFFICER,
            unit=org_b.units.first(),
            position_title="",
            user=cast["org_admin"],
        )


@pytest.fixture
def username_race():
    """Another request inserts the same username after the service checked it, just before it saves."""

    def racer(sender, instance, **kwargs):
        if instance.pk is None and instance.username == "somsri":
            User.objects.bulk_create([User(username="somsri", password="!")])  # no signals: no recursion

    pre_save.connect(racer, sender=User, dispatch_uid="username-race")
    yield
    pre_save.disconnect(sender=User, dispatch_uid="username-race")


def test_username_race_is_a_friendly_error(cast, org_a, username_race):
    with pytest.raises(ValidationError) as exc:
        org_services.member_create(
            organization=org_a,
            username="somsri",
            first_name="สมศรี",
            last_name="ตั้งใจ",
            email="",
            password=NEW_PASSWORD,
            role=Role.OFFICER,
            unit=None,
            position_title="",
            user=cast["org_admin"],
        )
    assert list(exc.value.error_dict) == ["username"]
    assert exc.value.error_dict["username"][0].code == "username_taken"
    assert not Membership.objects.filter(user__username="somsri").exists()


def test_username_race_through_the_page_is_not_a_500(client, cast, org_a, username_race):
    client.force_login(cast["org_admin"])
    r = client.post(reverse("organizations:member-add", args=[org_a.pk]), new_member_data(org_a))
    assert r.status_code == 422
    assert error_codes(r.context["form"], "username") == ["username_taken"]


def test_admin_changes_role_unit_and_title(client, cast, org_a):
    membership = member_of(cast["officer"], org_a)
    unit = org_a.units.get(name="กองช่าง")
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-edit", args=[org_a.pk, membership.pk]),
        {"role": Role.EXECUTIVE, "unit": str(unit.pk), "position_title": " ผู้อำนวยการกองช่าง "},
    )
    assert r.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.unit_id, membership.position_title) == (
        Role.EXECUTIVE,
        unit.pk,
        "ผู้อำนวยการกองช่าง",
    )


def test_last_admin_cannot_be_demoted(client, cast, org_a):
    membership = member_of(cast["org_admin"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-edit", args=[org_a.pk, membership.pk]),
        {"role": Role.OFFICER, "unit": "", "position_title": ""},
    )
    assert r.status_code == 422
    assert [e.code for e in r.context["form"].non_field_errors().as_data()] == ["last_admin"]
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_last_admin_cannot_be_removed(client, cast, org_a):
    membership = member_of(cast["org_admin"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(reverse("organizations:member-remove", args=[org_a.pk, membership.pk]))
    assert r.status_code == 302
    assert r.headers["Location"] == reverse("organizations:member-edit", args=[org_a.pk, membership.pk])
    assert Membership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(ValidationError) as exc:
        org_services.member_remove(membership=membership, user=cast["org_admin"])
    assert exc.value.error_list[0].code == "last_admin"


def test_an_admin_may_step_down_when_another_admin_remains(client, cast, org_a):
    second = make_member("second-admin", org_a, Role.ADMIN)
    membership = member_of(cast["org_admin"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-edit", args=[org_a.pk, membership.pk]),
        {"role": Role.OFFICER, "unit": "", "position_title": ""},
    )
    assert r.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.OFFICER
    # Now the second administrator is the last one.
    with pytest.raises(ValidationError):
        org_services.member_remove(membership=member_of(second, org_a), user=second)


def test_admin_resets_a_member_password(client, cast, org_a):
    membership = member_of(cast["officer"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-password", args=[org_a.pk, membership.pk]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 302
    cast["officer"].refresh_from_db()
    assert cast["officer"].check_password(NEW_PASSWORD)


def test_weak_reset_password_is_refused(client, cast, org_a):
    membership = member_of(cast["officer"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-password", args=[org_a.pk, membership.pk]),
        {"password": "12345678", "password_confirm": "12345678"},
    )
    assert r.status_code == 422
    cast["officer"].refresh_from_db()
    assert cast["officer"].check_password(PASSWORD)


@pytest.mark.parametrize("shared", ["staff", "other-organization"])
def test_password_of_an_account_used_elsewhere_is_left_to_site_staff(client, cast, org_a, org_b, shared):
    officer = cast["officer"]
    if shared == "staff":
        officer.is_staff = True
        officer.save()
    else:
        Membership.objects.create(user=officer, organization=org_b, role=Role.ADMIN)
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:member-password", args=[org_a.pk, member_of(officer, org_a).pk]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 422
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_removing_a_member_disables_an_account_left_without_organization(client, cast, org_a):
    membership = member_of(cast["officer"], org_a)
    client.force_login(cast["org_admin"])
    r = client.post(reverse("organizations:member-remove", args=[org_a.pk, membership.pk]))
    assert r.status_code == 302
    assert r.headers["Location"] == reverse("organizations:members", args=[org_a.pk])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    cast["officer"].refresh_from_db()
    assert cast["officer"].is_active is False


def test_removing_a_member_of_two_organizations_keeps_the_account(client, cast, org_a, org_b):
    officer = cast["officer"]
    Membership.objects.create(user=officer, organization=org_b, role=Role.OFFICER)
    client.force_login(cast["org_admin"])
    client.post(reverse("organizations:member-remove", args=[org_a.pk, member_of(officer, org_a).pk]))
    officer.refresh_from_db()
    assert officer.is_active is True
    assert list(officer.memberships.values_list("organization_id", flat=True)) == [org_b.pk]


# --------------------------------------------------------------------------- races (PostgreSQL)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"
)


def at_once(jobs: list[tuple[object, str, dict]]) -> list[int]:
    """POST each (user, url, data) from its own thread and connection, released together."""
    barrier = threading.Barrier(len(jobs))
    statuses: list[int] = [0] * len(jobs)
    errors: list[BaseException] = []

    def work(index: int, user, url: str, data: dict) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            statuses[index] = client.post(url, data).status_code
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return statuses


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(org_a):
    first = make_member("admin-1", org_a, Role.ADMIN)
    second = make_member("admin-2", org_a, Role.ADMIN)
    demote = {"role": Role.OFFICER, "unit": "", "position_title": ""}
    statuses = at_once(
        [
            (
                first,
                reverse("organizations:member-edit", args=[org_a.pk, member_of(second, org_a).pk]),
                demote,
            ),
            (
                second,
                reverse("organizations:member-edit", args=[org_a.pk, member_of(first, org_a).pk]),
                demote,
            ),
        ]
    )
    assert sorted(statuses) in ([302, 403], [302, 422])
    assert Membership.objects.filter(organization=org_a, role=Role.ADMIN).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_of_one_username_give_one_account_and_no_500(org_a):
    admin = make_member("admin-1", org_a, Role.ADMIN)
    url = reverse("organizations:member-add", args=[org_a.pk])
    statuses = at_once([(admin, url, new_member_data(org_a)) for _ in range(4)])
    assert sorted(statuses) == [302, 422, 422, 422]
    assert User.objects.filter(username="somsri").count() == 1


def test_admin_chooses_arabic_digits_and_the_change_is_audited(client, cast, org_a):
    from auditlog.models import LogEntry

    client.force_login(cast["org_admin"])
    page = client.get(reverse("organizations:edit", args=[org_a.pk]))
    assert page.context["form"]["digits"].value() == "thai"
    r = client.post(reverse("organizations:edit", args=[org_a.pk]), {"phone": "", "digits": "arabic"})
    assert r.status_code == 302
    org_a.refresh_from_db()
    assert org_a.thai_digits is False
    entry = LogEntry.objects.get_for_object(org_a).order_by("pk").last()
    assert (entry.actor, entry.changes_dict["thai_digits"]) == (cast["org_admin"], ["True", "False"])


def test_organization_edit_without_the_digits_field_keeps_the_setting(client, cast, org_a):
    client.force_login(cast["org_admin"])
    client.post(reverse("organizations:edit", args=[org_a.pk]), {"phone": "043"})
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.thai_digits) == ("043", True)


def test_organization_digits_setting_refused_to_officers_and_outsiders(client, cast, org_a):
    for who, status in (("officer", 403), ("outsider", 404)):
        client.force_login(cast[who])
        r = client.post(reverse("organizations:edit", args=[org_a.pk]), {"digits": "arabic"})
        assert r.status_code == status
    org_a.refresh_from_db()
    assert org_a.thai_digits is True


# --------------------------------------------------------------------------- analysis thresholds


def test_analysis_thresholds_default_to_85_80_and_3(org_a):
    org_a.refresh_from_db()
    assert (org_a.analysis_strength_min, org_a.analysis_urgent_below, org_a.analysis_urgent_count) == (
        Decimal("85.00"),
        Decimal("80.00"),
        3,
    )


def test_admin_sets_the_analysis_thresholds_and_the_change_is_audited(client, cast, org_a):
    from auditlog.models import LogEntry

    client.force_login(cast["org_admin"])
    page = client.get(reverse("organizations:edit", args=[org_a.pk]))
    assert page.context["form"]["analysis_strength_min"].value() == Decimal("85.00")
    r = client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {"analysis_strength_min": "90", "analysis_urgent_below": "75.5", "analysis_urgent_count": "2"},
    )
    assert r.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.analysis_strength_min, org_a.analysis_urgent_below, org_a.analysis_urgent_count) == (
        Decimal("90.00"),
        Decimal("75.50"),
        2,
    )
    assert org_a.thai_digits is True  # not carried: kept
    entry = LogEntry.objects.get_for_object(org_a).order_by("pk").last()
    assert entry.actor == cast["org_admin"]
    assert entry.changes_dict["analysis_strength_min"] == ["85.00", "90.00"]
    assert entry.changes_dict["analysis_urgent_count"] == ["3", "2"]
    detail = client.get(reverse("organizations:detail", args=[org_a.pk]))
    assert "90.00" in detail.content.decode()


def test_a_bad_threshold_is_refused_while_the_other_fields_save(client, cast, org_a):
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {"phone": "043 999", "analysis_strength_min": "120", "analysis_urgent_count": "4"},
    )
    assert r.status_code == 422
    assert r.context["form"].errors["analysis_strength_min"]
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.analysis_strength_min, org_a.analysis_urgent_count) == (
        "043 999",
        Decimal("85.00"),
        4,
    )


def test_urgent_threshold_above_the_strength_threshold_is_refused(client, cast, org_a):
    client.force_login(cast["org_admin"])
    r = client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {"analysis_strength_min": "70", "analysis_urgent_below": "80"},
    )
    assert r.status_code == 422
    assert r.context["form"].errors["analysis_urgent_below"] == ["เกณฑ์เร่งด่วนต้องไม่สูงกว่าเกณฑ์จุดแข็ง"]
    org_a.refresh_from_db()
    assert (org_a.analysis_strength_min, org_a.analysis_urgent_below) == (Decimal("85.00"), Decimal("80.00"))


def test_analysis_thresholds_refused_to_officers_and_outsiders(client, cast, org_a):
    for who, status in (("officer", 403), ("executive", 403), ("outsider", 404)):
        client.force_login(cast[who])
        r = client.post(reverse("organizations:edit", args=[org_a.pk]), {"analysis_strength_min": "60"})
        assert r.status_code == status
    org_a.refresh_from_db()
    assert org_a.analysis_strength_min == Decimal("85.00")
