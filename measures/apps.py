from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    """Improvement measures of the ITA cycle (O42) and the reports on them (O43)."""

    name = "measures"
    verbose_name = _("Improvement measures")

    def ready(self) -> None:
        from . import audit

        audit.register()
