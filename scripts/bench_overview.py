"""The overview of many organizations with a national year: 8,300 organizations, two years of results.

Builds a throw-away database (SQLite in a temporary folder, or BENCH_DATABASE_URL, e.g.
``postgres://postgres@127.0.0.1:5432/ita_bench_f``: its tables are flushed first), bulk-loads the
organizations and their 2564/2565 assessments with stored results, then requests the overview
several times as site staff and prints the median, best and worst time, queries and size.
Target: median ≤ 300 ms for the unfiltered first page. Run: ``.venv/bin/python scripts/bench_overview.py``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="ita-bench-overview-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DJANGO_DEBUG"] = ""  # measure what production runs: templates cached
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
warnings.filterwarnings("ignore", "No directory at")  # whitenoise: collectstatic is not run here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.demo import load_shipped_frameworks  # noqa: E402
from assessments.models import Assessment, Organization, OrganizationType  # noqa: E402

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", "8300"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
TARGET_MS = 300
PROVINCES = ["ขอนแก่น", "ลำปาง", "เชียงใหม่", "นครราชสีมา", "สงขลา", "อุบลราชธานี", "น่าน", "สกลนคร"]
TYPES = [
    (OrganizationType.SAO, "องค์การบริหารส่วนตำบล"),
    (OrganizationType.SUBDISTRICT_MUNICIPALITY, "เทศบาลตำบล"),
    (OrganizationType.TOWN_MUNICIPALITY, "เทศบาลเมือง"),
]
BANDS = [(95, "AA"), (85, "A"), (75, "B"), (65, "C"), (55, "D"), (50, "E"), (0, "F")]


def band_of(total: Decimal) -> str:
    return next(label for floor, label in BANDS if total >= floor)


def build():
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0, interactive=False)
    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", verbosity=0, interactive=False)
    versions = {r.version.fiscal_year: r.version for r in load_shipped_frameworks()}
    rng = random.Random(2565)
    orgs = []
    for i in range(ORGANIZATIONS):
        kind, prefix = TYPES[i % len(TYPES)]
        province = PROVINCES[i % len(PROVINCES)]
        orgs.append(
            Organization(
                name=f"{prefix}บ้านทดสอบ{i:05d}",
                org_type=kind,
                province=province,
                district=f"อำเภอที่{i % 17}",
                itas_code=f"B{i:05d}",
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=1000)
    orgs = list(Organization.objects.order_by("pk"))
    assessments = []
    for year in (2564, 2565):
        for org in orgs:
            if year == 2565 and org.pk % 50 == 0:
                continue  # some organizations have no result yet
            total = Decimal(rng.randint(4000, 10000)) / 100
            assessments.append(
                Assessment(
                    organization=org,
                    framework=versions[year],
                    fiscal_year=year,
                    computed_total=total,
                    computed_band=band_of(total),
                    computed_passed=total >= 85,
                    computed_complete=True,
                )
            )
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    staff = get_user_model().objects.create_user(
        username="bench-staff", password="bench-pass-1234", is_staff=True
    )
    return staff


def cases():
    url = reverse("overview:index")
    yield "overview 2565, first page", f"{url}?year=2565"
    yield "overview, sorted by change", f"{url}?year=2565&sort=-change"
    yield "overview, Thai search 'ทต.บ้านทดสอบ001'", f"{url}?year=2565&q=ทต.บ้านทดสอบ001"
    yield "overview, province + band filter", f"{url}?year=2565&province=ลำปาง&band=A"
    yield "overview, last page", f"{url}?year=2565&page=166"
    yield "overview Excel export (all rows)", reverse("overview:export") + "?year=2565"


def measure(client, url):
    client.get(url)  # warm-up: templates compiled, framework structure cached
    times = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return statistics.median(times), min(times), max(times), len(ctx), len(response.content)


def main() -> None:
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"{ORGANIZATIONS} organizations × 2 years, {REPEAT} requests per page (target ≤ {TARGET_MS} ms)"
    )
    start = time.perf_counter()
    staff = build()
    print(f"data built in {time.perf_counter() - start:.1f} s")
    client = Client()
    client.force_login(staff)
    print(f"{'page':<44} {'median ms':>10} {'best':>8} {'worst':>8} {'queries':>8} {'KiB':>8}")
    first = None
    for name, url in cases():
        med, best, worst, queries, size = measure(client, url)
        first = med if first is None else first
        print(f"{name:<44} {med:>10.1f} {best:>8.1f} {worst:>8.1f} {queries:>8} {size / 1024:>8.0f}")
    print(
        f"first page median {first:.1f} ms: "
        f"{'meets' if first <= TARGET_MS else 'MISSES'} the {TARGET_MS} ms target"
    )


if __name__ == "__main__":
    main()
