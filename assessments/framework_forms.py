"""Forms of the framework editor: one small form per row of a section, errors in Thai beside the fields.

Choices of other rows (a tool, an indicator, a place for an item) are given to the forms ready-made by
the page (``Outline.options``), so a page of ninety item rows does not query once per row.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ita_portal.thai import arabic_digits

from .forms import ScoreField
from .framework_editor import YEAR_MAX, YEAR_MIN, placement_key
from .models import (
    Band,
    BandKind,
    BandScheme,
    FrameworkStatus,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    ItemGroup,
    Polarity,
    SubIndicator,
    Tool,
)


def field_label(model: type, name: str) -> str:
    """A form label from the model field's (already translated) verbose name."""
    return capfirst(model._meta.get_field(name).verbose_name)


def max_length(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


class WholeNumberField(forms.IntegerField):
    """A whole number; Thai digits are fine."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(arabic_digits(str(value)).strip() if value is not None else value)


class PickField(forms.ChoiceField):
    """Picks one of the version's rows from choices given by the page; cleans to the row itself."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, Any] = {}

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.rows.get(key) if key else None


class MarksInvalid:
    """Adds Bootstrap's is-invalid to the widgets of fields with errors, so they show beside the field."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class EditorForm(MarksInvalid, forms.Form):
    """A row of an editor section.

    ``columns`` gives each field's grid classes; ``picks`` names the ``Outline.options`` key that
    fills a PickField. A row of a version that may not change renders disabled.
    """

    columns: dict[str, str] = {}
    picks: dict[str, str] = {}

    def __init__(
        self,
        *args: Any,
        options: dict[str, list] | None = None,
        rows: dict[str, dict[str, Any]] | None = None,
        editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, key in self.picks.items():
            field = self.fields[name]
            field.choices = [("", "—"), *(options or {}).get(key, [])]
            field.rows = (rows or {}).get(key, {})
        for field in self.fields.values():
            field.disabled = not editable
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css

    def cells(self) -> list[tuple[forms.BoundField, str]]:
        """(bound field, grid classes) in display order."""
        return [(self[name], self.columns.get(name, "col-md")) for name in self.fields]

    @classmethod
    def initial_for(cls, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in cls.base_fields}


def _text(model: type, name: str, *, required: bool = True, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=field_label(model, name), max_length=max_length(model, name), required=required, widget=widget
    )


class VersionForm(EditorForm):
    columns = {"name_th": "col-md-8", "status": "col-md-4", "notes": "col-12"}

    name_th = _text(FrameworkVersion, "name_th")
    status = forms.ChoiceField(label=field_label(FrameworkVersion, "status"), choices=FrameworkStatus.choices)
    notes = forms.CharField(
        label=field_label(FrameworkVersion, "notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ToolForm(EditorForm):
    columns = {"code": "col-sm-3 col-lg-2", "name_th": "col-sm-9 col-lg-5", "weight": "col-sm-4 col-lg-2"}

    code = _text(Tool, "code")
    name_th = _text(Tool, "name_th")
    weight = ScoreField(label=field_label(Tool, "weight"), required=True)


class IndicatorForm(EditorForm):
    columns = {"number": "col-sm-2 col-lg-1", "name_th": "col-sm-10 col-lg-5", "tool": "col-sm-6 col-lg-3"}
    picks = {"tool": "tool"}

    number = WholeNumberField(label=field_label(Indicator, "number"), min_value=1, max_value=999)
    name_th = _text(Indicator, "name_th")
    tool = PickField(label=field_label(Indicator, "tool"))

    @classmethod
    def initial_for(cls, obj: Indicator) -> dict[str, Any]:
        return {"number": obj.number, "name_th": obj.name_th, "tool": str(obj.tool_id)}


class SubIndicatorForm(EditorForm):
    columns = {
        "indicator": "col-md-4 col-lg-3",
        "code": "col-sm-3 col-md-2",
        "name_th": "col-sm-9 col-md-6 col-lg-7",
        "grouping_status": "col-12",
    }
    picks = {"indicator": "indicator"}

    indicator = PickField(label=field_label(SubIndicator, "indicator"))
    code = _text(SubIndicator, "code")
    name_th = _text(SubIndicator, "name_th")
    grouping_status = forms.CharField(
        label=field_label(SubIndicator, "grouping_status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    @classmethod
    def initial_for(cls, obj: SubIndicator) -> dict[str, Any]:
        return {
            "indicator": str(obj.indicator_id),
            "code": obj.code,
            "name_th": obj.name_th,
            "grouping_status": obj.grouping_status,
        }


class ItemGroupForm(EditorForm):
    columns = {"sub_indicator": "col-md-5 col-lg-4", "name_th": "col-md-7 col-lg-5"}
    picks = {"sub_indicator": "sub_indicator"}

    sub_indicator = PickField(label=field_label(ItemGroup, "sub_indicator"))
    name_th = _text(ItemGroup, "name_th")

    @classmethod
    def initial_for(cls, obj: ItemGroup) -> dict[str, Any]:
        return {"sub_indicator": str(obj.sub_indicator_id), "name_th": obj.name_th}


CONCEPT_SPLIT = re.compile(r"[\s,]+")


class ItemForm(EditorForm):
    columns = {
        "code": "col-sm-3 col-lg-1",
        "name_th": "col-sm-9 col-lg-6",
        "placement": "col-md-8 col-lg-5",
        "answer_scale": "col-sm-6 col-md-4 col-lg-2",
        "polarity": "col-sm-6 col-md-4 col-lg-2",
        "concept": "col-md-4 col-lg-3",
        "replaces_concepts": "col-md-4 col-lg-3",
    }
    picks = {"placement": "placement", "answer_scale": "answer_scale"}

    code = _text(Item, "code")
    name_th = _text(Item, "name_th", rows=1)
    placement = PickField(
        label=_("Place"),
        help_text=_(
            "A group of a sub-indicator makes it a disclosure (O) item; an indicator, a survey question."
        ),
    )
    answer_scale = PickField(label=field_label(Item, "answer_scale"))
    polarity = forms.ChoiceField(
        label=field_label(Item, "polarity"), choices=Polarity.choices, required=False
    )
    concept = _text(Item, "concept", required=False)
    replaces_concepts = forms.CharField(
        label=field_label(Item, "replaces_concepts"),
        required=False,
        max_length=500,
        help_text=_("Concept keys separated by commas."),
    )

    def clean_replaces_concepts(self) -> list[str]:
        keys = [k for k in CONCEPT_SPLIT.split(self.cleaned_data["replaces_concepts"]) if k]
        too_long = [k for k in keys if len(k) > max_length(Item, "concept")]
        if too_long:
            raise ValidationError(
                _("A concept key has at most %(limit)s characters: %(key)s"),
                params={"limit": max_length(Item, "concept"), "key": too_long[0]},
                code="too_long",
            )
        return keys

    @classmethod
    def initial_for(cls, obj: Item) -> dict[str, Any]:
        return {
            "code": obj.code,
            "name_th": obj.name_th,
            "placement": placement_key(obj),
            "answer_scale": str(obj.answer_scale_id or ""),
            "polarity": obj.polarity,
            "concept": obj.concept,
            "replaces_concepts": ", ".join(obj.replaces_concepts or []),
        }


class ElementForm(EditorForm):
    columns = {"text": "col-md-7 col-lg-6", "source": "col-md-5 col-lg-4"}

    text = _text(ItemElement, "text", rows=2)
    source = _text(ItemElement, "source", required=False, rows=2)


class BandSchemeForm(EditorForm):
    columns = {"kind": "col-sm-6 col-lg-3", "pass_mark": "col-sm-6 col-lg-2", "sub_levels_note": "col-lg-7"}

    kind = forms.ChoiceField(label=field_label(BandScheme, "kind"), choices=BandKind.choices)
    pass_mark = ScoreField(label=field_label(BandScheme, "pass_mark"))
    sub_levels_note = _text(BandScheme, "sub_levels_note", required=False)


class BandForm(EditorForm):
    columns = {
        "label": "col-sm-6 col-lg-3",
        "min_total": "col-sm-6 col-lg-2",
        "min_each_tool": "col-sm-6 col-lg-2",
        "passed": "col-sm-6 col-lg-2",
    }

    label = _text(Band, "label")
    min_total = ScoreField(label=field_label(Band, "min_total"), required=True)
    min_each_tool = ScoreField(label=field_label(Band, "min_each_tool"))
    passed = forms.BooleanField(label=field_label(Band, "passed"), required=False)


class CopyForm(MarksInvalid, forms.Form):
    """Copy a version to a fiscal year (the same year makes a new revision)."""

    source = forms.ModelChoiceField(queryset=FrameworkVersion.objects.none(), label=_("Copy from"))
    fiscal_year = WholeNumberField(
        label=_("To fiscal year (B.E.)"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        source.queryset = versions
        source.label_from_instance = version_label
        source.widget.attrs["class"] = "form-select"
        self.fields["fiscal_year"].widget.attrs["class"] = "form-control"


def version_label(version: FrameworkVersion) -> str:
    state = _("draft") if version.published_at is None else version.get_status_display()
    return f"ITA {version.fiscal_year} r{version.revision} ({state}) · {version.name_th}"
