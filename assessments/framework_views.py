"""The framework editor's pages (site staff only): list, copy, edit a draft, validate, publish, download.

Thin views: check staff, validate a form, call one service of ``framework_editor``, then redirect (or, on
an error, show the same page again with the input kept and the errors beside the fields). A row saved
through htmx gets its row back, re-rendered from the same template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import framework_editor as editor
from .framework_forms import (
    BandForm,
    BandSchemeForm,
    CopyForm,
    EditorForm,
    ElementForm,
    IndicatorForm,
    ItemForm,
    ItemGroupForm,
    SubIndicatorForm,
    ToolForm,
    VersionForm,
)
from .models import FrameworkVersion, Item


def staff_required(view: Callable) -> Callable:
    """Anonymous: to the login page; logged in without ``is_staff``: 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass(frozen=True)
class Section:
    """One editable table of the editor page: its rows' form, the service that saves one, its title."""

    form: type[EditorForm]
    save: Callable[..., Any]
    part_kw: str
    title: str
    fixed: dict[str, Any] = field(default_factory=dict)


SECTIONS: dict[str, Section] = {
    "tools": Section(ToolForm, editor.tool_save, "tool", "tools"),
    "indicators": Section(IndicatorForm, editor.indicator_save, "indicator", "indicators"),
    "sub_indicators": Section(SubIndicatorForm, editor.sub_indicator_save, "sub_indicator", "sub-indicators"),
    "groups": Section(ItemGroupForm, editor.item_group_save, "group", "groups"),
    "items": Section(ItemForm, editor.item_save, "item", "items"),
    "elements": Section(ElementForm, editor.item_element_save, "element", "elements"),
    "bands": Section(BandForm, editor.band_save, "band", "bands", {"is_sub_level": False}),
    "sub_levels": Section(BandForm, editor.band_save, "band", "bands", {"is_sub_level": True}),
}


def _section(name: str) -> Section:
    if name not in SECTIONS:
        raise Http404
    return SECTIONS[name]


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's errors beside the form's fields; errors about anything else above the row."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --------------------------------------------------------------------------- page contexts


@dataclass
class Row:
    obj: Any
    form: EditorForm | None
    saved: bool = False


class EditorPage:
    """Forms for every row of a version; ``bound`` replaces a row's form by the one just submitted."""

    def __init__(self, version: FrameworkVersion, bound: dict[str, EditorForm] | None = None) -> None:
        self.version = version
        self.refusal = editor.edit_refusal(version, getattr(version, "assessment_count", None))
        self.editable = self.refusal is None
        self.outline = editor.version_outline(version)
        self.options = self.outline.options()
        self.rows = self.outline.objects()
        self.bound = bound or {}

    def form(self, section: str, obj: Any = None, data: Any = None) -> EditorForm:
        prefix = f"{section}-{obj.pk if obj is not None else 'new'}"
        if prefix in self.bound:
            return self.bound[prefix]
        form_class = VersionForm if section == "version" else BandSchemeForm if section == "scheme" else None
        form_class = form_class or SECTIONS[section].form
        initial = form_class.initial_for(obj) if obj is not None else {}
        # A submitted form is always read (the service says why a version may not change).
        editable = self.editable or data is not None
        return form_class(
            data, prefix=prefix, initial=initial, options=self.options, rows=self.rows, editable=editable
        )

    def item_line(self, item: Item) -> Row:
        prefix = f"items-{item.pk}"
        return Row(item, self.bound.get(prefix))

    def table(self, section: str, objs: list[Any]) -> list[Row]:
        return [Row(obj, self.form(section, obj)) for obj in objs]

    def context(self) -> dict[str, Any]:
        o = self.outline
        return {
            "version": self.version,
            "editable": self.editable,
            "refusal": self.refusal,
            "outline": o,
            "version_form": self.form("version", self.version),
            "scheme_form": self.form("scheme", o.scheme),
            "tables": {
                "tools": self.table("tools", o.tools),
                "indicators": self.table("indicators", o.indicators),
                "sub_indicators": self.table("sub_indicators", o.sub_indicators),
                "groups": self.table("groups", o.groups),
                "bands": self.table("bands", o.bands),
                "sub_levels": self.table("sub_levels", o.sub_levels),
            },
            # Items are listed read-only (a page of ninety item forms is slow to render and to
            # read); "Edit" opens one in place, and a form sent back with errors stays open.
            "containers": [(c, [self.item_line(item) for item in c.items]) for c in o.containers],
            "add_forms": {name: self.form(name) for name in SECTIONS if name != "elements"},
        }


