"""Forms of the progress pages: a round's report, evidence (a file or a link), template choice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import PERCENT_VALIDATORS

TEXT_ROWS = 4


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
    percent = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        validators=PERCENT_VALIDATORS,
        error_messages={
            "required": _("Enter the percent complete (0 to 100)."),
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a whole number from 0 to 100."),
            "max_value": _("Enter a whole number from 0 to 100."),
        },
    )


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
