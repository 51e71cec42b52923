from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports of the ITA cycle: the analysis, the measures plan and the progress of a round, as
    pages and as PDFs (WeasyPrint)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import audit

        audit.register()
