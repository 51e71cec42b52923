"""Forms of the score entry pages. Error messages are Thai through the catalog and say which field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from ita_portal.thai import arabic_digits

from .models import Indicator, Item, Organization, ReadinessStatus, Tool, Unit

SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)
URL_ERROR = _("URL %(number)s is not a web address (it must start with http:// or https://): %(url)s")
URL_TOO_LONG = _("URL %(number)s is longer than %(limit)s characters: %(url)s")
TOO_MANY_URLS = _("At most %(limit)s URLs per item.")
URL_MAX_LENGTH = 500
URL_MAX_COUNT = 10
NOTE_MAX_LENGTH = 2000
QUOTE_MAX = 60


def quote_start(text: str, limit: int = QUOTE_MAX) -> str:
    """At most the first ``limit`` characters of user text, for an error message."""
    return text if len(text) <= limit else text[:limit] + "…"


class ScoreField(forms.CharField):
    """A 0-100 score with at most two decimals; accepts Thai digits, a trailing % and spaces."""

    default_error_messages = {
        "invalid": _("Enter a number such as 88.81."),
        "range": _("The score must be between 0 and 100."),
        "places": _("Use at most 2 decimal places."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "score-input"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:
        text = arabic_digits(str(value or "")).strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not SCORE_MIN <= number <= SCORE_MAX:
            raise ValidationError(self.error_messages["range"], code="range")
        if -number.as_tuple().exponent > 2:
            raise ValidationError(self.error_messages["places"], code="places")
        return number


def _carried_valid(form: forms.Form, names, fields: dict) -> dict:
    """``{key: value}`` of the fields (``{key: field name}``) the request carried and that are valid."""
    form.is_valid()
    return {
        key: form.cleaned_data[name]
        for key, name in fields.items()
        if name in names and name in form.cleaned_data
    }


class AssessmentCreateForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organization"))
    fiscal_year = forms.TypedChoiceField(coerce=int, label=_("Fiscal year"))

    def __init__(
        self, *args, organizations: list[Organization], years: list[int], current_year: int, **kwargs
    ) -> None:
        """``organizations`` the user may write for; ``years`` newest first (the current one goes first)."""
        super().__init__(*args, **kwargs)
        self.has_organizations = bool(organizations)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organizations]
        ).order_by("name")
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
            self.fields["organization"].empty_label = None
        self.current_year = current_year
        self.current_year_missing = current_year not in years
        ordered = ([current_year] if current_year in years else []) + [y for y in years if y != current_year]
        self.fields["fiscal_year"].choices = [
            (y, _("%(year)s (current fiscal year)") % {"year": y} if y == current_year else str(y))
            for y in ordered
        ]
        if ordered:
            self.fields["fiscal_year"].initial = ordered[0]


class IndicatorScoresForm(forms.Form):
    """One field per indicator of the framework, named ``ind_<number>``."""

    def __init__(self, *args, indicators: list[Indicator], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            self.fields[f"ind_{ind.number}"] = ScoreField(label=f"{ind.number}. {ind.name_th}")

    def scores(self, names) -> dict[int, Decimal | None]:
        """The valid scores among the fields ``names`` the request carried; invalid ones are left out."""
        return _carried_valid(self, names, {ind.number: f"ind_{ind.number}" for ind in self.indicators})

    def by_tool(self) -> list[tuple[str, str, list]]:
        """(tool code, tool name, bound fields) in framework order, for the page's sections."""
        groups: list[tuple[str, str, list]] = []
        for ind in self.indicators:
            if not groups or groups[-1][0] != ind.tool.code:
                groups.append((ind.tool.code, ind.tool.name_th, []))
            groups[-1][2].append(self[f"ind_{ind.number}"])
        return groups


class QuestionScoresForm(forms.Form):
    """One field per survey question, named ``q_<code>``."""

    def __init__(self, *args, items: list[Item], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"q_{item.code}"] = ScoreField(label=f"{item.code} {item.name_th}")

    def scores(self, names) -> dict[str, Decimal | None]:
        """The valid scores among the fields ``names`` the request carried; invalid ones are left out."""
        return _carried_valid(self, names, {item.code: f"q_{item.code}" for item in self.items})

    def by_indicator(self) -> list[tuple[Any, list]]:
        """(indicator, bound fields) in framework order, for the page's sections."""
        groups: list[tuple[Any, list]] = []
        for item in self.items:
            if not groups or groups[-1][0].pk != item.indicator_id:
                groups.append((item.indicator, []))
            groups[-1][1].append(self[f"q_{item.code}"])
        return groups


