"""Forms of the progress pages: a round's report, evidence (a file or a link), template choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ita_portal.thai import arabic_digits

from .models import ProgressReport

TEXT_ROWS = 4
REPORT_FIELDS = ("result", "outcome", "suggestion", "percent")


class PercentField(forms.IntegerField):
    """A whole percent 0-100; accepts Thai digits, a trailing % and spaces ("๕๐ %")."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = arabic_digits(value).strip().rstrip("%").strip()
        return super().to_python(value)


class ProgressReportForm(forms.Form):
    """What a round's report says; ``progress_report_save`` makes a new version when it changed."""

    result = forms.CharField(
        label=pgettext_lazy("progress report", "Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
        help_text=_("What was done in this round."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
        help_text=_("What changed because of it."),
    )
    suggestion = forms.CharField(
        label=_("Suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
    )
    percent = PercentField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Enter the percent complete (0 to 100)."),
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a whole number from 0 to 100."),
            "max_value": _("Enter a whole number from 0 to 100."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    @classmethod
    def for_report(cls, current: ProgressReport | None, data=None, **kwargs) -> ProgressReportForm:
        """Bound to what is stored, overlaid with the fields the request carried (a partial POST
        carries one field); only the carried fields can then be invalid."""
        initial = {name: getattr(current, name) for name in REPORT_FIELDS} if current else {"percent": 0}
        if data is not None:
            data = {
                **{k: str(v) for k, v in initial.items()},
                **{k: data[k] for k in REPORT_FIELDS if k in data},
            }
        return cls(data, initial=initial, **kwargs)

    def changes(self, names) -> dict[str, Any]:
        """The valid values among the fields the request carried, as service keyword arguments."""
        self.is_valid()
        return {k: self.cleaned_data[k] for k in REPORT_FIELDS if k in names and k in self.cleaned_data}

    def carried(self, names) -> list[forms.BoundField]:
        """The bound fields the request carried (their states are answered to an autosave)."""
        return [self[k] for k in REPORT_FIELDS if k in names]


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )


class EvidenceUrlForm(forms.Form):
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        error_messages={"required": _("Enter a link that starts with http:// or https://.")},
    )


class DueDateForm(forms.Form):
    """A round's own due date (the browser's date picker sends YYYY-MM-DD)."""

    due_date = forms.DateField(
        label=_("Due date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm w-auto"}, format="%Y-%m-%d"
        ),
    )