def _render_editor(
    request: HttpRequest, version: FrameworkVersion, bound=None, status: int = 200
) -> HttpResponse:
    return render(request, "frameworks/edit.html", EditorPage(version, bound).context(), status=status)


def _render_item(
    request: HttpRequest, version: FrameworkVersion, item: Item, bound=None, status: int = 200
) -> HttpResponse:
    page = EditorPage(version, bound)
    elements = list(item.elements.order_by("order", "pk"))
    context = {
        "version": version,
        "editable": page.editable,
        "refusal": page.refusal,
        "item": item,
        "item_form_row": Row(item, page.form("items", item)),
        "elements": page.table("elements", elements),
        "element_add_form": page.form("elements"),
    }
    return render(request, "frameworks/item.html", context, status=status)


def _back(version: FrameworkVersion, section: str, obj: Any) -> str:
    """Where a write returns to: the row on the editor page, or an element's item page."""
    if section == "elements":
        return reverse("frameworks:item", args=[version.pk, obj.item_id]) + f"#elements-{obj.pk}"
    anchor = f"{section}-{obj.pk}" if obj is not None and obj.pk else SECTIONS[section].title
    return reverse("frameworks:edit", args=[version.pk]) + f"#{anchor}"


def _rerender(
    request: HttpRequest, version: FrameworkVersion, section: str, obj: Any, form: EditorForm
) -> HttpResponse:
    """The page again with the submitted form in place (input kept, errors beside the fields), 422."""
    if section == "elements":
        item = obj.item if obj is not None else form.item
        return _render_item(request, version, item, {form.prefix: form}, 422)
    if section == "items" and obj is not None and request.POST.get("on_item_page"):
        return _render_item(request, version, obj, {form.prefix: form}, 422)
    return _render_editor(request, version, {form.prefix: form}, 422)


# --------------------------------------------------------------------------- list, copy


@staff_required
@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    versions = editor.versions_for_editor(request.user)
    source = request.GET.get("source", "")
    initial = {"source": source} if source.isdigit() else {}
    context = {"versions": versions, "copy_form": CopyForm(initial=initial, versions=versions)}
    return render(request, "frameworks/list.html", context)


@staff_required
@require_POST
def version_copy(request: HttpRequest) -> HttpResponse:
    versions = editor.versions_for_editor(request.user)
    form = CopyForm(request.POST, versions=versions)
    if form.is_valid():
        try:
            version = editor.framework_copy(**form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Draft ITA %(year)s revision %(revision)s created. Check its name and status, then "
                    "edit it."
                )
                % {"year": version.fiscal_year, "revision": version.revision},
            )
            return redirect("frameworks:edit", pk=version.pk)
    return render(request, "frameworks/list.html", {"versions": versions, "copy_form": form}, status=422)


# --------------------------------------------------------------------------- edit


@staff_required
@require_GET
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_editor(request, editor.version_for_editor(request.user, pk))