class DisclosureResultForm(forms.Form):
    """One O-item row: result, the URL(s) where it is published (one per line), a note."""

    RESULT_CHOICES = [("", _("Not decided")), ("pass", _("Passed")), ("fail", _("Not passed"))]

    result = forms.ChoiceField(choices=RESULT_CHOICES, required=False, label=_("Result"))
    urls = forms.CharField(
        required=False,
        label=_("URL where it is published"),
        widget=forms.Textarea(attrs={"rows": 1, "class": "url-input"}),
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def clean_urls(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["urls"].replace(" ", "\n").splitlines()]
        urls = [line for line in lines if line]
        if len(urls) > URL_MAX_COUNT:
            raise ValidationError(TOO_MANY_URLS, params={"limit": URL_MAX_COUNT}, code="too_many")
        validate = URLValidator(schemes=["http", "https"])
        for number, url in enumerate(urls, start=1):
            params = {"number": number, "url": quote_start(url), "limit": URL_MAX_LENGTH}
            if len(url) > URL_MAX_LENGTH:
                raise ValidationError(URL_TOO_LONG, params=params, code="too_long")
            try:
                validate(url)
            except ValidationError as exc:
                raise ValidationError(URL_ERROR, params=params, code="invalid_url") from exc
        return urls

    def passed(self) -> bool | None:
        return {"pass": True, "fail": False}.get(self.cleaned_data.get("result") or "")

    def changes(self, names) -> dict[str, Any]:
        """The valid values among the fields the request carried, as service keyword arguments."""
        self.is_valid()
        out: dict[str, Any] = {}
        if "result" in names and "result" in self.cleaned_data:
            out["passed"] = self.passed()
        if "urls" in names and "urls" in self.cleaned_data:
            out["urls"] = self.cleaned_data["urls"]
        if "note" in names and "note" in self.cleaned_data:
            out["note"] = self.cleaned_data["note"]
        return out


class PublishedValuesForm(forms.Form):
    """The values ITAS published, kept apart from the portal's own computation."""

    total = ScoreField(label=_("Published total"))
    band = forms.CharField(required=False, max_length=50, label=_("Published result (band or pass)"))
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tools: list[Tool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tools = tools
        for tool in tools:
            self.fields[f"tool_{tool.code}"] = ScoreField(
                label=_("Published %(tool)s score") % {"tool": tool.code}
            )

    def tool_scores(self) -> dict[str, Decimal | None]:
        return {t.code: self.cleaned_data.get(f"tool_{t.code}") for t in self.tools}

    def changes(self, names) -> dict[str, Any]:
        """The valid values among the fields the request carried, as service keyword arguments."""
        self.is_valid()
        valid = {name for name in self.fields if name in names and name in self.cleaned_data}
        out: dict[str, Any] = {
            key: self.cleaned_data[key] for key in ("total", "band", "note") if key in valid
        }
        tools = {t.code: self.cleaned_data[f"tool_{t.code}"] for t in self.tools if f"tool_{t.code}" in valid}
        if tools:
            out["tool_scores"] = tools
        return out


class ReadinessForm(forms.Form):
    """One row of the OIT readiness board: owner unit, status, data year (B.E.)."""

    owner_unit = forms.ModelChoiceField(queryset=None, required=False, label=_("Owner unit"))
    status = forms.ChoiceField(choices=ReadinessStatus.choices, label=_("Status"))
    data_year = forms.CharField(required=False, max_length=10, label=_("Data year (B.E.)"))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(organization=organization_id)

    def clean_data_year(self) -> int | None:
        text = arabic_digits(self.cleaned_data["data_year"]).strip()
        if not text:
            return None
        if not text.isdigit() or not 2500 <= int(text) <= 2700:
            raise ValidationError(_("Enter a Buddhist-era year such as 2566."), code="year")
        return int(text)

    def changes(self, names) -> dict[str, Any]:
        """The valid values among the fields the request carried, as service keyword arguments."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in names and name in self.cleaned_data
        }
