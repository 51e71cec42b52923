"""The analysis narrative's form: one text per section, each saved by itself (autosave)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SECTIONS
from .services import SECTION_MAX

LABELS = {
    "overview": _("Overall result"),
    "strengths": _("Strengths"),
    "weaknesses": _("Weaknesses to fix urgently"),
    "improvements": _("Points to improve in each tool"),
    "practice": _("From the analysis to practice"),
}


class NarrativeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECTIONS:
            self.fields[name] = forms.CharField(
                label=LABELS[name],
                required=False,
                strip=False,
                max_length=SECTION_MAX,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def carried(self, names) -> list[forms.BoundField]:
        """The bound fields the request carried (their states answer an autosave)."""
        return [self[name] for name in SECTIONS if name in names]
