"""The overview of many organizations for one fiscal year (site staff today; provincial roles later).

One query reads every organization the user oversees with its stored result of the year and of
the year before (``Assessment.computed_*``, refreshed inside every score-writing transaction);
ranking, filters, the Thai name search and sorting then run over those rows in memory, which stays
fast for the 8,300 agencies of a national year (``scripts/bench_overview.py``).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import FilteredRelation, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import selectors
from .importer.agencies import clean_name, name_key
from .models import Assessment, Band, Organization, OrganizationType

NO_RESULT = "none"
#: Sort keys people may ask for; "-" in front sorts descending.
SORTS = ("rank", "name", "type", "province", "district", "total", "change")
TYPE_LABELS = dict(OrganizationType.choices)  # lazy labels: translated when shown


def can_oversee(user: Any) -> bool:
    """Who sees the overview: site staff. Provincial roles will add their own scope here."""
    return bool(user.is_authenticated and user.is_staff)


def organizations_overseen(user: Any) -> QuerySet[Organization]:
    """The organizations one user oversees (all for site staff; later, a province's for its office)."""
    if not can_oversee(user):
        return Organization.objects.none()
    return Organization.objects.all()


@dataclass(slots=True)
class OverviewRow:
    organization_id: int
    name: str
    org_type: str
    province: str
    district: str
    assessment_id: int | None
    total: Decimal | None
    band: str
    previous: Decimal | None
    rank: int | None = None

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.org_type, ""))

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous is None:
            return None
        return self.total - self.previous

    @property
    def key(self) -> str:
        return search_key(self.name)


def default_year() -> int | None:
    """The latest fiscal year that has any assessment, else the latest framework year."""
    year = Assessment.objects.aggregate(year=Max("fiscal_year"))["year"]
    if year is None:
        years = selectors.framework_years()
        year = years[-1] if years else None
    return year


def overview_rows(user: Any, year: int) -> list[OverviewRow]:
    """One row per overseen organization with its result of ``year`` and of the year before, ranked
    by total among the organizations of the year that have one (ties share a rank). One query."""
    values = (
        organizations_overseen(user)
        .annotate(
            cur=FilteredRelation("assessments", condition=Q(assessments__fiscal_year=year)),
            prev=FilteredRelation("assessments", condition=Q(assessments__fiscal_year=year - 1)),
        )
        .order_by("name")
        .values_list(
            "pk",
            "name",
            "org_type",
            "province",
            "district",
            "cur__pk",
            "cur__computed_total",
            "cur__computed_band",
            "prev__computed_total",
        )
    )
    rows = [
        OverviewRow(pk, name, kind, province, district, a_pk, total, band or "", previous)
        for pk, name, kind, province, district, a_pk, total, band, previous in values
    ]
    _rank(rows)
    return rows


def _rank(rows: list[OverviewRow]) -> None:
    """Competition ranking (1, 2, 2, 4) by total, highest first."""
    scored = sorted((r for r in rows if r.total is not None), key=lambda r: r.total, reverse=True)
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row.total != previous:
            rank, previous = position, row.total
        row.rank = rank


@functools.lru_cache(maxsize=20_000)
def search_key(text: str) -> str:
    """What a search compares: the name key (prefixes ทต./อบต. spelled out, no spaces or marks).
    Kept per process: the same 8,300 names are searched again and again."""
    return name_key(text)


def overview_filter(
    rows: Iterable[OverviewRow], *, org_type: str = "", province: str = "", band: str = "", q: str = ""
) -> list[OverviewRow]:
    out = list(rows)
    if org_type:
        out = [r for r in out if r.org_type == org_type]
    if province:
        out = [r for r in out if r.province == province]
    if band == NO_RESULT:
        out = [r for r in out if r.total is None]
    elif band:
        out = [r for r in out if r.band == band and r.total is not None]
    text = clean_name(q)
    if text:
        key = search_key(text)
        plain = text.replace(" ", "")
        out = [
            r
            for r in out
            if key in r.key or plain in r.province.replace(" ", "") or plain in r.district.replace(" ", "")
        ]
    return out


def overview_sort(rows: list[OverviewRow], sort: str) -> list[OverviewRow]:
    """Sort by one of SORTS ("-total": highest first); rows without the value go last either way."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in SORTS:
        name, descending = "rank", False
    getters = {
        "rank": lambda r: r.rank,
        "name": lambda r: r.name,
        "type": lambda r: r.type_label,
        "province": lambda r: r.province,
        "district": lambda r: r.district,
        "total": lambda r: r.total,
        "change": lambda r: r.change,
    }
    get = getters[name]
    present = [r for r in rows if get(r) not in (None, "")]
    missing = [r for r in rows if get(r) in (None, "")]
    present.sort(key=lambda r: r.name)
    present.sort(key=get, reverse=descending)  # stable: names stay A-Z among equal values
    return present + sorted(missing, key=lambda r: r.name)


def band_labels(year: int) -> list[str]:
    """The year's bands in the framework's order (AA…F, or ผ่าน/ไม่ผ่าน from 2566)."""
    framework = selectors.framework_latest(year)
    if framework is None:
        return []
    return list(
        Band.objects.filter(scheme__framework=framework, is_sub_level=False)
        .order_by("order")
        .values_list("label", flat=True)
    )


def band_distribution(rows: Iterable[OverviewRow], labels: list[str]) -> list[tuple[str, str, int]]:
    """(value, label, count) per band in order, then the organizations without a result."""
    counts = Counter(r.band if r.total is not None else NO_RESULT for r in rows)
    out = [(label, label, counts.get(label, 0)) for label in labels]
    out += [(label, label, n) for label, n in counts.items() if label not in labels and label != NO_RESULT]
    out.append((NO_RESULT, str(_("No result")), counts.get(NO_RESULT, 0)))
    return out
