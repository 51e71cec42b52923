"""Dashboard benchmark: median time and queries of the dashboard page of a year with a large plan.

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL, whose tables it fills: give it a
throw-away database) with the demo data set (2564 and 2565), adds MEASURES measures of 2565 checked
at 3, 6, 9 and 12 months (a report on every 3-month round) and 20 memos of the year, then opens the
dashboard as demo-officer REPEAT times after a warm-up. Target: median <= 0.3 s, and the same number
of queries as with the demo's seven measures (the count does not grow with the data). Prints the
figures and exits 1 when a target is missed. Run: ``.venv/bin/python scripts/bench_dashboard.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="ita-bench-dashboard-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DJANGO_DEBUG"] = ""  # measure what production runs: templates cached
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
MEASURES = int(os.environ.get("BENCH_MEASURES", "300"))
TARGET_SECONDS = 0.3


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def main() -> int:
    settings.MEDIA_ROOT = Path(WORKDIR) / "media"
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model

    from assessments.demo import seed_demo
    from assessments.models import Assessment
    from measures import services as measure_services
    from measures.template_file import SHIPPED_FILE, load_templates
    from measures.template_library import measure_templates_load
    from memos import services as memo_services
    from memos.attachments import ReportSpec
    from memos.models import ApprovalChain

    measure_templates_load(specs=load_templates(SHIPPED_FILE))
    seed_demo()
    officer = get_user_model().objects.get(username="demo-officer")
    assessment = Assessment.objects.get(organization__itas_code="DEMO-5401", fiscal_year=2565)
    url = f"/reports/{assessment.pk}/dashboard/"
    client = Client()
    client.force_login(officer)
    client.get(url)
    small = queries(client, url)

    for n in range(MEASURES):
        m = measure_services.measure_create(
            assessment=assessment, title=f"มาตรการทดสอบ {n}", rounds=[3, 6, 9, 12], user=officer
        )
        measure_services.progress_report_save(
            round=m.monitoring_rounds.get(month=3),
            result="ดำเนินการแล้ว",
            outcome="",
            suggestion="",
            percent=25,
            user=officer,
        )
    org = assessment.organization
    chain = ApprovalChain.objects.filter(organization=org).first()
    unit = org.units.order_by("order").first()
    for _ in range(20):
        memo_services.memo_create(
            organization=org,
            unit=unit,
            fiscal_year=2565,
            chain=chain,
            attachments=[ReportSpec("analysis", org.pk, 2565)],
            user=officer,
        )
    client.get(url)
    large = queries(client, url)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"dashboard, {MEASURES} measures x 4 rounds + 20 memos ({connection.vendor})")
    print(f"  median {median * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print(f"  queries: {small} with the demo's plan, {large} with the large one")
    ok = median <= TARGET_SECONDS and large == small
    print(f"  target median <= {TARGET_SECONDS * 1000:.0f} ms and flat queries: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
