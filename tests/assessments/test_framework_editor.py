"""The framework editor: staff only, drafts copied to a new year, validated, published, downloaded."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessments import framework_editor as editor
from assessments import selectors
from assessments.framework_file import parse_framework
from assessments.models import AnswerKind, FrameworkVersion, Item, ItemElement, ItemGroup, Tool

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", password="staff-pass-1234", is_staff=True)


@pytest.fixture
def shipped(frameworks):
    """The shipped versions: loaded, hence published."""
    assert all(v.published_at is not None for v in frameworks.values())
    return frameworks


@pytest.fixture
def draft(shipped, staff):
    """A 2570 draft copied from 2566."""
    return editor.framework_copy(source=shipped[2566], fiscal_year=2570, user=staff)


def edit_url(version: FrameworkVersion, name: str = "frameworks:edit", *extra) -> str:
    return reverse(name, args=[version.pk, *extra])


def tool_data(tool: Tool, **changes) -> dict[str, str]:
    values = {"code": tool.code, "name_th": tool.name_th, "weight": str(tool.weight), **changes}
    return {f"tools-{tool.pk}-{name}": value for name, value in values.items()}


def item_data(item: Item, **changes) -> dict[str, str]:
    values = {
        "code": item.code,
        "name_th": item.name_th,
        "placement": f"grp-{item.group_id}" if item.group_id else f"ind-{item.indicator_id}",
        "answer_scale": str(item.answer_scale_id),
        "polarity": item.polarity,
        "concept": item.concept,
        "replaces_concepts": ", ".join(item.replaces_concepts),
        **changes,
    }
    return {f"items-{item.pk}-{name}": value for name, value in values.items()}


def editor_urls(version: FrameworkVersion) -> list[tuple[str, str]]:
    """(method, url) of every editor page and action, on real rows of ``version``."""
    tool = version.tools.get(code="IIT")
    item = version.items.get(code="O1")
    element = ItemElement.objects.filter(item__framework=version).first()
    return [
        ("get", reverse("frameworks:list")),
        ("post", reverse("frameworks:copy")),
        ("get", edit_url(version)),
        ("post", edit_url(version, "frameworks:version-update")),
        ("post", edit_url(version, "frameworks:scheme-update")),
        ("get", edit_url(version, "frameworks:validate")),
        ("post", edit_url(version, "frameworks:publish")),
        ("get", edit_url(version, "frameworks:download")),
        ("get", edit_url(version, "frameworks:delete")),
        ("post", edit_url(version, "frameworks:delete")),
        ("get", edit_url(version, "frameworks:item", item.pk)),
        ("post", edit_url(version, "frameworks:element-add", item.pk)),
        ("post", edit_url(version, "frameworks:part-add", "tools")),
        ("post", edit_url(version, "frameworks:part-update", "tools", tool.pk)),
        ("post", edit_url(version, "frameworks:part-delete", "tools", tool.pk)),
        ("post", edit_url(version, "frameworks:part-move", "tools", tool.pk, "down")),
        ("post", edit_url(version, "frameworks:part-update", "elements", element.pk)),
    ]


# --------------------------------------------------------------------------- who may use it


def test_editor_urls_forbid_a_non_staff_officer(client, officer, draft):
    client.force_login(officer)
    statuses = {url: getattr(client, method)(url).status_code for method, url in editor_urls(draft)}
    assert set(statuses.values()) == {403}
    assert FrameworkVersion.objects.filter(pk=draft.pk, published_at__isnull=True).exists()


def test_editor_urls_send_anonymous_users_to_login(client, draft):
    for method, url in editor_urls(draft):
        r = getattr(client, method)(url)
        assert (url, r.status_code) == (url, 302)
        assert r.headers["Location"].startswith(reverse("login"))


def test_services_refuse_a_non_staff_user(officer, draft):
    tool = draft.tools.get(code="IIT")
    with pytest.raises(PermissionDenied):
        editor.tool_save(version=draft, tool=tool, code="IIT", name_th="x", weight=Decimal(30), user=officer)
    with pytest.raises(PermissionDenied):
        editor.framework_copy(source=draft, fiscal_year=2571, user=officer)


def test_list_shows_every_version_with_its_use(client, staff, shipped, assessment, draft):
    client.force_login(staff)
    r = client.get(reverse("frameworks:list"))
    assert r.status_code == 200
    rows = {v.pk: (v.assessment_count, v.published_at is None) for v in r.context["versions"]}
    assert rows[draft.pk] == (0, True)
    assert rows[shipped[2566].pk] == (0, False)
    assert rows[assessment.framework_id] == (1, False)
    assert r.context["versions"][0] == draft


# --------------------------------------------------------------------------- copy


def test_copy_2566_to_2570_makes_a_draft(client, staff, shipped):
    client.force_login(staff)
    source = shipped[2566]
    revision = selectors.framework_next_revision(2570)  # 1 unless a 2570 framework ships one day
    r = client.post(reverse("frameworks:copy"), {"source": source.pk, "fiscal_year": "๒๕๗๐"})
    version = FrameworkVersion.objects.get(fiscal_year=2570, revision=revision)
    assert r.status_code == 302
    assert r.headers["Location"] == edit_url(version)
    assert (version.published_at, version.status) == (None, source.status)
    assert "2570" in version.name_th and "2566" not in version.name_th
    copied = selectors.framework_definition(version)
    original = selectors.framework_definition(source)
    assert copied["tools"] == original["tools"]
    assert copied["band_scheme"] == original["band_scheme"]
    assert version.items.filter(kind=AnswerKind.DISCLOSURE).count() == 43
    assert client.get(edit_url(version)).status_code == 200


def test_copy_to_the_same_year_adds_a_revision(staff, shipped, draft):
    again = editor.framework_copy(source=draft, fiscal_year=2570, user=staff)
    assert (again.fiscal_year, again.revision, again.published_at) == (2570, draft.revision + 1, None)


def test_copy_refuses_a_year_out_of_range(client, staff, shipped):
    client.force_login(staff)
    r = client.post(reverse("frameworks:copy"), {"source": shipped[2566].pk, "fiscal_year": "2020"})
    assert r.status_code == 422
    assert list(r.context["copy_form"].errors) == ["fiscal_year"]
    assert not FrameworkVersion.objects.filter(fiscal_year=2020).exists()


# --------------------------------------------------------------------------- edit, validate, publish


def test_weights_of_99_fail_validation_and_publishing_until_fixed(client, staff, draft):
    client.force_login(staff)
    iit = draft.tools.get(code="IIT")
    r = client.post(edit_url(draft, "frameworks:part-update", "tools", iit.pk), tool_data(iit, weight="29"))
    assert r.status_code == 302
    iit.refresh_from_db()
    assert iit.weight == Decimal("29.00")

    r = client.get(edit_url(draft, "frameworks:validate"))
    assert [p.path for p in r.context["problems"]] == ["tools"]
    r = client.post(edit_url(draft, "frameworks:publish"))
    assert r.headers["Location"] == edit_url(draft, "frameworks:validate")
    draft.refresh_from_db()
    assert draft.published_at is None

    client.post(edit_url(draft, "frameworks:part-update", "tools", iit.pk), tool_data(iit, weight="30"))
    assert client.get(edit_url(draft, "frameworks:validate")).context["problems"] == []
    r = client.post(edit_url(draft, "frameworks:publish"))
    assert r.headers["Location"] == edit_url(draft)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.checksum == parse_framework(selectors.framework_definition(draft)).checksum


def test_a_field_error_keeps_the_other_input(client, staff, draft):
    client.force_login(staff)
    iit = draft.tools.get(code="IIT")
    data = tool_data(iit, code="EIT", name_th="ชื่อใหม่", weight="abc")
    r = client.post(edit_url(draft, "frameworks:part-update", "tools", iit.pk), data)
    assert r.status_code == 422
    form = r.context["tables"]["tools"][0].form
    assert sorted(form.errors) == ["weight"]
    assert form["name_th"].value() == "ชื่อใหม่"
    r = client.post(edit_url(draft, "frameworks:part-update", "tools", iit.pk), tool_data(iit, code="EIT"))
    assert r.status_code == 422
    assert sorted(r.context["tables"]["tools"][0].form.errors) == ["code"]
    iit.refresh_from_db()
    assert (iit.code, iit.name_th) == ("IIT", draft.tools.get(code="IIT").name_th)


def test_htmx_row_save_answers_with_the_row(client, staff, draft):
    client.force_login(staff)
    iit = draft.tools.get(code="IIT")
    url = edit_url(draft, "frameworks:part-update", "tools", iit.pk)
    r = client.post(url, tool_data(iit, weight="31"), **HTMX)
    assert r.status_code == 200
    assert r.context["row"].saved is True
    assert 'id="weight-total" hx-swap-oob="true"' in r.content.decode()
    r = client.post(url, tool_data(iit, weight="101"), **HTMX)
    assert (r.status_code, r.context["row"].saved, list(r.context["row"].form.errors)) == (
        200,
        False,
        ["weight"],
    )


def test_an_items_kind_follows_its_place(client, staff, draft):
    client.force_login(staff)
    group = ItemGroup.objects.filter(framework=draft).order_by("order").first()
    survey_indicator = draft.indicators.get(number=1)
    scale = draft.answer_scales.first()
    base = {"name_th": "ข้อใหม่", "answer_scale": str(scale.pk), "polarity": "", "concept": "new_thing"}
    data = {f"items-new-{k}": v for k, v in {**base, "code": "O99", "placement": f"grp-{group.pk}"}.items()}
    assert client.post(edit_url(draft, "frameworks:part-add", "items"), data).status_code == 302
    new = draft.items.get(code="O99")
    assert (new.kind, new.sub_indicator_id, new.group_id) == (
        AnswerKind.DISCLOSURE,
        group.sub_indicator_id,
        group.pk,
    )
    codes = [i.code for i in Item.objects.filter(group=group).order_by("order")]
    assert codes[-1] == "O99"

    r = client.post(
        edit_url(draft, "frameworks:part-update", "items", new.pk),
        item_data(new, placement=f"ind-{survey_indicator.pk}"),
    )
    new.refresh_from_db()
    assert r.status_code == 302
    assert (new.kind, new.indicator_id, new.group_id) == (AnswerKind.SURVEY, survey_indicator.pk, None)

    oit = draft.indicators.get(number=9)
    r = client.post(
        edit_url(draft, "frameworks:part-update", "items", new.pk), item_data(new, placement=f"ind-{oit.pk}")
    )
    assert r.status_code == 422
    assert editor.version_problems(draft) == []


def test_htmx_edit_opens_an_item_in_place(client, staff, draft):
    client.force_login(staff)
    item = draft.items.get(code="O1")
    r = client.get(edit_url(draft, "frameworks:item", item.pk), **HTMX)
    assert r.status_code == 200
    assert r.context["row"].form.initial["placement"] == f"grp-{item.group_id}"
    r = client.get(edit_url(draft, "frameworks:item", item.pk))
    assert [row.obj for row in r.context["elements"]] == list(item.elements.order_by("order"))


def test_elements_belong_to_disclosure_items_only(staff, draft):
    survey = draft.items.get(code="i1")
    with pytest.raises(ValidationError):
        editor.item_element_save(version=draft, item=survey, text="x", source="", user=staff)
    o1 = draft.items.get(code="O1")
    element = editor.item_element_save(version=draft, item=o1, text="ข้อมูลใหม่", source="คู่มือ", user=staff)
    assert list(o1.elements.order_by("order"))[-1] == element


def test_moving_a_tool_down_swaps_it_with_the_next(client, staff, draft):
    client.force_login(staff)
    iit = draft.tools.get(code="IIT")
    client.post(edit_url(draft, "frameworks:part-move", "tools", iit.pk, "down"))
    assert [t.code for t in draft.tools.order_by("order")] == ["EIT", "IIT", "OIT"]
    assert [t["code"] for t in selectors.framework_definition(draft)["tools"]] == ["EIT", "IIT", "OIT"]


def test_deleting_a_group_takes_its_items_and_validation_still_reads_the_rest(client, staff, draft):
    client.force_login(staff)
    group = ItemGroup.objects.filter(framework=draft).order_by("order").first()
    count = group.items.count()
    before = draft.items.count()
    r = client.post(edit_url(draft, "frameworks:part-delete", "groups", group.pk))
    assert r.status_code == 302
    assert draft.items.count() == before - count
    assert list(draft.items.order_by("order").values_list("order", flat=True)) == list(
        range(1, before - count + 1)
    )


def test_published_version_refuses_edits(client, staff, draft):
    editor.framework_publish(version=draft, user=staff)
    client.force_login(staff)
    iit = draft.tools.get(code="IIT")
    r = client.post(edit_url(draft, "frameworks:part-update", "tools", iit.pk), tool_data(iit, weight="50"))
    assert r.status_code == 422
    iit.refresh_from_db()
    assert iit.weight == Decimal("30.00")
    with pytest.raises(ValidationError):
        editor.tool_save(version=draft, tool=iit, code="IIT", name_th="x", weight=Decimal(50), user=staff)
    with pytest.raises(ValidationError):
        editor.framework_delete(version=draft, user=staff)
    assert client.get(edit_url(draft)).context["editable"] is False


def test_a_version_used_by_an_assessment_cannot_be_edited(client, staff, assessment):
    version = assessment.framework
    version.published_at = None  # even as a draft, being in use locks it
    version.save(update_fields=["published_at"])
    client.force_login(staff)
    tool = version.tools.get(code="IIT")
    r = client.post(
        edit_url(version, "frameworks:part-update", "tools", tool.pk), tool_data(tool, weight="50")
    )
    assert r.status_code == 422
    assert r.context["tables"]["tools"][0].form.non_field_errors() == [editor.edit_refusal(version)]
    tool.refresh_from_db()
    assert tool.weight == Decimal("30.00")
    with pytest.raises(ValidationError):
        editor.framework_publish(version=version, user=staff)
    with pytest.raises(ValidationError):
        editor.framework_part_delete(version=version, section="tools", part=tool, user=staff)
    assert version.tools.count() == 3


# --------------------------------------------------------------------------- download, delete


def test_download_round_trips_through_the_loader(client, staff, draft, tmp_path):
    editor.framework_publish(version=draft, user=staff)
    client.force_login(staff)
    r = client.get(edit_url(draft, "frameworks:download"))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    filename = f"ita-2570-r{draft.revision}.json"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "การประเมิน".encode() in r.content  # Thai kept readable (ensure_ascii=False)
    data = json.loads(r.content.decode("utf-8"))
    spec = parse_framework(data)
    draft.refresh_from_db()
    assert spec.checksum == draft.checksum

    path = tmp_path / filename
    path.write_bytes(r.content)
    call_command("load_framework", str(path), "--new-revision", stdout=StringIO())
    recreated = FrameworkVersion.objects.get(fiscal_year=2570, revision=draft.revision + 1)
    assert parse_framework(selectors.framework_definition(recreated)).checksum == draft.checksum


def test_deleting_a_draft_asks_first(client, staff, draft):
    client.force_login(staff)
    assert client.get(edit_url(draft, "frameworks:delete")).status_code == 200
    r = client.post(edit_url(draft, "frameworks:delete"))
    assert r.headers["Location"] == reverse("frameworks:list")
    assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()


def test_migration_marks_existing_versions_published_and_back(frameworks):
    migration = importlib.import_module("assessments.migrations.0002_frameworkversion_published_at")
    version = frameworks[2565]
    FrameworkVersion.objects.filter(pk=version.pk).update(published_at=None)
    migration.mark_existing_published(apps, None)
    version.refresh_from_db()
    assert version.published_at == version.created_at
    migration.mark_all_draft(apps, None)
    version.refresh_from_db()
    assert version.published_at is None
