"""Results workbook in the layout the ITAS importer reads (issue 7 item 7).

``itas_workbook`` writes, for any number of assessments, the sheets ``assessments.importer.read_itas``
reads back with every column sure:

* a summary sheet, one row per agency-year: identity, the values ITAS *published* (IIT/EIT/OIT on the
  0-100 scale, total, band; empty when nothing is published), the indicator scores as *entered*, then
  the portal's *computed* values in columns whose header ends in "(คำนวณ)" (the reader ignores those,
  so the computation never comes back as a published value);
* an O-item sheet (when any O-item has anything), one row per agency × O-item with a result, a URL or
  a note: the result (ผ่าน/ไม่ผ่าน, empty while undecided), the URLs (one per line), the note;
* a question sheet (when any question is scored), one row per agency × scored IIT/EIT question: the
  score in %.

The column names are the file's format (the names ``assessments/importer/columns.py`` recognises),
not interface text, so they are not translated. The reader takes an empty result cell for "not
entered" (the stored result stays as it is) and keeps the row's URLs and note, so a partly filled
assessment comes back unchanged; an O-item with nothing at all is left out.
Cells go through ``exports._put`` (user text never becomes a formula); tables print as the other
exports do. Four queries whatever the number of assessments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook

from . import exports
from .models import Assessment, DisclosureResult, IndicatorScore, QuestionScore

TOOLS = ("IIT", "EIT", "OIT")
INDICATORS = range(1, 11)
COMPUTED = " (คำนวณ)"  # the marker the reader ignores (columns.py ``_COMPUTED``)

SUMMARY_SHEET = "สรุปผลการประเมิน"
ITEM_SHEET = "ผลข้อ O"
QUESTION_SHEET = "คะแนนข้อคำถาม"

IDENTITY = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "ปีงบประมาณ"]
PUBLISHED = [*(f"{t} (คะแนนเต็ม 100)" for t in TOOLS), "คะแนนรวม", "ระดับผลการประเมิน"]
ENTERED = [f"ตัวชี้วัดที่ {n}" for n in INDICATORS]
CALCULATED = [
    *(f"{t}{COMPUTED}" for t in TOOLS),
    f"คะแนนรวม{COMPUTED}",
    f"ระดับ{COMPUTED}",
    *(f"ตัวชี้วัดที่ {n}{COMPUTED}" for n in INDICATORS),
]
SUMMARY_HEADERS = [*IDENTITY, *PUBLISHED, *ENTERED, *CALCULATED]
ITEM_HEADERS = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "จังหวัด", "ปีงบประมาณ", "ข้อ", "ชื่อข้อ", "ผลการตรวจ", "URL", "หมายเหตุ"]
QUESTION_HEADERS = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "จังหวัด", "ปีงบประมาณ", "รหัสข้อคำถาม", "คำถาม", "คะแนน (ร้อยละ)"]
VERDICTS = {True: "ผ่าน", False: "ไม่ผ่าน"}


def _decimal(value: object) -> Decimal | None:
    """A stored two-decimal string (published tool scores, the computed snapshot) as a number."""
    return None if value in (None, "") else Decimal(str(value))


def _agency(a: Assessment) -> list[object]:
    return [a.organization.itas_code, a.organization.name, a.organization.province, a.fiscal_year]


def _summary_row(a: Assessment, entered: dict[int, Decimal]) -> list[object]:
    org = a.organization
    snapshot = a.computed_result or {}
    tools = snapshot.get("tools", {})
    indicators = snapshot.get("indicators", {})
    return [
        org.itas_code,
        org.name,
        org.get_org_type_display(),
        org.province,
        org.district,
        a.fiscal_year,
        *(_decimal(a.published_tool_scores.get(t)) for t in TOOLS),
        a.published_total,
        a.published_band,
        *(entered.get(n) for n in INDICATORS),
        *(_decimal(tools.get(t, {}).get("score")) for t in TOOLS),
        a.computed_total if a.computed_complete else None,
        a.computed_band if a.computed_complete else "",
        *(_decimal(indicators.get(str(n))) for n in INDICATORS),
    ]


def itas_workbook(assessments: Iterable[Assessment], *, fiscal_year: int | None = None) -> bytes:
    """The assessments (of ``fiscal_year`` only, when given) as a workbook ``read_itas`` reads back."""
    chosen = [a for a in assessments if fiscal_year is None or a.fiscal_year == fiscal_year]
    ids = [a.pk for a in chosen]
    entered: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for assessment_id, number, score in IndicatorScore.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "indicator__number", "score"
    ):
        entered[assessment_id][number] = score
    items: dict[int, list[DisclosureResult]] = defaultdict(list)
    for result in (
        DisclosureResult.objects.filter(assessment_id__in=ids).select_related("item").order_by("item__order")
    ):
        if result.passed is not None or result.urls or result.note:
            items[result.assessment_id].append(result)
    questions: dict[int, list[QuestionScore]] = defaultdict(list)
    for score in (
        QuestionScore.objects.filter(assessment_id__in=ids).select_related("item").order_by("item__order")
    ):
        questions[score.assessment_id].append(score)

    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    rows = [_summary_row(a, entered[a.pk]) for a in chosen]
    widths = [14, 40, 22, 16, 16, 12, *([14] * (len(SUMMARY_HEADERS) - len(IDENTITY)))]
    exports._table(summary, 1, SUMMARY_HEADERS, rows, widths)

    item_rows = [
        [*_agency(a), r.item.code, r.item.name_th, VERDICTS.get(r.passed, ""), "\n".join(r.urls), r.note]
        for a in chosen
        for r in items[a.pk]
    ]
    if item_rows:  # a sheet of headers alone is one the reader skips with a warning
        exports._table(
            wb.create_sheet(ITEM_SHEET), 1, ITEM_HEADERS, item_rows, [14, 40, 16, 12, 8, 50, 12, 50, 30]
        )

    question_rows = [
        [*_agency(a), s.item.code, s.item.name_th, s.score] for a in chosen for s in questions[a.pk]
    ]
    if question_rows:
        exports._table(
            wb.create_sheet(QUESTION_SHEET), 1, QUESTION_HEADERS, question_rows, [14, 40, 16, 12, 12, 70, 14]
        )
    return exports._workbook_bytes(wb)
