from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Thin until its roadmap issue: measures of the ITA cycle."""

    name = "measures"
