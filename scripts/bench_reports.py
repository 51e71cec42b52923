"""Report PDFs: warm render time of a ~20-page analysis-plus-measures document, next to the time
WeasyPrint alone takes for the same HTML (targets: ≤ 2 s, ratio ≤ 1.2; issue 8).

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL) with the shipped frameworks, one
organization with a complete 2565 result (and 2564 on record) and BENCH_REPORT_MEASURES measures
(default 140: about 20 A4 pages with the analysis), then renders the document several times after a
warm-up, alternating the whole render and WeasyPrint alone (so a busy machine slows both alike), and
prints the median and best of each. Run: .venv/bin/python scripts/bench_reports.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="ita-bench-reports-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DJANGO_DEBUG"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from assessments import services  # noqa: E402
from assessments.demo import load_shipped_frameworks  # noqa: E402
from assessments.models import Membership, Organization, OrganizationType, Role, Unit  # noqa: E402
from measures.bulk import bulk_measures  # noqa: E402
from reports import documents  # noqa: E402
from reports.pdf import html_to_pdf  # noqa: E402

MEASURES = int(os.environ.get("BENCH_REPORT_MEASURES", "140"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.2
SCORES = {1: "88.81", 2: "75.15", 3: "82.16", 4: "78.08", 5: "80.24", 6: "82.65", 7: "75.22", 8: "78.09"}


def build() -> Organization:
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0, interactive=False)
    load_shipped_frameworks()
    org = Organization.objects.create(
        name="เทศบาลตำบลทดสอบความเร็ว", org_type=OrganizationType.SUBDISTRICT_MUNICIPALITY, itas_code="BENCH-1"
    )
    for order, name in enumerate(["สำนักปลัดเทศบาล", "กองคลัง", "กองช่าง", "กองการศึกษา", "กองสาธารณสุข"]):
        Unit.objects.create(organization=org, name=name, order=order)
    user = get_user_model().objects.create_user(username="bench-officer", password="bench-pass-1234")
    Membership.objects.create(user=user, organization=org, role=Role.OFFICER)
    earlier = services.assessment_create(organization=org, fiscal_year=2564, user=user)
    services.indicator_scores_set(
        assessment=earlier, scores={n: Decimal("80") for n in range(1, 11)}, user=user
    )
    assessment = services.assessment_create(organization=org, fiscal_year=2565, user=user)
    services.indicator_scores_set(
        assessment=assessment, scores={n: Decimal(v) for n, v in SCORES.items()}, user=user
    )
    services.disclosures_mark_passed(assessment=assessment, user=user)
    for item in assessment.framework.items.filter(code__in=["O16", "O40"]):
        services.disclosure_result_set(
            assessment=assessment, item=item, passed=False, urls=[], note="", user=user
        )
    bulk_measures(assessment, MEASURES, user=user)
    return org


def timed_pair(whole, alone, repeat: int) -> tuple[list[float], list[float], object]:
    """Time ``whole`` and ``alone`` alternately, after one warm-up call of each (templates compiled,
    fonts loaded, framework structure cached)."""
    result = whole()
    alone()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for work, out in ((whole, times[0]), (alone, times[1])):
            start = time.perf_counter()
            value = work()
            out.append(time.perf_counter() - start)
            if work is whole:
                result = value
    return times[0], times[1], result


def pages_of(pdf: bytes) -> int:
    path = Path(WORKDIR) / "bench.pdf"
    path.write_bytes(pdf)
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return pdf.count(b"/Type /Page\n")
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> int:
    org = build()
    specs = [documents.ReportSpec("analysis", org.pk, 2565), documents.ReportSpec("measures", org.pk, 2565)]
    html = documents.report_document_html(specs, thai_digits=True)
    whole, alone, pdf = timed_pair(
        lambda: documents.render_reports_pdf(specs, thai_digits=True), lambda: html_to_pdf(html), REPEAT
    )
    median_whole, median_alone = statistics.median(whole), statistics.median(alone)
    ratio = median_whole / median_alone
    print(f"analysis + measures plan: {MEASURES} measures, {pages_of(pdf)} pages, {len(pdf) // 1024} KiB")
    print(
        f"  portal (read, HTML, PDF): median {median_whole:.3f} s, best {min(whole):.3f} s "
        f"(target ≤ {TARGET_SECONDS} s)"
    )
    print(f"  WeasyPrint alone:         median {median_alone:.3f} s, best {min(alone):.3f} s")
    print(f"  ratio: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    if hasattr(os, "getloadavg"):
        print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = median_whole <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print("  within targets" if ok else "  OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
