"""The memo's first draft, written from the reports it carries (the officer edits it before submitting).

Pure functions over plain values: the organization's name, the attached reports' titles and facts.
Texts come from the translation catalog in the active language (the services draft in the portal's
language, Thai), in the manner of seed 000 (เรื่องเดิม / ข้อเท็จจริง / ข้อเสนอเพื่อพิจารณา), in our own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ita_portal.thai import arabic_digits


@dataclass(frozen=True)
class Draft:
    subject: str
    background: str
    facts: str
    proposal: str
    closing: str


def _joined(titles: Sequence[str]) -> str:
    if len(titles) <= 1:
        return "".join(titles)
    return _("%(first)s and %(last)s") % {"first": ", ".join(titles[:-1]), "last": titles[-1]}


def draft(organization_name: str, titles: Sequence[str], facts: Sequence[dict[str, Any]]) -> Draft:
    """A first draft for a memo that carries the reports ``titles`` (with their ``facts``)."""
    if not titles:
        subject = _("Integrity and transparency assessment (ITA)")
    elif len(titles) == 1:
        period = arabic_digits(facts[0].get("period") or "")  # the PDF writes digits the org's way
        subject = f"{titles[0]} ({period})" if period else titles[0]
    else:
        subject = _("Reports on the integrity and transparency assessment (ITA)")
    background = _(
        "%(org)s has analysed the results of its integrity and transparency assessment (ITA), found the "
        "points to fix urgently and the points to improve, and set measures to promote integrity and "
        "transparency within the organization, with reports on their progress at set rounds."
    ) % {"org": organization_name}
    lines = []
    for title, fact in zip(titles, facts, strict=True):
        kind = fact.get("kind")
        if kind == "progress" and fact.get("measure_count"):
            lines.append(
                _("%(title)s has been prepared: %(reported)s of %(measures)s measures have reported.")
                % {
                    "title": title,
                    "reported": fact.get("reported_count") or 0,
                    "measures": fact["measure_count"],
                }
            )
        elif kind == "analysis" and fact.get("total"):
            lines.append(
                _("%(title)s has been prepared: the total score is %(total)s, result %(band)s.")
                % {"title": title, "total": fact["total"], "band": fact.get("band") or "–"}
            )
        elif kind == "measures" and fact.get("measure_count"):
            lines.append(
                _("%(title)s has been prepared, with %(measures)s measures.")
                % {"title": title, "measures": fact["measure_count"]}
            )
        else:
            lines.append(_("%(title)s has been prepared.") % {"title": title})
    facts_text = "\n".join(lines) or _("The report is attached.")
    proposal = _(
        "It is therefore proposed to submit %(reports)s as attached, for your consideration, and to "
        "publish it on the organization's website as the ITA requires."
    ) % {"reports": _joined(list(titles)) or _("the report")}
    return Draft(
        subject=subject,
        background=background,
        facts=facts_text,
        proposal=proposal,
        closing=_("For your consideration."),
    )
