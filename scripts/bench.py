"""`make bench`: page times on a large data set, measured in-process with Django's test client.

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL) with the shipped frameworks, one
organization and a 2565 plan of 300 measures × 4 rounds (half reported), then requests each page
several times and prints the median, best and worst time, the number of queries and the size.
Speed targets are checked here, never by timed assertions in the tests.
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
WORKDIR = tempfile.mkdtemp(prefix="ita-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DJANGO_DEBUG"] = ""  # measure what production runs: templates cached, no debug toolbar
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

from assessments import services  # noqa: E402
from assessments.demo import load_shipped_frameworks  # noqa: E402
from assessments.models import Membership, Organization, OrganizationType, Role, Unit  # noqa: E402
from measures.bulk import bulk_measures  # noqa: E402

MEASURES = int(os.environ.get("BENCH_MEASURES", "300"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))


def build():
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
    assessment = services.assessment_create(organization=org, fiscal_year=2565, user=user)
    bulk_measures(assessment, MEASURES, user=user)
    return user, assessment


def cases(assessment):
    """(name, url) of every page measured; later modules add theirs here."""
    lst = reverse("measures:list", args=[assessment.pk])
    yield from ((f"measure list, view={v}", f"{lst}?view={v}") for v in ("number", "tool", "item", "unit"))
    yield "measure list, overdue filter", f"{lst}?overdue=1"
    yield "my work (due and overdue rounds)", reverse("progress:mine")


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
        f"{MEASURES} measures × 4 rounds, {REPEAT} requests per page"
    )
    start = time.perf_counter()
    user, assessment = build()
    print(f"data built in {time.perf_counter() - start:.1f} s")
    client = Client()
    client.force_login(user)
    print(f"{'page':<40} {'median ms':>10} {'best':>8} {'worst':>8} {'queries':>8} {'KiB':>8}")
    for name, url in cases(assessment):
        med, best, worst, queries, size = measure(client, url)
        print(f"{name:<40} {med:>10.1f} {best:>8.1f} {worst:>8.1f} {queries:>8} {size / 1024:>8.0f}")


if __name__ == "__main__":
    main()