@staff_required
@require_POST
def version_update(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    form = VersionForm(request.POST, prefix=f"version-{version.pk}")
    if form.is_valid():
        try:
            editor.framework_details_update(version=version, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Version details saved."))
            return redirect(reverse("frameworks:edit", args=[pk]) + "#version")
    return _render_editor(request, version, {form.prefix: form}, 422)


@staff_required
@require_POST
def scheme_update(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    scheme = editor.scheme_of(version)
    form = BandSchemeForm(request.POST, prefix=f"scheme-{scheme.pk if scheme else 'new'}")
    if form.is_valid():
        try:
            editor.band_scheme_update(version=version, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Band scheme saved."))
            return redirect(reverse("frameworks:edit", args=[pk]) + "#bands")
    return _render_editor(request, version, {form.prefix: form}, 422)


@staff_required
@require_POST
def part_add(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    spec = _section(section)
    if section == "elements":
        raise Http404
    version = editor.version_for_editor(request.user, pk)
    page = EditorPage(version)
    form = page.form(section, data=request.POST)
    if form.is_valid():
        try:
            obj = spec.save(version=version, **spec.fixed, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Added."))
            return redirect(_back(version, section, obj))
    return _rerender(request, version, section, None, form)


@staff_required
@require_POST
def element_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    item = editor.part_for_editor(version, "items", item_pk)
    form = ElementForm(request.POST, prefix="elements-new")
    form.item = item
    if form.is_valid():
        try:
            obj = editor.item_element_save(version=version, item=item, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Added."))
            return redirect(_back(version, "elements", obj))
    return _rerender(request, version, "elements", None, form)


@staff_required
@require_POST
def part_update(request: HttpRequest, pk: int, section: str, part_pk: int) -> HttpResponse:
    spec = _section(section)
    version = editor.version_for_editor(request.user, pk)
    obj = editor.part_for_editor(version, section, part_pk)
    page = EditorPage(version)
    form = page.form(section, obj, data=request.POST)
    extra = {"item": obj.item} if section == "elements" else {}
    saved = False
    if form.is_valid():
        try:
            obj = spec.save(
                version=version,
                **{spec.part_kw: obj},
                **spec.fixed,
                **extra,
                **form.cleaned_data,
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            saved = True
    if is_htmx(request):
        if saved:  # the row as now stored
            obj.refresh_from_db()
            form = EditorPage(version).form(section, obj)
        context = {
            "version": version,
            "section": section,
            "row": Row(obj, form, saved),
            "editable": page.editable,
            "on_item_page": bool(request.POST.get("on_item_page")),
            "oob_weights": section == "tools",
            "outline": editor.version_outline(version) if section == "tools" else None,
        }
        return render(request, "frameworks/_row.html", context)
    if saved:
        messages.success(request, _("Saved."))
        if section == "items" and request.POST.get("on_item_page"):
            return redirect("frameworks:item", pk=version.pk, item_pk=obj.pk)
        return redirect(_back(version, section, obj))
    return _rerender(request, version, section, obj, form)


@staff_required
@require_POST
def part_delete(request: HttpRequest, pk: int, section: str, part_pk: int) -> HttpResponse:
    _section(section)
    version = editor.version_for_editor(request.user, pk)
    obj = editor.part_for_editor(version, section, part_pk)
    back = _back(version, section, obj).split("#")[0] + f"#{SECTIONS[section].title}"
    try:
        editor.framework_part_delete(version=version, section=section, part=obj, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Deleted."))
    return redirect(back)


@staff_required
@require_POST
def part_move(request: HttpRequest, pk: int, section: str, part_pk: int, direction: str) -> HttpResponse:
    _section(section)
    if direction not in ("up", "down"):
        raise Http404
    version = editor.version_for_editor(request.user, pk)
    obj = editor.part_for_editor(version, section, part_pk)
    try:
        editor.framework_part_move(
            version=version, section=section, part=obj, step=-1 if direction == "up" else 1, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_back(version, section, obj))


@staff_required
@require_GET
def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The item with its required elements; through htmx, the item's form row for the editor page."""
    version = editor.version_for_editor(request.user, pk)
    item = editor.part_for_editor(version, "items", item_pk)
    if is_htmx(request):
        page = EditorPage(version)
        row = Row(item, page.form("items", item))
        context = {"version": version, "section": "items", "row": row, "editable": page.editable}
        return render(request, "frameworks/_row.html", context)
    return _render_item(request, version, item)


# --------------------------------------------------------------------------- validate, publish, download


@staff_required
@require_GET
def version_validate(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    context = {
        "version": version,
        "problems": editor.version_problems(version),
        "refusal": editor.edit_refusal(version, version.assessment_count),
    }
    return render(request, "frameworks/validate.html", context)


@staff_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    try:
        editor.framework_publish(version=version, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frameworks:validate", pk=pk)
    messages.success(
        request,
        _("ITA %(year)s revision %(revision)s is published.")
        % {"year": version.fiscal_year, "revision": version.revision},
    )
    return redirect("frameworks:edit", pk=pk)


@staff_required
@require_GET
def version_download(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    response = HttpResponse(editor.version_definition_file(version), content_type="application/json")
    filename = f"ita-{version.fiscal_year}-r{version.revision}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def version_delete(request: HttpRequest, pk: int) -> HttpResponse:
    version = editor.version_for_editor(request.user, pk)
    if request.method == "GET":
        context = {"version": version, "refusal": editor.edit_refusal(version, version.assessment_count)}
        return render(request, "frameworks/delete.html", context)
    try:
        editor.framework_delete(version=version, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frameworks:edit", pk=pk)
    messages.success(
        request,
        _("Draft ITA %(year)s revision %(revision)s deleted.")
        % {"year": version.fiscal_year, "revision": version.revision},
    )
    return redirect("frameworks:list")
