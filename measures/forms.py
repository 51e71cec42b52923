"""The measure form: what the officer types, turned into the arguments of ``services.measure_create``
and ``measure_update``. Choices come from the assessment (its framework's targets, its organization's
units and members); the services check them again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Indicator, Item, Tool, Unit

from .models import Measure, MeasureStatus, RoundMonth

MONTH_FORMAT = "%Y-%m"
CHECKBOX = {"class": "form-check-input"}


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format=MONTH_FORMAT)


def _month_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=[MONTH_FORMAT, "%Y-%m-%d"],
        widget=MonthInput(),
        help_text=_("Month and year, e.g. 2021-10 for October 2564."),
    )


def _checkboxes(label: Any) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=label, required=False, coerce=int, widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX)
    )


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("measure"), max_length=300)
    guideline = forms.CharField(
        label=_("guideline"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    steps = forms.CharField(
        label=_("steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One step per line."),
    )
    target_tools = _checkboxes(_("target tools"))
    target_indicators = _checkboxes(_("target indicators"))
    target_items = _checkboxes(_("target items"))
    all_units = forms.BooleanField(label=_("all units"), required=False)
    units = _checkboxes(_("responsible units"))
    other_parties = forms.CharField(
        label=_("other responsible parties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Responsible parties that are not units, e.g. a committee."),
    )
    responsible = forms.TypedChoiceField(
        label=_("responsible person"), required=False, coerce=int, empty_value=None
    )
    start_month = _month_field(_("start month"))
    end_month = _month_field(_("end month"))
    rounds = forms.TypedMultipleChoiceField(
        label=_("monitoring rounds"),
        required=False,
        coerce=int,
        choices=RoundMonth.choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    outcome = forms.CharField(
        label=_("expected outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("status"), choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        fw = assessment.framework_id
        self._tools = {t.pk: t for t in Tool.objects.filter(framework=fw).order_by("order")}
        self._indicators = {
            i.pk: i for i in Indicator.objects.filter(framework=fw).select_related("tool").order_by("number")
        }
        self._items = {
            i.pk: i for i in Item.objects.filter(framework=fw).select_related("indicator").order_by("order")
        }
        self._units = {u.pk: u for u in Unit.objects.filter(organization=assessment.organization_id)}
        people = (
            get_user_model()
            .objects.filter(memberships__organization=assessment.organization_id)
            .order_by("first_name", "username")
        )
        self.fields["target_tools"].choices = [(t.pk, str(t)) for t in self._tools.values()]
        self._groups: dict[str, list[tuple[str, int]]] = {}
        self._set_grouped(
            "target_indicators",
            self._indicators.values(),
            lambda i: str(i.tool),
            lambda i: str(i),
        )
        self._set_grouped(
            "target_items",
            self._items.values(),
            lambda i: str(i.indicator),
            lambda i: f"{i.code} {i.name_th}",
        )
        self.fields["units"].choices = [(u.pk, u.name) for u in self._units.values()]
        self.fields["responsible"].choices = [("", "—")] + [
            (p.pk, p.get_full_name() or p.username) for p in people
        ]
        self._people = {p.pk: p for p in people}

    def _set_grouped(self, name: str, objects: Iterable[Any], group_of, label_of) -> None:
        """Flat choices plus the group sizes, so the template can head each run of checkboxes."""
        choices: list[tuple[int, str]] = []
        groups: list[tuple[str, int]] = []
        for obj in objects:
            group = group_of(obj)
            if groups and groups[-1][0] == group:
                groups[-1] = (group, groups[-1][1] + 1)
            else:
                groups.append((group, 1))
            choices.append((obj.pk, label_of(obj)))
        self.fields[name].choices = choices
        self._groups[name] = groups

    def grouped(self, name: str) -> list[tuple[str, list]]:
        """[(group heading, [checkbox subwidgets])] for a grouped checkbox list."""
        widgets = list(self[name])
        out, start = [], 0
        for heading, size in self._groups[name]:
            out.append((heading, widgets[start : start + size]))
            start += size
        return out

    @property
    def indicator_groups(self) -> list[tuple[str, list]]:
        return self.grouped("target_indicators")

    @property
    def item_groups(self) -> list[tuple[str, list]]:
        return self.grouped("target_items")

    def clean_steps(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]

    def clean_target_tools(self) -> list[Tool]:
        return [self._tools[pk] for pk in self.cleaned_data["target_tools"]]

    def clean_target_indicators(self) -> list[Indicator]:
        return [self._indicators[pk] for pk in self.cleaned_data["target_indicators"]]

    def clean_target_items(self) -> list[Item]:
        return [self._items[pk] for pk in self.cleaned_data["target_items"]]

    def clean_units(self) -> list[Unit]:
        return [self._units[pk] for pk in self.cleaned_data["units"]]

    def clean_responsible(self) -> Any:
        pk = self.cleaned_data["responsible"]
        return self._people[pk] if pk is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("all_units") and data.get("units"):
            self.add_error("units", _("Choose either all units or some units, not both."))
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's ValidationError beside the field it names (or on top of the form)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def measure_initial(measure: Measure) -> dict[str, Any]:
    """The form's initial values for an existing measure."""
    return {
        "title": measure.title,
        "guideline": measure.guideline,
        "steps": "\n".join(measure.steps),
        "target_tools": [t.pk for t in measure.target_tools.all()],
        "target_indicators": [i.pk for i in measure.target_indicators.all()],
        "target_items": [i.pk for i in measure.target_items.all()],
        "all_units": measure.all_units,
        "units": [u.pk for u in measure.units.all()],
        "other_parties": measure.other_parties,
        "responsible": measure.responsible_id,
        "start_month": measure.start_month,
        "end_month": measure.end_month,
        "rounds": list(measure.rounds),
        "outcome": measure.outcome,
        "status": measure.status,
    }
