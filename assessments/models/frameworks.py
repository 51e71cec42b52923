"""ITA framework versions as data: tools, indicators, items, answer scales and band schemes.

A version is identified by its fiscal year and revision. Once an assessment uses a version, the
version is locked: corrections go into a new revision (see services.framework_new_revision), so a
score never changes under an assessment silently.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FrameworkStatus(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    PROVISIONAL = "provisional", _("Provisional")


class BandKind(models.TextChoices):
    LETTER = "letter", _("Letter bands (AA-F)")
    PASS_FAIL = "pass_fail", _("Pass / fail")


class AnswerKind(models.TextChoices):
    SURVEY = "survey", _("Survey question")
    DISCLOSURE = "disclosure", _("Disclosure item (O)")


class Polarity(models.TextChoices):
    POSITIVE = "+", _("Positive")
    NEGATIVE = "-", _("Negative (reverse scored)")
    MIXED = "mixed", _("Mixed sub-items")
    NONE = "", _("Not applicable")


class FrameworkVersion(models.Model):
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    name_th = models.CharField(_("name"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=FrameworkStatus.choices)
    notes = models.TextField(_("notes"), blank=True)
    definition = models.JSONField(_("definition file"), default=dict, blank=True, editable=False)
    checksum = models.CharField(_("checksum"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # None = a draft being prepared in the framework editor: not offered for new assessments.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["-fiscal_year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "revision"], name="assessments_frameworkversion_unique_revision"
            )
        ]

    def __str__(self) -> str:
        return f"ITA {self.fiscal_year} r{self.revision} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class BandScheme(models.Model):
    framework = models.OneToOneField(
        FrameworkVersion, on_delete=models.CASCADE, related_name="band_scheme", verbose_name=_("framework")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BandKind.choices)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, null=True, blank=True)
    sub_levels_note = models.CharField(_("sub-level status"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("band scheme")
        verbose_name_plural = _("band schemes")

    def __str__(self) -> str:
        return f"{self.framework}: {self.get_kind_display()}"


class Band(models.Model):
    """One row of a band table; sub-levels (e.g. ผ่านดีเยี่ยม) are bands with is_sub_level set."""

    scheme = models.ForeignKey(
        BandScheme, on_delete=models.CASCADE, related_name="bands", verbose_name=_("band scheme")
    )
    label = models.CharField(_("label"), max_length=50)
    min_total = models.DecimalField(_("minimum total"), max_digits=5, decimal_places=2)
    min_each_tool = models.DecimalField(
        _("minimum of every tool"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("counts as passed"), default=False)
    is_sub_level = models.BooleanField(_("sub-level"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["scheme", "is_sub_level", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "is_sub_level", "label"], name="assessments_band_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_total}"


class AnswerScale(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="answer_scales", verbose_name=_("framework")
    )
    code = models.CharField(_("code"), max_length=32)
    status_note = models.CharField(_("status"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="assessments_answerscale_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class AnswerOption(models.Model):
    scale = models.ForeignKey(
        AnswerScale, on_delete=models.CASCADE, related_name="options", verbose_name=_("answer scale")
    )
    label = models.CharField(_("answer"), max_length=100)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="assessments_answeroption_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.label} = {self.score}"


class Tool(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="tools", verbose_name=_("framework")
    )
    code = models.CharField(_("code"), max_length=10)
    name_th = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="assessments_tool_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class Indicator(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("framework")
    )
    tool = models.ForeignKey(
        Tool, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("tool")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name_th = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="assessments_indicator_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_th}"


class SubIndicator(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="sub_indicators", verbose_name=_("framework")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="sub_indicators", verbose_name=_("indicator")
    )
    code = models.CharField(_("code"), max_length=10)
    name_th = models.CharField(_("name"), max_length=200)
    grouping_status = models.TextField(
        _("grouping status"), blank=True, help_text=_("What is confirmed about which items belong here.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sub-indicator")
        verbose_name_plural = _("sub-indicators")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="assessments_subindicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class ItemGroup(models.Model):
    """A heading that groups O-items inside a sub-indicator (e.g. การจัดซื้อจัดจ้าง)."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="item_groups", verbose_name=_("framework")
    )
    sub_indicator = models.ForeignKey(
        SubIndicator, on_delete=models.CASCADE, related_name="groups", verbose_name=_("sub-indicator")
    )
    name_th = models.CharField(_("heading"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item group")
        verbose_name_plural = _("item groups")
        ordering = ["framework", "order"]

    def __str__(self) -> str:
        return self.name_th


class Item(models.Model):
    """A survey question (i1, e4) or a disclosure item (O1)."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("framework")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="items", verbose_name=_("indicator")
    )
    sub_indicator = models.ForeignKey(
        SubIndicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("sub-indicator"),
    )
    group = models.ForeignKey(
        ItemGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("item group"),
    )
    code = models.CharField(_("code"), max_length=10)
    name_th = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=AnswerKind.choices)
    answer_scale = models.ForeignKey(
        AnswerScale, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("answer scale")
    )
    polarity = models.CharField(_("polarity"), max_length=8, choices=Polarity.choices, blank=True)
    concept = models.CharField(
        _("concept key"),
        max_length=80,
        blank=True,
        help_text=_("Stable key of what the item measures, the same across years."),
    )
    replaces_concepts = models.JSONField(
        _("replaces concepts"),
        default=list,
        blank=True,
        help_text=_("Concept keys of earlier years' items that this item takes over (merged items)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="assessments_item_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class ItemElement(models.Model):
    """A required element (องค์ประกอบ) of an O-item: the item passes only when all are disclosed."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="elements", verbose_name=_("item"))
    text = models.CharField(_("element"), max_length=500)
    source = models.CharField(_("source"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required element")
        verbose_name_plural = _("required elements")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.text
