from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItaPortalConfig(AppConfig):
    """The project package doubles as an app for its template tags, templates and locale."""

    name = "ita_portal"
    verbose_name = "ITA Portal"


class AxesConfig(AxesAppConfig):
    """django-axes with a Thai heading in the administration (its own config has no verbose name)."""

    verbose_name = _("Login security")
