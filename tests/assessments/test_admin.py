"""The Django admin: site staff only; every model there; a framework version in use and all
assessment data read-only there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.urls import NoReverseMatch, reverse

from assessments.demo import seed_demo
from assessments.models import (
    Assessment,
    DisclosureResult,
    FrameworkVersion,
    ImportJob,
    ImportMapping,
    IndicatorScore,
    Membership,
    OitReadiness,
    QuestionScore,
    Role,
    Tool,
)

from ..conftest import PASSWORD

VIEW_ONLY = {
    Assessment,
    IndicatorScore,
    QuestionScore,
    DisclosureResult,
    ImportMapping,
    OitReadiness,
    ImportJob,
}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-pass-1234")


def test_every_model_is_registered():
    missing = [
        m.__name__ for m in apps.get_app_config("assessments").get_models() if not admin.site.is_registered(m)
    ]
    assert missing == []


@pytest.mark.parametrize(
    "model", list(apps.get_app_config("assessments").get_models()), ids=lambda m: m.__name__
)
def test_admin_changelist_and_add_pages_open(client, superuser, assessment, model):
    client.force_login(superuser)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
    assert add == (403 if model in VIEW_ONLY else 200)


@pytest.mark.parametrize("model", sorted(VIEW_ONLY, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_assessment_data_is_view_only_in_the_admin(client, superuser, assessment, model):
    """Scores are written through the portal's services (locked, recomputed, audited), never here."""
    client.force_login(superuser)
    obj = model.objects.filter(organization=assessment.organization).first()
    if model is QuestionScore:
        obj = QuestionScore.objects.create(
            organization=assessment.organization,
            assessment=assessment,
            item=assessment.framework.items.get(code="i1"),
            score="50",
        )
    if model is ImportMapping:  # saved on the import's mapping page, through its service
        obj = ImportMapping.objects.create(
            organization=assessment.organization,
            name="แบบของจังหวัด",
            signature="0" * 64,
            headers=["ชื่อหน่วยงาน"],
            columns={"ชื่อหน่วยงาน": "agency"},
            kind="summary",
        )
    if model is OitReadiness:  # written on the readiness board, through its service
        obj = OitReadiness.objects.create(
            organization=assessment.organization,
            assessment=assessment,
            item=assessment.framework.items.get(code="O2"),
            status="published",
        )
    if model is ImportJob:  # queued by the import pages, run by the task worker
        obj = ImportJob.objects.create(
            user=superuser, organization=assessment.organization, kind="import", file_name="ผล.xlsx"
        )
    name = f"admin:assessments_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200
    assert client.post(reverse(f"{name}_change", args=[obj.pk]), {}).status_code == 403
    assert client.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    changelist = client.get(reverse(f"{name}_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def admin_urls() -> list[str]:
    """Every page of the admin site: index, app indexes and each registered model's five views."""
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:autocomplete")]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    urls += [reverse("admin:app_list", args=[label]) for label in app_labels]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        pk = obj.pk if obj is not None else 1
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        urls += [reverse(f"{prefix}_{view}", args=[pk]) for view in ("change", "delete", "history")]
        try:
            urls.append(reverse(f"{prefix}_password_change", args=[pk]))
        except NoReverseMatch:
            pass
    return urls


@pytest.fixture
def two_organizations(assessment, assessment_b, officer, executive, org_admin, outsider):
    """Both organizations with members, units and assessments: something to leak on every page."""
    return assessment, assessment_b


def test_organization_admin_reaches_no_admin_page(client, two_organizations, org_admin):
    assert (org_admin.is_staff, org_admin.is_superuser) == (False, False)
    client.force_login(org_admin)
    urls = admin_urls()
    assert len(urls) > 100
    for url in urls:
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert (r.status_code, r.headers.get("Location")) == (
                302,
                redirect_to_login(url, reverse("admin:login"))["Location"],
            ), (method, url)


def test_staff_opens_every_changelist(client, two_organizations, superuser):
    client.force_login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_admin_login_refuses_an_organization_admin(client, org_admin):
    r = client.post(reverse("admin:login"), {"username": "org-admin", "password": PASSWORD})
    assert r.status_code == 200
    assert r.context["form"].errors != {}
    assert client.get(reverse("admin:index")).status_code == 302


def test_seed_demo_makes_demo_admin_an_organization_admin_only(db):
    User = get_user_model()
    # An older seed made demo-admin a superuser: running the seed again mends it.
    User.objects.create_superuser("demo-admin", "", "old-password-1234")
    seed_demo()
    seed_demo()
    admin_user = User.objects.get(username="demo-admin")
    assert (admin_user.is_staff, admin_user.is_superuser) == (False, False)
    assert list(admin_user.memberships.values_list("role", flat=True)) == [Role.ADMIN]
    staff = User.objects.get(username="demo-staff")
    assert (staff.is_staff, staff.is_superuser, staff.check_password("demo1234")) == (True, True, True)
    assert Membership.objects.filter(user=staff).count() == 0
    assert User.objects.filter(is_staff=True).count() == 1


def test_tool_of_a_version_in_use_is_read_only(client, superuser, assessment):
    client.force_login(superuser)
    tool = Tool.objects.get(framework=assessment.framework, code="IIT")
    r = client.post(reverse("admin:assessments_tool_change", args=[tool.pk]), {"weight": "50"})
    tool.refresh_from_db()
    assert str(tool.weight) == "30.00"
    assert r.status_code in (200, 403)


def test_tool_of_an_unused_version_can_be_corrected(client, superuser, frameworks):
    client.force_login(superuser)
    tool = Tool.objects.get(framework=frameworks[2566], code="IIT")
    data = {
        "framework": tool.framework_id,
        "code": "IIT",
        "name_th": tool.name_th,
        "weight": "30",
        "order": 0,
    }
    r = client.post(reverse("admin:assessments_tool_change", args=[tool.pk]), data)
    assert r.status_code == 302


def test_copy_as_new_revision_action(client, superuser, assessment):
    client.force_login(superuser)
    r = client.post(
        reverse("admin:assessments_frameworkversion_changelist"),
        {"action": "copy_as_new_revision", "_selected_action": [assessment.framework_id]},
    )
    assert r.status_code == 302
    assert list(FrameworkVersion.objects.filter(fiscal_year=2565).values_list("revision", flat=True)) == [
        2,
        1,
    ]


def test_admin_edit_of_an_unused_version_is_seen_by_the_next_scoring(client, superuser, frameworks):
    """The framework structure is kept per process; an admin correction must not be hidden by it."""
    from assessments import selectors

    version = frameworks[2566]
    assert not version.assessments.exists()
    tool = Tool.objects.get(framework=version, code="IIT")
    assert selectors.framework_structure(version).scoring.tools[0].weight == 30  # now kept
    client.force_login(superuser)
    data = {"framework": version.pk, "code": "IIT", "name_th": tool.name_th, "weight": "35", "order": 0}
    r = client.post(reverse("admin:assessments_tool_change", args=[tool.pk]), data)
    assert r.status_code == 302
    assert selectors.framework_structure(version).scoring.tools[0].weight == 35
