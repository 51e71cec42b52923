"""A complete 2565 assessment of organization A (ten indicator scores, two failed O-items), its 2564
result on record, and a measure with a 6-month report: what every report kind needs."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from assessments import services
from measures import services as measure_services

SCORES_2565 = {
    1: "88.81",
    2: "75.15",
    3: "82.16",
    4: "78.08",
    5: "80.24",
    6: "82.65",
    7: "75.22",
    8: "78.09",
    9: "100.00",
    10: "100.00",
}
SCORES_2564 = {n: "80.00" for n in range(1, 11)}


@pytest.fixture
def full_assessment(fw2565, frameworks, org_a, officer):
    """Organization A's 2565 result as seed 004 publishes it (87.86, A), with 2564 on record."""
    earlier = services.assessment_create(organization=org_a, fiscal_year=2564, user=officer)
    services.indicator_scores_set(
        assessment=earlier, scores={n: Decimal(v) for n, v in SCORES_2564.items()}, user=officer
    )
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    services.indicator_scores_set(
        assessment=a, scores={n: Decimal(v) for n, v in SCORES_2565.items()}, user=officer
    )
    for code in ("O16", "O40"):
        item = a.framework.items.get(code=code)
        services.disclosure_result_set(assessment=a, item=item, passed=False, urls=[], note="", user=officer)
    a.refresh_from_db()
    return a


@pytest.fixture
def planned(full_assessment, officer):
    """Two measures checked at 6 and 12 months; the first has a 6-month report at 60 %."""
    first = measure_services.measure_create(
        assessment=full_assessment, title="ประชุมชี้แจงแผนการใช้จ่ายงบประมาณ", rounds=[6, 12], user=officer
    )
    measure_services.measure_create(
        assessment=full_assessment, title='=HYPERLINK("x") ปรับปรุงเว็บไซต์', rounds=[6, 12], user=officer
    )
    six = first.monitoring_rounds.get(month=6)
    measure_services.progress_report_save(
        round=six, result="จัดประชุมแล้ว 2 ครั้ง", outcome="บุคลากรรับทราบ", suggestion="", percent=60, user=officer
    )
    return full_assessment


def plain(text: str) -> str:
    """Text as pdftotext gives it back, comparable: WeasyPrint issue #2841 loses the nikhahit of ำ
    and reorders stacked marks, so ำ reads as า and the other combining marks are dropped; lines
    break anywhere in a PDF, so white space is dropped too."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn" and not ch.isspace())


def pdf_tool(name: str, path: Path, *args: str) -> str:
    if shutil.which(name) is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    command = [name, *args, str(path), "-"] if name == "pdftotext" else [name, *args, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout
