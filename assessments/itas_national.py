"""A national ITAS results workbook, generated: the input of ``make bench`` (scripts/bench_itas.py) at
8,300 agencies and of the bulk-import tests at a few dozen (issue 7 item 8).

Three sheets, as a national download could hold them (the layout ``importer`` detects):

* ``summary``: one row per agency: ITAS code, name, province, year, IIT, EIT, OIT, total, band and
  indicators 1-10;
* ``indicators``: one row per agency and indicator (the indicator scores again, long format);
* ``oit``: one row per agency and O-item of the year (มี / ไม่มี, a URL, a reviewer's comment).

Values are consistent with the year's framework: indicators 1-8 are drawn, the O-items drawn, and the
rest (indicators 9 and 10, tools, total, band) computed by ``scoring`` from them, so that a correct
import recomputes exactly the published total (no discrepancy). Seeded: the same arguments give the
same file. Written with openpyxl's write-only mode (rows streamed, little memory).
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from . import scoring
from .framework_file import load_framework_file

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
PROVINCES = ("เชียงราย", "ขอนแก่น", "นครราชสีมา", "สงขลา", "ชลบุรี", "อุบลราชธานี", "พิษณุโลก", "สุราษฎร์ธานี")
KINDS = ("องค์การบริหารส่วนตำบล", "เทศบาลตำบล", "เทศบาลเมือง", "เทศบาลนคร")
SYLLABLES = ("บ้าน", "หนอง", "ดอน", "นา", "ท่า", "โพธิ์", "ศรี", "คำ", "ทุ่ง", "สว่าง", "แดง", "ใหญ่", "น้อย", "เหนือ")
SUMMARY_HEADER = [
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "จังหวัด",
    "ปีงบประมาณ",
    "IIT",
    "EIT",
    "OIT",
    "คะแนนรวม",
    "ระดับ",
    *[f"ตัวชี้วัดที่ {n}" for n in range(1, 11)],
]
INDICATOR_HEADER = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัด", "คะแนน"]
OIT_HEADER = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ข้อ", "ผลการประเมิน", "URL", "ความคิดเห็นผู้ตรวจ"]


@dataclass(frozen=True)
class NationalAgency:
    code: str
    name: str
    province: str
    indicators: dict[int, Decimal]  # 1-10, two decimals as published
    items: dict[str, bool]  # O-item code -> passed
    tools: dict[str, Decimal]
    total: Decimal
    band: str


def agency_name(index: int) -> str:
    """A unique Thai agency name for ``index`` (a kind prefix, three syllables, a number when needed)."""
    kind = KINDS[index % len(KINDS)]
    rest, n = divmod(index // len(KINDS), len(SYLLABLES) ** 3)
    a, b = divmod(n, len(SYLLABLES) ** 2)
    b, c = divmod(b, len(SYLLABLES))
    suffix = f" {rest + 1}" if rest else ""
    return f"{kind}{SYLLABLES[a]}{SYLLABLES[b]}{SYLLABLES[c]}{suffix}"


def national_agencies(count: int, *, year: int = 2565, seed: int = 2565) -> list[NationalAgency]:
    """``count`` agencies with results consistent with the ``year`` framework (shipped fixture)."""
    framework = load_framework_file(FRAMEWORKS / f"ita-{year}.json").to_scoring()
    rng = random.Random(seed)
    survey = [ind.number for ind in framework.indicators if not ind.is_disclosure]
    disclosure = [ind for ind in framework.indicators if ind.is_disclosure]
    codes = [code for ind in disclosure for code in ind.all_items]
    agencies = []
    for index in range(count):
        chance = rng.choice((0.97, 0.9, 0.8, 0.6))
        given = {n: Decimal(rng.randint(6000, 10000)) / 100 for n in survey}
        items = {code: rng.random() < chance for code in codes}
        result = scoring.score(framework, scoring.ScoreInputs(indicator_scores=given, oit_items=items))
        indicators = {n: scoring.round2(r.score) for n, r in result.indicators.items()}
        agencies.append(
            NationalAgency(
                code=f"{5000000 + index:07d}",
                name=agency_name(index),
                province=PROVINCES[index % len(PROVINCES)],
                indicators=dict(sorted(indicators.items())),
                items=items,
                tools={c: scoring.round2(t.score) for c, t in result.tools.items()},
                total=scoring.round2(result.total),
                band=result.band or "",
            )
        )
    return agencies


def national_rows(agencies: list[NationalAgency], *, year: int = 2565) -> Iterator[tuple[str, list]]:
    """(sheet name, row) of the national workbook, headers first, sheet after sheet."""
    yield "summary", SUMMARY_HEADER
    for agency in agencies:
        yield (
            "summary",
            [
                agency.code,
                agency.name,
                agency.province,
                year,
                *(float(agency.tools[t]) for t in ("IIT", "EIT", "OIT")),
                float(agency.total),
                agency.band,
                *(float(agency.indicators[n]) for n in range(1, 11)),
            ],
        )
    yield "indicators", INDICATOR_HEADER
    for agency in agencies:
        for number, score in agency.indicators.items():
            yield "indicators", [agency.code, agency.name, year, number, float(score)]
    yield "oit", OIT_HEADER
    for agency in agencies:
        for code, passed in agency.items.items():
            url = f"https://{agency.code}.go.th/ita/{code.lower()}" if passed else ""
            comment = "" if passed else "ไม่พบข้อมูลปีปัจจุบัน"
            yield "oit", [agency.code, agency.name, year, code, "มี" if passed else "ไม่มี", url, comment]


def national_workbook(
    count: int,
    *,
    year: int = 2565,
    seed: int = 2565,
    path: str | Path | None = None,
    rows: Iterable[tuple[str, list]] | None = None,
) -> bytes | None:
    """The workbook of ``national_agencies(count)`` (or of ``rows``, e.g. ``national_rows`` edited by a
    test): its bytes, or written to ``path`` (then None)."""
    wb = Workbook(write_only=True)
    sheets = {name: wb.create_sheet(name) for name in ("summary", "indicators", "oit")}
    if rows is None:
        rows = national_rows(national_agencies(count, year=year, seed=seed), year=year)
    for name, row in rows:
        sheets[name].append(row)
    if path is not None:
        wb.save(str(path))
        return None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
