from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemosConfig(AppConfig):
    """Memos (บันทึกข้อความ) that carry the ITA reports up an approval chain (DOMAIN.md §7)."""

    name = "memos"
    verbose_name = _("Memos")

    def ready(self) -> None:
        from . import audit

        audit.register()
