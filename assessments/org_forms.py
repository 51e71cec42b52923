"""Forms of the organization pages: they check the input's shape; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Membership, Organization, Role, Unit

User = get_user_model()


def _label(model, field: str):
    return model._meta.get_field(field).verbose_name


DIGIT_CHOICES = [("thai", _("Thai digits (ต.ค. ๖๔)")), ("arabic", _("Arabic digits (ต.ค. 64)"))]


class OrganizationContactForm(forms.Form):
    """Contact details and the organization's own settings. A field the request does not carry is
    left as it is (a radio choice rather than a checkbox, whose absence would mean "off")."""

    phone = forms.CharField(label=_label(Organization, "phone"), max_length=50, required=False)
    digits = forms.ChoiceField(
        label=_("Digits in documents"),
        choices=DIGIT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=Organization._meta.get_field("thai_digits").help_text,
    )

    analysis_strength_min = forms.DecimalField(
        label=_label(Organization, "analysis_strength_min"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=Organization._meta.get_field("analysis_strength_min").help_text,
    )
    analysis_urgent_below = forms.DecimalField(
        label=_label(Organization, "analysis_urgent_below"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=Organization._meta.get_field("analysis_urgent_below").help_text,
    )
    analysis_urgent_count = forms.IntegerField(
        label=_label(Organization, "analysis_urgent_count"),
        min_value=0,
        max_value=20,
        required=False,
        help_text=Organization._meta.get_field("analysis_urgent_count").help_text,
    )

    THRESHOLDS = ("analysis_strength_min", "analysis_urgent_below", "analysis_urgent_count")

    @classmethod
    def for_organization(cls, org: Organization, data=None) -> OrganizationContactForm:
        initial = {
            "phone": org.phone,
            "digits": "thai" if org.thai_digits else "arabic",
            **{name: getattr(org, name) for name in cls.THRESHOLDS},
        }
        return cls(data, initial=initial)

    def changes(self, names) -> dict:
        """The carried fields as ``organization_update`` keyword arguments (after ``is_valid``); an
        empty threshold box keeps the stored value."""
        out = {}
        if "phone" in names and "phone" in self.cleaned_data:
            out["phone"] = self.cleaned_data["phone"]
        if self.cleaned_data.get("digits") in ("thai", "arabic"):
            out["thai_digits"] = self.cleaned_data["digits"] == "thai"
        for name in self.THRESHOLDS:
            if name in names and self.cleaned_data.get(name) is not None:
                out[name] = self.cleaned_data[name]
        return out


class UnitForm(forms.Form):
    name = forms.CharField(label=_label(Unit, "name"), max_length=200)
    code = forms.CharField(
        label=_label(Unit, "code"),
        max_length=50,
        required=False,
        help_text=Unit._meta.get_field("code").help_text,
    )
    phone = forms.CharField(label=_label(Unit, "phone"), max_length=50, required=False)
    order = forms.IntegerField(
        label=_label(Unit, "order"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Units are listed by this number, then by name."),
    )

    @classmethod
    def for_unit(cls, unit: Unit) -> UnitForm:
        return cls(initial={"name": unit.name, "code": unit.code, "phone": unit.phone, "order": unit.order})


class _MembershipFields(forms.Form):
    role = forms.ChoiceField(label=_label(Membership, "role"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_label(Membership, "unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=pgettext_lazy("unit", "(none)"),
    )
    position_title = forms.CharField(
        label=_label(Membership, "position_title"),
        max_length=200,
        required=False,
        help_text=Membership._meta.get_field("position_title").help_text,
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organization=organization).order_by(
            "order", "name"
        )


class _NewPassword(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


class MemberCreateForm(_NewPassword, _MembershipFields):
    username = forms.CharField(
        label=_label(User, "username"),
        max_length=150,
        help_text=_("Used to log in: letters, digits and @ . + - _ only, no spaces."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    first_name = forms.CharField(label=_label(User, "first_name"), max_length=150)
    last_name = forms.CharField(label=_label(User, "last_name"), max_length=150)
    email = forms.EmailField(label=_label(User, "email"), required=False)

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "unit",
        "position_title",
        "password",
        "password_confirm",
    ]

    def clean(self) -> dict:
        data = super().clean()
        password = data.get("password")
        if password and not self.has_error("password_confirm"):
            account = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(password, user=account)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "password_confirm"}


class MemberUpdateForm(_MembershipFields):
    @classmethod
    def for_membership(cls, membership: Membership) -> MemberUpdateForm:
        initial = {
            "role": membership.role,
            "unit": membership.unit_id,
            "position_title": membership.position_title,
        }
        return cls(initial=initial, organization=membership.organization)


class MemberPasswordForm(_NewPassword):
    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and not self.has_error("password_confirm"):
            try:
                password_validation.validate_password(data["password"], user=self.account)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data
