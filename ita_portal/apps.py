from django.apps import AppConfig


class ItaPortalConfig(AppConfig):
    """The project package doubles as an app for its template tags, templates and locale."""

    name = "ita_portal"
    verbose_name = "ITA Portal"
