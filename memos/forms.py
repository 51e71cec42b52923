"""Forms of the memo pages: a new memo, its text (each field saves itself), a decision, a chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization

from .attachments import ReportSpec, ReportUnavailable, from_key
from .models import ApprovalChain, DecisionKind, Memo

#: The memo text fields that save themselves one at a time.
TEXT_FIELDS = (
    "subject",
    "salutation",
    "date",
    "background",
    "facts",
    "proposal",
    "closing",
    "author_position",
)
CHAIN_ROWS = 6


class MemoCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit (government agency)"), queryset=None)
    chain = forms.ModelChoiceField(label=_("Approval chain"), queryset=None)
    attachments = forms.MultipleChoiceField(
        label=_("Reports to attach"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, organization: Organization, choices: Sequence[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["unit"].queryset = organization.units.order_by("order", "name")
        self.fields["chain"].queryset = ApprovalChain.objects.filter(
            organization=organization, is_active=True
        )
        self.fields["attachments"].choices = list(choices)
        first_chain = self.fields["chain"].queryset.order_by("name").first()
        if first_chain is not None:
            self.fields["chain"].initial = first_chain.pk

    def specs(self) -> list[ReportSpec]:
        try:
            return [from_key(k, self.organization.pk) for k in self.cleaned_data["attachments"]]
        except ReportUnavailable as exc:
            raise forms.ValidationError(exc.message_th) from exc


class MemoTextForm(forms.ModelForm):
    """The memo's text; the page sends one field at a time, and only the fields sent are read."""

    class Meta:
        model = Memo
        fields = TEXT_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 5}),
            "facts": forms.Textarea(attrs={"rows": 5}),
            "proposal": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("subject", "salutation"):
            self.fields[name].required = False  # checked at submission: a draft may be half written

    def _post_clean(self) -> None:
        """Only the form fields are checked here: the service validates the memo it saves."""

    def changes(self, data: Any) -> dict[str, Any]:
        """The valid values of the fields present in ``data`` (call after ``is_valid``)."""
        return {n: self.cleaned_data[n] for n in TEXT_FIELDS if n in data and n in self.cleaned_data}

    def carried(self, data: Any) -> list[forms.BoundField]:
        return [self[n] for n in TEXT_FIELDS if n in data]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (a reason is required when not approving or returning)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    step = forms.IntegerField(widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ChainForm(forms.Form):
    """A chain's name and up to ``CHAIN_ROWS`` steps (position title + member); empty rows are ignored."""

    name = forms.CharField(label=_("Name of the chain"), max_length=200)
    is_active = forms.BooleanField(label=_("Offered for new memos"), required=False, initial=True)

    def __init__(self, *args: Any, organization: Organization, chain: ApprovalChain | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if chain is not None:
            initial = {"name": chain.name, "is_active": chain.is_active}
            for i, step in enumerate(chain.steps.order_by("order")):
                initial[f"title_{i}"], initial[f"user_{i}"] = step.position_title, step.user_id
        super().__init__(*args, initial=initial, **kwargs)
        members = get_user_model().objects.filter(memberships__organization=organization).order_by("username")
        for i in range(CHAIN_ROWS):
            self.fields[f"title_{i}"] = forms.CharField(
                label=_("Position %(n)s") % {"n": i + 1}, required=False, max_length=200
            )
            self.fields[f"user_{i}"] = forms.ModelChoiceField(
                label=_("Held by %(n)s") % {"n": i + 1},
                queryset=members,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"user_{i}"].label_from_instance = lambda u: u.get_full_name() or u.username

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"title_{i}"], self[f"user_{i}"]) for i in range(CHAIN_ROWS)]

    def steps(self) -> list[tuple[str, Any]]:
        data = self.cleaned_data
        return [
            (data.get(f"title_{i}") or "", data.get(f"user_{i}"))
            for i in range(CHAIN_ROWS)
            if data.get(f"title_{i}") or data.get(f"user_{i}")
        ]
