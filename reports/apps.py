from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Thin until its roadmap issue: reports of the ITA cycle."""

    name = "reports"
