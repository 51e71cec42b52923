"""The Django admin covers every model; a framework version in use is read-only there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import FrameworkVersion, Tool


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
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


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
