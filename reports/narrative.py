"""The analysis report's paragraphs, drafted in Thai from the data (the officer may rewrite them).

The sentences live in the translation catalog (English msgids, Thai texts); documents are Thai, so
the drafts are written under ``translation.override("th")`` whatever the page's language. Numbers
are written with Arabic digits here; a document in Thai digits converts its text as a whole.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .analysis import Analysis, IndicatorScore
from .models import SECTIONS


def _num(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _names(rows: tuple[IndicatorScore, ...]) -> str:
    return _(", ").join(
        _("indicator %(number)s %(name)s") % {"number": r.number, "name": r.name} for r in rows
    )


def _scored(rows: tuple[IndicatorScore, ...]) -> str:
    return _(", ").join(
        _("indicator %(number)s %(name)s (%(score)s)")
        % {"number": r.number, "name": r.name, "score": _num(r.score)}
        for r in rows
    )


def _overview(a: Analysis) -> str:
    d = a.data
    if not a.complete:
        missing = _(", ").join(str(n) for n in d.missing_indicators)
        return _(
            "The result of %(org)s in the ITA of fiscal year B.E. %(year)s is not complete yet: "
            "indicators %(missing)s have no score, so the total is not known."
        ) % {"org": d.organization, "year": d.year, "missing": missing}
    if d.band:
        text = _(
            "In the Integrity and Transparency Assessment (ITA) of fiscal year B.E. %(year)s, %(org)s scored "
            "%(total)s points overall, result %(band)s."
        ) % {"year": d.year, "org": d.organization, "total": _num(d.total), "band": d.band}
    else:
        text = _(
            "In the Integrity and Transparency Assessment (ITA) of fiscal year B.E. %(year)s, %(org)s scored "
            "%(total)s points overall."
        ) % {"year": d.year, "org": d.organization, "total": _num(d.total)}
    if d.pass_mark is not None:
        target = (
            _("The target is %(mark)s points, which the agency reached.")
            if d.passed
            else _("The target is %(mark)s points, which the agency did not reach.")
        )
        text += " " + target % {"mark": _num(d.pass_mark)}
    parts = [text]
    if a.ranked:
        parts.append(
            _(
                "The highest indicator is %(high)s with %(high_score)s points; "
                "the lowest is %(low)s with %(low_score)s points."
            )
            % {
                "high": _names(a.highest),
                "high_score": _num(a.highest[0].score),
                "low": _names(a.lowest),
                "low_score": _num(a.lowest[0].score),
            }
        )
        parts.append(
            ngettext(
                "%(count)s of %(all)s indicators scores %(min)s points or more.",
                "%(count)s of %(all)s indicators score %(min)s points or more.",
                len(a.strengths),
            )
            % {"count": len(a.strengths), "all": len(a.ranked), "min": _num(a.strength_min)}
        )
    total_row = a.comparison[-1]
    if total_row.change is not None and len(a.years) >= 2:
        previous = a.years[-2]
        if total_row.change > 0:
            change = _("Compared with fiscal year %(prev)s, the total rose by %(diff)s points.")
        elif total_row.change < 0:
            change = _("Compared with fiscal year %(prev)s, the total fell by %(diff)s points.")
        else:
            change = _("The total is the same as in fiscal year %(prev)s.")
        parts.append(change % {"prev": previous, "diff": _num(abs(total_row.change))})
    return " ".join(parts)


def _strengths(a: Analysis) -> str:
    if not a.strengths:
        return _("No indicator has reached %(min)s points yet.") % {"min": _num(a.strength_min)}
    return _(
        "The agency's strengths are the indicators scoring %(min)s points or more: %(list)s. "
        "The agency keeps up the practices behind them and publishes its work regularly."
    ) % {"min": _num(a.strength_min), "list": _scored(a.strengths)}


def _weaknesses(a: Analysis) -> str:
    if not a.weaknesses:
        return _("No indicator needs urgent correction: every indicator scores %(min)s points or more.") % {
            "min": _num(a.strength_min)
        }
    return _(
        "The points to fix urgently are the lowest indicators: %(list)s. "
        "Each of them gets a measure in the plan with a responsible unit and a period."
    ) % {"list": _scored(a.weaknesses)}


def _improvements(a: Analysis) -> str:
    lines = []
    for p in a.points:
        head = _("%(tool)s (%(score)s points)") % {"tool": p.tool.name, "score": _num(p.tool.score)}
        if not p.indicators and not p.failed_items:
            lines.append(head + ": " + _("every indicator reaches the target; keep the practice up."))
            continue
        parts = []
        if p.indicators:
            parts.append(_("improve %(list)s") % {"list": _scored(p.indicators)})
        if p.failed_items:
            items = _(", ").join(f"{f.code} {f.name}" for f in p.failed_items)
            parts.append(_("disclose the O-items not passed: %(items)s") % {"items": items})
        lines.append(head + ": " + _("; ").join(parts) + ".")
    return "\n".join(lines)


def _practice(a: Analysis, measure_count: int) -> str:
    text = _(
        "The agency turns this analysis into practice through its measures to promote integrity and "
        "transparency: every weakness and every O-item not passed is matched by a measure with responsible "
        "units, a period and monitoring rounds, and the progress is reported to the executives "
        "at 6 and 12 months."
    )
    if measure_count:
        text += " " + ngettext(
            "The plan of fiscal year B.E. %(year)s has %(count)s measure.",
            "The plan of fiscal year B.E. %(year)s has %(count)s measures.",
            measure_count,
        ) % {"year": a.data.year, "count": measure_count}
    return text


def draft(a: Analysis, *, measure_count: int = 0) -> dict[str, str]:
    """Every section drafted from the data, in Thai."""
    with translation.override("th"):
        return {
            "overview": _overview(a),
            "strengths": _strengths(a),
            "weaknesses": _weaknesses(a),
            "improvements": _improvements(a),
            "practice": _practice(a, measure_count),
        }


def merged(drafted: dict[str, str], edited: dict[str, str]) -> dict[str, str]:
    """The text of each section: the officer's where they wrote one, else the draft."""
    return {name: edited.get(name, drafted[name]) for name in SECTIONS}
