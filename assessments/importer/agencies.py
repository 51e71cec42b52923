"""Agency names as files write them, matched to the agencies the portal knows (issue 7 item 4). Pure.

ITAS downloads and retyped tables name one agency many ways: "ทต.บ้านใหม่", "เทศบาลตำบล บ้านใหม่",
"เทศบาลตำบลบ้านใหม่ อำเภอเมือง จังหวัดลำปาง", with zero-width marks pasted from web pages. A name
is reduced to a *key*: the prefix spelled out in full, spaces, zero-width marks and the
"อำเภอ…"/"จังหวัด…" tails removed (the province, when named, is kept apart to tell namesakes apart).

Matching: by ITAS code first, then by key, then by key and province when several agencies share the
key; an agency left unmatched gets the closest candidates, ranked by a similarity score (0-1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from assessments.sheets import strip_zero_width

#: Abbreviation -> the prefix in full. Longer forms first so "อบต." never eats part of "อบจ.".
PREFIXES: tuple[tuple[str, str], ...] = (
    ("องค์การบริหารส่วนจังหวัด", "องค์การบริหารส่วนจังหวัด"),
    ("องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนตำบล"),
    ("เทศบาลตำบล", "เทศบาลตำบล"),
    ("เทศบาลเมือง", "เทศบาลเมือง"),
    ("เทศบาลนคร", "เทศบาลนคร"),
    ("อบจ.", "องค์การบริหารส่วนจังหวัด"),
    ("อบจ", "องค์การบริหารส่วนจังหวัด"),
    ("อบต.", "องค์การบริหารส่วนตำบล"),
    ("อบต", "องค์การบริหารส่วนตำบล"),
    ("ทต.", "เทศบาลตำบล"),
    ("ทม.", "เทศบาลเมือง"),
    ("ทน.", "เทศบาลนคร"),
)
_PREFIX_PATTERNS = tuple(
    (re.compile(r"^" + r"\s*".join(re.escape(c) for c in short) + r"\s*"), full) for short, full in PREFIXES
)
_SPACE = re.compile(r"\s+")
# "อำเภอ…"/"จังหวัด…" after the name (never the whole name: "อบจ.ลำปาง" keeps "ลำปาง")
_TAIL = re.compile(r"(?<=\S)\s*(?:อำเภอ|อ\.)\s*\S+.*$|(?<=\S)\s*(?:จังหวัด|จ\.)\s*\S+\s*$")
_PROVINCE = re.compile(r"(?:จังหวัด|จ\.)\s*([^\s,()]+)")
_PUNCT = re.compile(r"[\"'“”‘’(),.\-–—]")


def clean_name(name: str) -> str:
    """A name as a person would write it: zero-width marks gone, one space between words."""
    return _SPACE.sub(" ", strip_zero_width(name)).strip()


def province_of(name: str) -> str:
    """The province a name ends with ("... จังหวัดลำปาง" -> "ลำปาง"), or ""."""
    found = _PROVINCE.findall(clean_name(name))
    return found[-1] if found else ""


def normalise_province(province: str) -> str:
    text = clean_name(province)
    text = re.sub(r"^(?:จังหวัด|จ\.)\s*", "", text)
    return _SPACE.sub("", text)


def name_key(name: str) -> str:
    """The key two spellings of one agency share: "ทต. บ้านใหม่ จ.ลำปาง" -> "เทศบาลตำบลบ้านใหม่"."""
    text = clean_name(name)
    if text.startswith(("อำเภอ", "จังหวัด")):  # an agency of the provincial administration is its place
        return _PUNCT.sub("", _SPACE.sub("", text))
    prefix = ""
    for pattern, full in _PREFIX_PATTERNS:
        match = pattern.match(text)
        if match:
            prefix, text = full, text[match.end() :]
            break
    text = _TAIL.sub("", text) if text else text
    return prefix + _PUNCT.sub("", _SPACE.sub("", text))


@dataclass(frozen=True)
class KnownAgency:
    """An agency the portal knows, as the caller gives it (no database here)."""

    id: int
    name: str
    itas_code: str = ""
    province: str = ""


@dataclass(frozen=True)
class Candidate:
    agency: KnownAgency
    score: float  # 0-1, 1 = same key


@dataclass(frozen=True)
class AgencyMatch:
    """The agency a name (and code, province) designates, or None with the closest candidates."""

    name: str
    itas_code: str
    province: str
    agency: KnownAgency | None
    by: str  # "code", "name", "name+province", or "" when unmatched
    candidates: tuple[Candidate, ...] = ()


class AgencyIndex:
    """The known agencies indexed by code and key, to match many names quickly."""

    def __init__(self, agencies: Iterable[KnownAgency]) -> None:
        self.agencies = tuple(agencies)
        self.by_code: dict[str, KnownAgency] = {}
        self.by_key: dict[str, list[KnownAgency]] = {}
        for agency in self.agencies:
            if agency.itas_code.strip():
                self.by_code[agency.itas_code.strip()] = agency
            self.by_key.setdefault(name_key(agency.name), []).append(agency)

    def match(self, name: str, *, itas_code: str = "", province: str = "", limit: int = 5) -> AgencyMatch:
        code = itas_code.strip()
        province = province or province_of(name)
        if code and code in self.by_code:
            return AgencyMatch(name, code, province, self.by_code[code], "code")
        key = name_key(name)
        same = self.by_key.get(key, [])
        if len(same) == 1:
            return AgencyMatch(name, code, province, same[0], "name")
        if len(same) > 1 and province:
            wanted = normalise_province(province)
            here = [a for a in same if normalise_province(a.province) == wanted]
            if len(here) == 1:
                return AgencyMatch(name, code, province, here[0], "name+province")
        return AgencyMatch(name, code, province, None, "", self.candidates(key, province, limit))

    def candidates(self, key: str, province: str = "", limit: int = 5) -> tuple[Candidate, ...]:
        """The known agencies closest to a key, best first; the same province breaks ties."""
        wanted = normalise_province(province)
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        scored: list[tuple[float, int, Candidate]] = []
        for other_key, agencies in self.by_key.items():
            matcher.set_seq1(other_key)
            if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
                continue
            ratio = round(matcher.ratio(), 3)
            if ratio < 0.5:
                continue
            for agency in agencies:
                near = 0 if wanted and normalise_province(agency.province) == wanted else 1
                scored.append((-ratio, near, Candidate(agency, ratio)))
        scored.sort(key=lambda entry: (entry[0], entry[1], entry[2].agency.name, entry[2].agency.id))
        return tuple(entry[2] for entry in scored[:limit])


def match_agencies(
    names: Sequence[tuple[str, str, str]], agencies: Iterable[KnownAgency], *, limit: int = 5
) -> list[AgencyMatch]:
    """Each (name, itas_code, province) matched against the known agencies (see ``AgencyIndex``)."""
    index = AgencyIndex(agencies)
    return [index.match(n, itas_code=c, province=p, limit=limit) for n, c, p in names]
